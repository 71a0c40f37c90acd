"""Who should be told: the holders of given roles whose scope reaches a unit, or the people with
given roles in the unit itself. Used by every notifying service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import RoleAssignment

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit


def role_holders_over(unit: Unit, codes: list[str]) -> list[User]:
    """Active holders of these roles whose assignment's anchor contains ``unit``."""
    out: dict[int, User] = {}
    for a in RoleAssignment.objects.filter(role__code__in=codes, user__is_active=True) \
            .select_related("user", "user__unit", "anchor"):
        anchor = a.anchor or a.user.unit
        if unit.path.startswith(anchor.path):
            out[a.user.pk] = a.user
    return list(out.values())


def unit_people(unit: Unit | int, codes: list[str]) -> list[User]:
    """Active people of the unit itself holding these roles (e.g. its head and contacts)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    out: dict[int, User] = {}
    for a in RoleAssignment.objects.filter(role__code__in=codes, user__unit_id=unit_id,
                                           user__is_active=True).select_related("user"):
        out[a.user.pk] = a.user
    return list(out.values())
