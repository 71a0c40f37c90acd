"""Renders a report's text (headings, lists, paragraphs, bold) to safe HTML, and compares versions.

A deliberately small subset of Markdown, written here rather than taken from a Markdown library:
reports need only headings and lists, and a renderer that escapes everything and emits a fixed set
of tags cannot be talked into emitting a script, whatever the text contains.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*·]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.、)]\s*(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def render(body: str) -> SafeString:
    out: list[str] = []
    list_tag: str | None = None
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(p) for p in paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush_paragraph()
            close_list()
            continue
        if m := _HEADING.match(line):
            flush_paragraph()
            close_list()
            level = len(m.group(1)) + 1  # the page's own title is h1
            out.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
        elif (m := _BULLET.match(line)) or (m2 := _NUMBERED.match(line)):
            flush_paragraph()
            tag = "ul" if m else "ol"
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            text = m.group(1) if m else m2.group(2)  # type: ignore[union-attr]
            out.append(f"<li>{_inline(text)}</li>")
        else:
            close_list()
            paragraph.append(line.strip())
    flush_paragraph()
    close_list()
    return mark_safe("\n".join(out))  # noqa: S308 — every piece of text above is escaped


def compare(old: str, new: str) -> SafeString:
    """A line-by-line comparison of two versions as an HTML table (removed / added / same)."""
    rows = []
    for op in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = op[:2], op[2:]
        if code == "? ":
            continue
        cls = {"- ": "del", "+ ": "ins", "  ": "same"}[code]
        sign = {"del": "−", "ins": "+", "same": ""}[cls]
        rows.append(f'<tr class="diff-{cls}"><td class="diff-sign">{sign}</td>'
                    f"<td>{escape(text) or '&nbsp;'}</td></tr>")
    return mark_safe('<table class="diff">' + "".join(rows) + "</table>")  # noqa: S308
