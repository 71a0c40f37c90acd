from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from xuncha.accounts.scope import visible
from xuncha.audit.models import AuditEvent

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def event_list(
    *, user: User, q: str = "", action: str = "", outcome: str = "", actor: str = "",
    since: datetime | None = None, until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    qs = visible(user, AuditEvent)
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(object_id=q) | Q(action__icontains=q))
    if action:
        qs = qs.filter(action__startswith=action)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if actor:
        # The login name at the time (or the name tried, for a failed login), or the person's name.
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(actor__name__icontains=actor))
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-seq")


def events_for_page(qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return qs.select_related("actor")
