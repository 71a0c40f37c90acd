"""Field encryption with SM4 (GB/T 32907) and a keyed SM3 digest for search (GB/T 39786 国密).

Confidential fields (the people named in a lead, ID and phone numbers, the facts) are stored as
``sm4:<key id>:<nonce>:<ciphertext+tag>`` — SM4 in GCM mode, the field's name as associated data so
a value copied into another column does not decrypt. The keys live outside the database: in the
environment (``XUNCHA_SM4_KEYS``, the JSON below) or in a key file (``XUNCHA_SM4_KEY_FILE``, default
``<data dir>/sm4-keys.json``, generated for the demo). Key file::

    {"current": 2, "keys": {"1": "<32 hex>", "2": "<32 hex>"}, "index_key": "<64 hex>"}

Rotation adds a key, makes it current, re-encrypts every value and verifies it (see the leads app's
``rotate_keys`` command); old keys can then be removed. A wrong or missing key fails loudly with
``DecryptionError`` and nothing is written.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

PREFIX = "sm4"


class KeyMaterialError(Exception):
    """The key material is missing or malformed."""


class DecryptionError(Exception):
    """A value cannot be decrypted with the configured keys (wrong key, or the value was altered)."""


@dataclass(frozen=True)
class KeyRing:
    current: int
    keys: dict[int, bytes]
    index_key: bytes

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
            keys = {int(k): bytes.fromhex(v) for k, v in data["keys"].items()}
            ring = cls(current=int(data["current"]), keys=keys,
                       index_key=bytes.fromhex(data["index_key"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyMaterialError(f"SM4 key ring is malformed: {exc}") from None
        if ring.current not in ring.keys or any(len(k) != 16 for k in ring.keys.values()):
            raise KeyMaterialError("SM4 key ring: the current key is missing or a key is not 128 bits")
        if len(ring.index_key) < 32:
            raise KeyMaterialError("SM4 key ring: the index key must be at least 256 bits")
        return ring

    def to_json(self) -> str:
        return json.dumps({"current": self.current,
                           "keys": {str(k): v.hex() for k, v in sorted(self.keys.items())},
                           "index_key": self.index_key.hex()}, indent=2)

    def with_new_key(self) -> KeyRing:
        new_id = max(self.keys) + 1
        return KeyRing(current=new_id, keys={**self.keys, new_id: secrets.token_bytes(16)},
                       index_key=self.index_key)

    def only_current(self) -> KeyRing:
        return KeyRing(current=self.current, keys={self.current: self.keys[self.current]},
                       index_key=self.index_key)


def new_key_ring() -> KeyRing:
    return KeyRing(current=1, keys={1: secrets.token_bytes(16)}, index_key=secrets.token_bytes(32))


def key_file_path() -> Path:
    configured = os.environ.get("XUNCHA_SM4_KEY_FILE") or getattr(settings, "XUNCHA_SM4_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "sm4-keys.json"


def write_key_file(ring: KeyRing, path: Path | None = None) -> Path:
    path = path or key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(ring.to_json())
    tmp.chmod(0o600)
    tmp.replace(path)
    reset_key_ring()
    return path


_lock = threading.Lock()
_ring: KeyRing | None = None


def key_ring() -> KeyRing:
    """The configured keys; generated into the key file on first use outside production."""
    global _ring
    if _ring is not None:
        return _ring
    with _lock:
        if _ring is not None:
            return _ring
        text = os.environ.get("XUNCHA_SM4_KEYS", "")
        if not text:
            path = key_file_path()
            if path.exists():
                text = path.read_text()
            elif getattr(settings, "PRODUCTION", False):
                raise KeyMaterialError(f"No SM4 keys: set XUNCHA_SM4_KEYS or create {path}")
            else:
                write_key_file(new_key_ring(), path)
                text = path.read_text()
        _ring = KeyRing.from_json(text)
        return _ring


def reset_key_ring(ring: KeyRing | None = None) -> None:
    """Forgets the cached keys (after a rotation), or installs ``ring`` (tests)."""
    global _ring
    _ring = ring


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def encrypt(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    nonce = secrets.token_bytes(12)
    enc = Cipher(algorithms.SM4(ring.keys[ring.current]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(context.encode())
    ct = enc.update(plaintext.encode()) + enc.finalize()
    return f"{PREFIX}:{ring.current}:{_b64(nonce)}:{_b64(ct + enc.tag)}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def key_id_of(token: str) -> int | None:
    parts = token.split(":")
    return int(parts[1]) if len(parts) == 4 and parts[0] == PREFIX and parts[1].isdigit() else None


def decrypt(token: str, *, context: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    parts = token.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise DecryptionError("value is not an SM4 token")
    key_id = int(parts[1])
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"SM4 key {key_id} is not configured")
    raw = _unb64(parts[3])
    ct, tag = raw[:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(_unb64(parts[2]), tag)).decryptor()
    dec.authenticate_additional_data(context.encode())
    try:
        return (dec.update(ct) + dec.finalize()).decode()
    except InvalidTag:
        raise DecryptionError(
            f"SM4 decryption failed for {context}: wrong key or altered value"
        ) from None


def normalise_for_index(value: str) -> str:
    """Names are searched whole, ignoring width, case and inner spaces (张 三 = 张三)."""
    s = unicodedata.normalize("NFKC", value).casefold()
    return "".join(s.split())


def blind_index(value: str, *, context: str, ring: KeyRing | None = None) -> str:
    """A keyed SM3 digest (HMAC-SM3) that allows exact search without storing the plaintext."""
    ring = ring or key_ring()
    h = hmac.HMAC(ring.index_key, hashes.SM3())
    h.update(context.encode() + b"|" + normalise_for_index(value).encode())
    return h.finalize().hex()


class EncryptedTextField(models.TextField):
    """A text column stored SM4-encrypted; the Python value is the plaintext.

    Not usable in lookups (the stored value is randomised); search through a blind index column.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._context = f"{cls._meta.app_label}.{cls.__name__}.{name}".lower()

    @property
    def context(self) -> str:
        return getattr(self, "_context", self.name or "")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), context=self.context)
