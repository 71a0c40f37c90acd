from __future__ import annotations

from xuncha.accounts import scope
from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution


def register() -> None:
    scope.register(Institution, unit_field="unit", county_field="county",
                   view_perm="outcomes.view_institution")
    scope.register(FundsRecovery, unit_field="unit", county_field="county",
                   view_perm="outcomes.view_fundsrecovery")
    scope.register(AccountabilityRecord, unit_field="unit", county_field="county",
                   view_perm="outcomes.view_accountabilityrecord")
