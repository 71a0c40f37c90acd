"""SM4 key rotation: a new key becomes current, every encrypted value is re-encrypted with it and
read back, and only then may the old keys be dropped.

Order matters for safety: the key file first gains the new key (old keys kept), so whatever
happens next every value stays readable; the re-encryption runs in one transaction and is verified
inside it with the new key alone before it commits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from xuncha.core import crypto


@dataclass
class RotationResult:
    old_key_ids: list[int]
    new_key_id: int
    values: int
    dropped_old: bool


def encrypted_fields() -> list[tuple[type[models.Model], list[crypto.EncryptedTextField]]]:
    out = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, crypto.EncryptedTextField)]
        if fields:
            out.append((model, fields))
    return out


def verify_all(ring: crypto.KeyRing) -> int:
    """Reads every stored encrypted value with ``ring``; raises DecryptionError on the first
    failure. Returns how many values were checked."""
    checked = 0
    for model, fields in encrypted_fields():
        table = model._meta.db_table
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cur:
            cur.execute(f"SELECT {cols} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cur.fetchall():
                for f, value in zip(fields, row, strict=True):
                    if value:
                        crypto.decrypt(value, context=f.context, ring=ring)
                        checked += 1
    return checked


def rotate_keys(*, drop_old: bool = False) -> RotationResult:
    if os.environ.get("XUNCHA_SM4_KEYS"):
        raise crypto.KeyMaterialError(
            "keys come from XUNCHA_SM4_KEYS: rotate them by hand, or use a key file")
    old = crypto.key_ring()
    verify_all(old)  # a wrong key stops here, before anything is written
    new = old.with_new_key()
    crypto.write_key_file(new)  # both keys from now on
    crypto.reset_key_ring(new)
    count = 0
    with transaction.atomic():
        for model, fields in encrypted_fields():
            names = [f.name for f in fields]
            for row in model._base_manager.only("pk", *names).iterator(chunk_size=500):
                model._base_manager.filter(pk=row.pk).update(
                    **{n: getattr(row, n) for n in names})
                count += sum(1 for n in names if getattr(row, n))
        verify_all(new.only_current())
    if drop_old:
        crypto.write_key_file(new.only_current())
    crypto.reset_key_ring(None)
    return RotationResult(sorted(old.keys), new.current, count, drop_old)
