from __future__ import annotations

from xuncha.accounts import scope
from xuncha.reporting.models import CityAssignment, MonthlyReturn


def register() -> None:
    # A county's return is seen by the county and, through its subtree, by the city above.
    scope.register(MonthlyReturn, unit_field="reporter", view_perm="reporting.view_monthlyreturn")
    scope.register(CityAssignment, unit_field="county", view_perm="reporting.view_cityassignment")
