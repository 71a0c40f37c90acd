"""Writing the audit trail.

``record`` is called inside the transaction of the change it records, so the change and its audit
row commit or roll back together. Appending locks the head row, which serialises writers and keeps
the chain linear on PostgreSQL as on SQLite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.audit.chain import GENESIS, link_hash
from xuncha.audit.models import AuditEvent, AuditHead, Outcome

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from django.conf import settings

    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= proxies:
            return parts[-proxies]
    return request.META.get("REMOTE_ADDR") or None


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
) -> AuditEvent:
    """Appends one event to the chain. Must run inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor if is_user else None,
            actor_name=(actor_name or (actor.username if is_user and actor else ""))[:120],
            unit=actor.unit if is_user and actor else None,
            unit_name=(actor.unit.name if is_user and actor else "")[:120],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            changes=_jsonable(changes or {}),
            outcome=outcome,
            ip=client_ip(request),
            prev_hash=head.last_hash or GENESIS,
        )
        event.hash = link_hash(event.prev_hash, event)
        event.save()
        AuditHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def record_denial(request: HttpRequest, *, reason: str, obj_hint: str = "") -> None:
    """Every denial is logged, in its own transaction (nothing else is being written)."""
    user = getattr(request, "user", None)
    record(
        actor=user,
        action="access.denied",
        object_type="path",
        object_id="",
        object_repr=(obj_hint or request.path)[:200],
        changes={"method": request.method, "reason": reason},
        outcome=Outcome.DENIED,
        request=request,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A change summary: {field: [old, new]} for the fields that changed."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)
