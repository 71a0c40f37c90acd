from django.db.models import Q

from xuncha.accounts import scope
from xuncha.accounts.models import ApiToken, Role, RoleAssignment, User


def register() -> None:
    # A user always sees their own account (SELF scope and the profile page rely on it).
    scope.register(User, unit_field="unit", view_perm="accounts.view_user", owner_field="id",
                   extra=lambda u: Q(pk=u.pk))
    scope.register(RoleAssignment, unit_field="user__unit", view_perm="accounts.view_user")
    scope.register(ApiToken, unit_field=None, view_perm=None, owner_field="user", personal=True)
    # Roles are not tied to a unit: whoever may view roles sees the catalogue.
    scope.register(Role, unit_field=None, view_perm="accounts.view_role")
