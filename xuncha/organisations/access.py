from django.db.models import Q

from xuncha.accounts import scope
from xuncha.organisations.models import Term, Unit


def register() -> None:
    # "Own records only" on the tree means one's own unit.
    scope.register(Unit, unit_field="", view_perm="organisations.view_unit",
                   own_q=lambda user: Q(id=user.unit_id))
    scope.register(Term, unit_field="unit", view_perm="organisations.view_term",
                   own_q=lambda user: Q(unit_id=user.unit.county_id or user.unit_id))
