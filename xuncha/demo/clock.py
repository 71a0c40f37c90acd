"""Dates of the demo story, and moving what the services stamped "now" into that story.

The services stamp the current time (进驻时间, 签字时间, 销号时间 …) and refuse dates in the future
where the rules say so. A demo needs a past: rounds held in earlier years, plans whose concentrated
period has ended, overdue tasks. The work steps therefore run the services as they are, today, and
then — **demo data only** — move the time stamps of what they just made into the story with plain
``queryset.update()`` calls (``backdate``). Dates the services accept as arguments (entry dates,
deadlines, hand-over dates, decision dates) are passed directly and never moved.

Nothing here touches the audit trail: its rows keep the real time of the demo load, so the chain
verifies and the auditor sees when the demo was made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime on ``day`` in the current time zone (office hours by default)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days(n: int) -> timedelta:
    return timedelta(days=n)


def cn_date(day: date) -> str:
    """2024年6月30日 — as dates are written in measures and reports."""
    return f"{day.year}年{day.month}月{day.day}日"


def backdate(target: QuerySet[Any] | Model, **fields: Any) -> None:
    """Demo data only: sets time stamps the services wrote as "now" to a day of the story.

    ``fields`` maps a field name to a ``date`` (stored as office hours that day for datetime
    fields) or a ``datetime``. ``updated_at`` follows the latest value given.
    """
    qs = target if isinstance(target, QuerySet) else type(target)._base_manager.filter(pk=target.pk)
    model = qs.model
    values: dict[str, Any] = {}
    latest: datetime | None = None
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.get_internal_type() == "DateTimeField" and isinstance(value, date) and not isinstance(
                value, datetime):
            value = moment(value)
        values[name] = value
        if isinstance(value, datetime) and (latest is None or value > latest):
            latest = value
    if latest is not None and any(f.name == "updated_at" for f in model._meta.fields) and \
            "updated_at" not in values:
        values["updated_at"] = latest
    qs.update(**values)
