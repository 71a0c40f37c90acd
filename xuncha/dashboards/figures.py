"""One definition per figure (docs/figures.md). Every figure is a numerator and, for rates, a
denominator, each of which is a queryset of the items it counts, so a page can list exactly what
a number counts. Callers pass querysets already restricted by the scope check (``visible``) and by
their filters; nothing here widens what a user may see.

Definitions:
- 反馈问题 (fed back): active problems of inspections whose feedback was signed (整改 or later).
- 已整改 (rectified): fed-back problems that have at least one task and no task that is not closed
  (closed = 已销号, i.e. verified by the office).
- 整改率 (rectification rate): rectified / fed back.
- 逾期 (overdue): tasks not closed whose deadline is before today.
- 按期销号率 (on-time closure rate): tasks closed on or before their deadline / tasks closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from xuncha.findings.models import Problem, ProblemState
from xuncha.inspections.models import InspectionStatus
from xuncha.rectification.models import RectificationTask, TaskStatus

FED_BACK_STATUSES = [InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING,
                     InspectionStatus.ARCHIVED]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """Two decimals, rounded half up as the articles print them (98.14%)."""
        if not self.denominator:
            return None
        return (Decimal(100 * self.numerator) / Decimal(self.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict[str, object]:
        p = self.percent
        return {"numerator": self.numerator, "denominator": self.denominator,
                "percent": float(p) if p is not None else None}


# Each rule is a condition (a Q) first, so that a page can count several figures in one query
# (registry.compute, breakdowns) and list the rows of one (the queryset functions below).

def found_q() -> Q:
    """发现问题: active problems (not withdrawn, not turned into a lead)."""
    return Q(state=ProblemState.ACTIVE)


def fed_back_q() -> Q:
    return Q(state=ProblemState.ACTIVE, inspection__status__in=FED_BACK_STATUSES)


def rectified_q() -> Q:
    any_task = RectificationTask.objects.filter(problem=OuterRef("pk"))
    open_task = any_task.exclude(status=TaskStatus.CLOSED)
    return fed_back_q() & Q(Exists(any_task)) & ~Q(Exists(open_task))


def overdue_q(today: date | None = None) -> Q:
    # ~Q(status=closed) renders as NOT (status = 'closed'): the very condition of the partial
    # index on open tasks, which SQLite uses only when the query repeats it.
    return Q(deadline__lt=today or timezone.localdate()) & ~Q(status=TaskStatus.CLOSED)


def closed_q() -> Q:
    return Q(status=TaskStatus.CLOSED)


class LocalDate(TruncDate):
    """The local calendar date of a datetime column (what ``__date`` means), computed by the
    database itself. Django's ``__date`` on SQLite calls a Python function for every row (337 ms
    for the 35,000 closed tasks of a large county); with a time zone without daylight saving, such
    as Asia/Shanghai, SQLite's own ``date(col, '+28800 seconds')`` is exact. PostgreSQL and zones
    with daylight saving keep Django's own expression."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        offset = _fixed_utc_offset()
        if offset is None:
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, f"{offset:+d} seconds")


class LocalMonth(Func):
    """The local calendar month of a datetime column as 'YYYY-MM', computed by the database:
    SQLite's own strftime with the fixed offset (Django's TruncMonth calls Python for every row),
    PostgreSQL's to_char in the current time zone."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        (column,) = self.get_source_expressions()
        offset = _fixed_utc_offset()
        if offset is None:
            sql, params = compiler.compile(TruncMonth(column))
            return f"substr({sql}, 1, 7)", params
        sql, params = compiler.compile(column)
        return f"strftime('%%Y-%%m', {sql}, %s)", (*params, f"{offset:+d} seconds")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        (column,) = self.get_source_expressions()
        sql, params = compiler.compile(column)
        return (f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM')",
                (*params, timezone.get_current_timezone_name()))


def local_midnight(day: date) -> datetime:
    """The first instant of ``day`` in the current time zone: compare a datetime column with it
    rather than filtering on ``__date`` (a function call per row)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _fixed_utc_offset() -> int | None:
    """Seconds east of UTC of the current time zone, if it never changes; else None."""
    if not settings.USE_TZ:
        return 0
    tz = timezone.get_current_timezone()
    year = timezone.now().year
    offsets = {tz.utcoffset(datetime(year, m, 1)) for m in (1, 7)}
    if len(offsets) != 1:
        return None
    (off,) = offsets
    return int(off.total_seconds()) if off is not None else None


