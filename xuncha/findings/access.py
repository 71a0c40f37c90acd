from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.findings.models import Problem, ProblemCategory, ProblemState, Recommendation
from xuncha.inspections.access import team_ids
from xuncha.inspections.models import InspectionStatus

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# A unit sees its problems once they are fed back, not while the team is still drafting.
FED_BACK = [InspectionStatus.FEEDBACK, InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING,
            InspectionStatus.ARCHIVED]


def _problem_restrict(user: User) -> Q:
    perms = scope.permissions_of(user)
    team = Q(inspection__team_id__in=team_ids(user))
    # A problem turned into a lead is as confidential as the lead.
    not_converted = ~Q(state=ProblemState.CONVERTED)
    if "leads.view_lead" in perms:
        not_converted = Q()
    if "inspections.view_round" in perms:  # the office, leadership, supervisors: any stage
        return not_converted
    unit_side = Q(inspection__status__in=FED_BACK, state=ProblemState.ACTIVE)
    return (unit_side | team) & not_converted


def register() -> None:
    # A shared dictionary: everyone who works with problems reads all of it.
    scope.register(ProblemCategory, unit_field=None, view_perm="findings.view_problem",
                   public=True)
    scope.register(Problem, unit_field="unit", county_field="county", view_perm="findings.view_problem",
                   extra=lambda u: Q(inspection__team_id__in=team_ids(u)),
                   restrict=_problem_restrict)
    # The department a recommendation is addressed to sees it as well.
    scope.register(Recommendation, unit_field="inspection__unit",
                   view_perm="findings.view_recommendation",
                   extra=lambda u: Q(inspection__team_id__in=team_ids(u))
                   | Q(department_id=u.unit_id, status__in=["sent", "answered", "done"]))
