"""SM3 hash chain of the audit trail (GB/T 32905; `cryptography`'s hashes.SM3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def canonical(fields: dict[str, Any]) -> bytes:
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return str(o)

    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=default).encode()


CHAINED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "unit_id", "unit_name", "action", "object_type",
    "object_id", "object_repr", "changes", "outcome", "ip",
)


def row_fields(event: Any) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in CHAINED_FIELDS}
    at = values["at"]
    # Timestamps are hashed in UTC at microsecond precision, whatever the database returns.
    if isinstance(at, datetime):
        values["at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return values


def link_hash(prev_hash: str, event: Any) -> str:
    return sm3_hex(prev_hash.encode() + b"|" + canonical(row_fields(event)))
