"""Writing the audit trail.

``record`` is called inside the transaction of the change it records, so the change and its audit
row commit or roll back together. Appending locks the head row, which serialises writers and keeps
the chain linear on PostgreSQL as on SQLite. Services should record as the last step of their
transaction: the head stays locked until that transaction ends. ``record_many`` appends the events
of a bulk change (an import) with one lock, one insert and one move of the head; its rows are those
``record`` would write one by one.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.audit.chain import GENESIS, link_hash
from xuncha.audit.context import current_ip, ip_from_meta, normalise_ip
from xuncha.audit.models import AuditEvent, AuditHead, Outcome
from xuncha.core.bulk import bulk_insert

if TYPE_CHECKING:
    from xuncha.accounts.models import User

logger = logging.getLogger("xuncha.audit")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address of ``request``; without one, that of the request being served."""
    if request is None:
        return current_ip()
    return ip_from_meta(request.META)


@dataclass(frozen=True)
class AuditEntry:
    """What one event is about, for ``record_many``; the same meaning as ``record``'s arguments."""

    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    object_repr: str = ""
    changes: dict[str, Any] | None = None
    outcome: str = Outcome.SUCCESS


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    request: HttpRequest | None = None,
    actor_name: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Appends one event to the chain. Must run inside the transaction of the change it records.

    The client address is ``ip`` if given, else that of ``request``, else that of the request being
    served (xuncha.audit.context), so services need not pass the request along.
    """
    entry = AuditEntry(action=action, obj=obj, object_type=object_type, object_id=object_id,
                       object_repr=object_repr, changes=changes, outcome=outcome)
    return record_many(actor=actor, events=[entry], request=request, actor_name=actor_name,
                       ip=ip)[0]


def record_many(
    *,
    actor: User | None,
    events: Sequence[AuditEntry],
    request: HttpRequest | None = None,
    actor_name: str = "",
    ip: str | None = None,
) -> list[AuditEvent]:
    """Appends several events by one actor to the chain in one go, in the order given.

    The rows are those ``record`` would write if called once per event — the same fields, linked
    and hashed the same way, so the chain verifies alike — but the head is locked once, sequence
    numbers and hashes are worked out here, the rows are inserted together, the head is moved once,
    and the events share one time. Must run inside the transaction of the changes it records, as
    ``record``.
    """
    if not events:
        return []
    who = _actor_fields(actor, actor_name, ip, request)
    built = [AuditEvent(**who, **_object_fields(e)) for e in events]
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq, prev_hash = head.last_seq, head.last_hash or GENESIS
        at = timezone.now()  # the events of one call are one moment
        for event in built:
            seq += 1
            event.seq, event.at, event.prev_hash = seq, at, prev_hash
            event.hash = prev_hash = link_hash(prev_hash, event)
        bulk_insert(built)
        AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=prev_hash)
    return built


def _actor_fields(actor: User | None, actor_name: str, ip: str | None,
                  request: HttpRequest | None) -> dict[str, Any]:
    """Who acted, from where: the same for every event of one call."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    unit = actor.unit if is_user and actor is not None else None
    return {
        "actor": actor if is_user else None,
        "actor_name": _text(actor_name or (actor.username if is_user and actor else ""), 120),
        "unit": unit,
        "unit_name": _text(unit.name if unit is not None else "", 120),
        "ip": normalise_ip(ip) if ip else client_ip(request),
    }


def _object_fields(entry: AuditEntry) -> dict[str, Any]:
    """What was done to what, with which result."""
    object_type, object_id, object_repr = entry.object_type, entry.object_id, entry.object_repr
    obj = entry.obj
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        # A model may name itself without its content (a problem can become confidential).
        audit_repr = getattr(obj, "audit_repr", None)
        object_repr = object_repr or (audit_repr() if callable(audit_repr) else str(obj))
    return {
        "action": _text(entry.action, 60),
        "object_type": _text(object_type, 60),
        "object_id": _text(str(object_id), 64),
        "object_repr": _text(object_repr, 200),
        "changes": _jsonable(entry.changes or {}),
        "outcome": entry.outcome,
    }


def record_denial(request: HttpRequest, *, reason: str, obj_hint: str = "") -> None:
    """Logs a refusal (403, or 404 for "missing or not yours"); never raises.

    Called by the page middleware and the API's error handler after the view failed. The view's own
    transaction has normally ended by then and the row is written on its own. If the request runs
    inside a transaction that is already doomed to roll back, the database refuses every statement
    until it ends: the denial is then kept and written when the request finishes, so that it is not
    lost with the rollback and the refusal does not turn into a server error.
    """
    user = getattr(request, "user", None)
    fields: dict[str, Any] = {
        "actor": user,
        "action": "access.denied",
        "object_type": "path",
        "object_id": "",
        "object_repr": obj_hint or request.path,
        "changes": {"method": request.method, "path": request.path, "reason": reason},
        "outcome": Outcome.DENIED,
        "actor_name": "",
        "ip": client_ip(request),
    }
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.needs_rollback:
        pending = getattr(connection, "_xuncha_pending_denials", None)
        if pending is None:
            pending = []
            connection._xuncha_pending_denials = pending  # type: ignore[attr-defined]
        pending.append(fields)
        return
    _write_denial(fields)


def _write_denial(fields: dict[str, Any]) -> None:
    try:
        record(**fields)
    except DatabaseError:
        logger.exception("audit: could not record a denial: %r", fields.get("changes"))


def flush_pending_denials(sender: Any = None, **kwargs: Any) -> None:
    """Writes the denials kept while the request's transaction was doomed (request_finished)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_xuncha_pending_denials", None)
    if not pending:
        return
    if connection.in_atomic_block and connection.needs_rollback:
        logger.error("audit: %d denial(s) could not be recorded: the transaction is still broken",
                     len(pending))
        return
    connection._xuncha_pending_denials = []  # type: ignore[attr-defined]
    for fields in pending:
        _write_denial(dict(fields))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A change summary: {field: [old, new]} for the fields that changed."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def _text(value: str, limit: int) -> str:
    # PostgreSQL refuses NUL characters in text; the column lengths are enforced there too.
    return value.replace("\x00", "")[:limit]


def _jsonable(value: Any) -> Any:
    """Plain JSON that reads back unchanged from SQLite's text and PostgreSQL's jsonb, so the hash
    computed now matches the row read later (jsonb rewrites 1e+20 as 100000000000000000000)."""
    if isinstance(value, dict):
        return {_text(str(k), 200): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) and "e" not in repr(value) else repr(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value).replace("\x00", "")
