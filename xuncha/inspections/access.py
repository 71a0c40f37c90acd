"""How inspection records hang on the tree, plus the grant that does not follow it: the members of
a team see their own round, team, targets and intake (一次一授权: only for that round)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.inspections.models import (
    ChecklistTemplate,
    ConflictDeclaration,
    CoverageEntry,
    CoveragePlan,
    Inspection,
    IntakeItem,
    Round,
    RoundChecklistItem,
    Team,
    TeamMember,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def _memberships(user: User) -> list[tuple[int, str]]:
    """(team, position) of every team the user sits on, cached on the user object for the
    request: one query serves both the member's and the leader's grants."""
    cached = getattr(user, "_xuncha_memberships", None)
    if cached is None:
        cached = list(TeamMember.objects.filter(user_id=user.pk).values_list("team_id", "position"))
        user._xuncha_memberships = cached  # type: ignore[attr-defined]
    return cached


def team_ids(user: User) -> list[int]:
    """The teams the user sits on."""
    return [team for team, _position in _memberships(user)]


def led_team_ids(user: User) -> list[int]:
    return [team for team, position in _memberships(user) if position == "leader"]


def _round_ids(user: User) -> list[int]:
    return list(Team.objects.filter(pk__in=team_ids(user)).values_list("round_id", flat=True))


def register() -> None:
    scope.register(CoveragePlan, unit_field="term__unit", view_perm="inspections.view_coverageplan")
    scope.register(CoverageEntry, unit_field="unit", view_perm="inspections.view_coverageplan")
    scope.register(Round, unit_field="term__unit", view_perm="inspections.view_round",
                   extra=lambda u: Q(pk__in=_round_ids(u)))
    scope.register(Team, unit_field="round__term__unit", view_perm="inspections.view_round",
                   extra=lambda u: Q(pk__in=team_ids(u)))
    scope.register(TeamMember, unit_field="team__round__term__unit",
                   view_perm="inspections.view_round", extra=lambda u: Q(team_id__in=team_ids(u)))
    scope.register(Inspection, unit_field="unit", view_perm="inspections.view_inspection",
                   extra=lambda u: Q(team_id__in=team_ids(u)))
    scope.register(IntakeItem, unit_field="round__term__unit",
                   view_perm="inspections.view_intakeitem",
                   extra=lambda u: Q(round_id__in=_round_ids(u)))
    scope.register(RoundChecklistItem, unit_field="round__term__unit",
                   view_perm="inspections.view_round",
                   extra=lambda u: Q(round_id__in=_round_ids(u)))
    scope.register(ChecklistTemplate, unit_field="committee",
                   view_perm="inspections.view_checklisttemplate")
    # Inspectors always see their own declarations; the office sees those of its people.
    scope.register(ConflictDeclaration, unit_field="user__unit",
                   view_perm="inspections.view_conflictdeclaration",
                   extra=lambda u: Q(user_id=u.pk))
