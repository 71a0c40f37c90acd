"""Reads of the inspection work, through the scope check."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from xuncha.accounts.scope import get_visible, visible
from xuncha.inspections.models import (
    CoverageEntry,
    CoveragePlan,
    Inspection,
    InspectionStatus,
    IntakeItem,
    Round,
    Team,
    TeamMember,
)
from xuncha.organisations.models import Term, UnitKind

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# The groups the coverage view reports by (domain.md: departments, townships, villages, firms,
# schools).
KIND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("部门单位", (UnitKind.DEPARTMENT, UnitKind.COMMITTEE_OFFICE)),
    ("乡镇(街道)", (UnitKind.TOWNSHIP, UnitKind.STREET)),
    ("村(社区)", (UnitKind.VILLAGE, UnitKind.COMMUNITY)),
    ("国有企业", (UnitKind.STATE_FIRM,)),
    ("学校医院", (UnitKind.SCHOOL, UnitKind.HOSPITAL)),
)


@dataclass
class CoverageRow:
    label: str
    kinds: tuple[str, ...]
    total: int = 0
    covered: int = 0
    planned: int = 0

    @property
    def not_yet(self) -> int:
        return self.total - self.covered - self.planned

    @property
    def rate(self) -> float:
        return round(100 * self.covered / self.total, 2) if self.total else 0.0


@dataclass
class CoverageSummary:
    plan: CoveragePlan
    rows: list[CoverageRow] = field(default_factory=list)
    rounds_held: int = 0
    remaining_rounds: int = 0
    per_round: float = 0.0
    warning: str = ""
    # unit id → the rounds (labels) that covered or plan to cover it
    rounds_by_unit: dict[int, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> CoverageRow:
        t = CoverageRow(_("合计"), ())
        for r in self.rows:
            t.total += r.total
            t.covered += r.covered
            t.planned += r.planned
        return t


def coverage_summary(*, user: User, term: Term) -> CoverageSummary:
    """Covered (entered at least once this term), planned (a target not yet entered), not yet —
    by kind of unit, with a warning when what is left cannot fit the rounds left."""
    plan = get_visible(user, CoveragePlan.objects.select_related("term", "term__unit"),
                       term=term)
    entries = CoverageEntry.objects.filter(plan=plan, included=True)
    inspections = Inspection.objects.filter(round__term=term).select_related("round")
    status_by_unit: dict[int, str] = {}
    rounds_by_unit: dict[int, list[str]] = {}
    for insp in inspections.only("unit_id", "status", "round__number", "round__kind"):
        label = _("第%(n)s轮") % {"n": insp.round.number}
        rounds_by_unit.setdefault(insp.unit_id, []).append(label)
        covered = insp.status != InspectionStatus.PREPARING
        if covered or insp.unit_id not in status_by_unit:
            status_by_unit[insp.unit_id] = "covered" if covered else "planned"
    summary = CoverageSummary(plan=plan, rounds_by_unit=rounds_by_unit)
    rows = {label: CoverageRow(label, kinds) for label, kinds in KIND_GROUPS}
    kind_to_row = {k: rows[label] for label, kinds in KIND_GROUPS for k in kinds}
    other = CoverageRow(_("其他"), ())
    for unit_id, kind in entries.values_list("unit_id", "unit__kind"):
        row = kind_to_row.get(kind, other)
        row.total += 1
        state = status_by_unit.get(unit_id)
        if state == "covered":
            row.covered += 1
        elif state == "planned":
            row.planned += 1
    summary.rows = [r for r in [*rows.values(), other] if r.total]
    held = Round.objects.filter(term=term).annotate(n=Count("inspections")).filter(n__gt=0)
    summary.rounds_held = held.count()
    targets = sum(r.n for r in held)
    summary.remaining_rounds = max(plan.planned_rounds - Round.objects.filter(term=term).count(), 0)
    summary.per_round = round(targets / summary.rounds_held, 1) if summary.rounds_held else 0.0
    left = summary.total.not_yet
    if left:
        if summary.remaining_rounds == 0:
            summary.warning = _("还有 %(left)d 个单位未安排巡察,但本届计划轮次已用完,无法实现全覆盖。") % {
                "left": left}
        elif summary.per_round:
            capacity = int(summary.remaining_rounds * summary.per_round)
            if left > capacity:
                needed = math.ceil(left / summary.per_round)
                summary.warning = _(
                    "还有 %(left)d 个单位未安排巡察;按已开展轮次平均每轮 %(per)s 个测算,剩余 "
                    "%(rounds)d 轮最多覆盖 %(cap)d 个,需要 %(need)d 轮,无法在本届内完成全覆盖。"
                ) % {"left": left, "per": summary.per_round, "rounds": summary.remaining_rounds,
                     "cap": capacity, "need": needed}
    return summary


def round_list(*, user: User, term_id: int | None = None) -> QuerySet[Round]:
    qs = visible(user, Round).select_related("term", "term__unit").annotate(
        target_count=Count("inspections", distinct=True), team_count=Count("teams", distinct=True))
    if term_id is not None:
        qs = qs.filter(term_id=term_id)
    return qs.order_by("-term__start_date", "number")


def round_get(*, user: User, round_id: int) -> Round:
    return get_visible(user, Round.objects.select_related("term", "term__unit", "co_organiser"),
                       pk=round_id)


def team_get(*, user: User, team_id: int) -> Team:
    return get_visible(user, Team.objects.select_related("round", "round__term__unit"), pk=team_id)


def team_members(team: Team) -> QuerySet[TeamMember]:
    return team.members.select_related("user", "user__unit").order_by("position", "id")


def inspection_list(*, user: User, round_id: int | None = None, status: str = "",
                    unit_id: int | None = None) -> QuerySet[Inspection]:
    qs = visible(user, Inspection).select_related("round", "round__term", "team", "unit")
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    if status:
        qs = qs.filter(status=status)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-round__entry_date", "team__number", "unit__path")


def inspection_get(*, user: User, inspection_id: int) -> Inspection:
    return get_visible(user, Inspection.objects.select_related(
        "round", "round__term", "round__term__unit", "team", "unit", "previous"),
        pk=inspection_id)


def intake_list(*, user: User, round_id: int, unit_id: int | None = None) -> QuerySet[IntakeItem]:
    qs = visible(user, IntakeItem).filter(round_id=round_id).prefetch_related("target_units")
    if unit_id is not None:
        qs = qs.filter(Q(target_units__id=unit_id)).distinct()
    return qs.order_by("id")
