"""Tiny but valid evidence files for the demo, made in code (no files in the repository).

A one-page PDF with a line of text and a small PNG with a coloured pattern: both pass the
attachment checks (the type is read from the bytes) and open in a viewer. The content depends only
on what is passed in, so the same label gives the same bytes — which is how the demo makes one
file reused on two closures (the "same file" warning of paper rectification).
"""

from __future__ import annotations

import hashlib
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(label: str) -> bytes:
    """A one-page A4 PDF 1.4 whose page shows ``label`` (ASCII; other characters become '?')."""
    text = label.encode("ascii", "replace").decode().replace("\\", "/").replace("(", "[").replace(
        ")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td (Xuncha demo evidence) Tj 0 -24 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bytes(label: str, size: int = 16) -> bytes:
    """A ``size``×``size`` RGB PNG in two colours taken from the label's digest (a "site photo")."""
    digest = hashlib.sha256(label.encode()).digest()
    a, b = digest[:3], digest[3:6]
    rows = b"".join(
        b"\x00" + b"".join(a if (x // 4 + y // 4) % 2 else b for x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b""))


def evidence(name: str, label: str) -> SimpleUploadedFile:
    """An upload named ``name`` (…pdf or …png) whose bytes are made from ``label``."""
    if name.endswith(".png"):
        return SimpleUploadedFile(name, png_bytes(label), content_type="image/png")
    return SimpleUploadedFile(name, pdf_bytes(label), content_type="application/pdf")