def closed_on_time_q() -> Q:
    return closed_q() & Q(deadline__isnull=False) & Q(
        LessThanOrEqual(LocalDate("closed_at"), F("deadline")))


def found(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    return problems.filter(found_q())


def fed_back(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    return problems.filter(fed_back_q())


def rectified(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    return problems.filter(rectified_q())


def rectification_rate(problems: QuerySet[Problem]) -> Rate:
    return Rate(rectified(problems).count(), fed_back(problems).count())


def overdue(tasks: QuerySet[RectificationTask], today: date | None = None
            ) -> QuerySet[RectificationTask]:
    return tasks.filter(overdue_q(today))


def closed(tasks: QuerySet[RectificationTask]) -> QuerySet[RectificationTask]:
    return tasks.filter(closed_q())


def closed_on_time(tasks: QuerySet[RectificationTask]) -> QuerySet[RectificationTask]:
    return tasks.filter(closed_on_time_q())


def on_time_rate(tasks: QuerySet[RectificationTask]) -> Rate:
    return Rate(closed_on_time(tasks).count(), closed(tasks).count())


# --- Leads (问题线索) -----------------------------------------------------------------------------
# - 移交线索 (transferred): leads handed over to a receiving body.
# - 成案率 (case rate): concluded leads that were filed as a case / concluded leads.
# - 平均办结天数: days from transfer to conclusion, over concluded leads.
# - 平均每轮线索数: leads / rounds that produced at least one inspection, by round kind.

def leads_all_q() -> Q:
    return Q(pk__isnull=False)


def leads_transferred_q() -> Q:
    from xuncha.leads.models import LeadStage

    return ~Q(stage=LeadStage.REGISTERED)


def leads_concluded_q() -> Q:
    from xuncha.leads.models import CONCLUDED_STAGES

    return Q(stage__in=CONCLUDED_STAGES)


def leads_filed_as_case_q() -> Q:
    return leads_concluded_q() & Q(case_filed_at__isnull=False)


def leads_transferred(leads: QuerySet) -> QuerySet:
    return leads.filter(leads_transferred_q())


def leads_concluded(leads: QuerySet) -> QuerySet:
    return leads.filter(leads_concluded_q())


def leads_filed_as_case(leads: QuerySet) -> QuerySet:
    return leads.filter(leads_filed_as_case_q())


def case_rate(leads: QuerySet) -> Rate:
    return Rate(leads_filed_as_case(leads).count(), leads_concluded(leads).count())


def average_days_to_conclusion(leads: QuerySet) -> Decimal | None:
    done = leads_concluded(leads).filter(transferred_at__isnull=False).values_list(
        "transferred_at", "concluded_at")
    days = [(c - t).total_seconds() / 86400 for t, c in done if c and t]
    if not days:
        return None
    return Decimal(sum(days) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def leads_per_round(leads: QuerySet, rounds: QuerySet) -> dict[str, dict[str, object]]:
    """Average leads per round, by round kind (the 昆明 3.4× comparison of coordinated rounds):
    leads / rounds that held at least one inspection."""
    from django.db.models import Count

    from xuncha.inspections.models import Inspection

    held = rounds.filter(Exists(Inspection.objects.filter(round_id=OuterRef("pk"))))
    n_rounds = dict(held.order_by().values("kind").annotate(c=Count("pk")).values_list("kind", "c"))
    n_leads = dict(leads.order_by().values("inspection__round__kind").annotate(c=Count("pk"))
                   .values_list("inspection__round__kind", "c"))
    out: dict[str, dict[str, object]] = {}
    for kind, r in n_rounds.items():
        n = n_leads.get(kind, 0)
        out[kind] = {"leads": n, "rounds": r,
                     "average": (Decimal(n) / r).quantize(Decimal("0.01")) if r else None}
    return out
