"""How a user's roles are read for the scope check: one query for every assignment with its role's
permissions (one more only for custom units), the union of the assignments' scopes per permission,
and nothing kept beyond the user object of one request."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuncha.accounts import scope
from xuncha.accounts.models import Role, RoleAssignment, User
from xuncha.rectification.models import RectificationTask

TASKS = "rectification.view_rectificationtask"
PLANS = "rectification.view_rectificationplan"


def fresh(user: User) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def role(code: str, data_scope: str, *codenames: str) -> Role:
    r = Role.objects.create(code=code, name=code, data_scope=data_scope)
    r.permissions.set(Permission.objects.filter(codename__in=codenames))
    return r


def test_one_query_for_roles_and_permissions(world):
    user = fresh(world.east_office)
    with CaptureQueriesContext(connection) as ctx:
        perms = scope.permissions_of(user)
        tasks = scope.scope_for(user, TASKS)
        scope.visibility_q(user, RectificationTask)
    assert len(ctx.captured_queries) == 1
    assert TASKS in perms and "accounts.manage_role" not in perms
    east = world.units["east"]
    assert tasks.subtree_paths == (east.path,) and tasks.subtree_counties == (east.pk,)


def test_scopes_are_unioned_per_permission_over_the_assignments(world):
    user = world.nobody  # no role of its own, sits in the city
    village, bureau = world.units["east_village"], world.units["west_bureau"]
    RoleAssignment.objects.create(user=user, role=role("t-tree", "subtree", "view_rectificationtask"),
                                  anchor=world.units["east_town"])
    RoleAssignment.objects.create(user=user, role=role("t-unit", "unit", "view_rectificationtask",
                                                       "view_rectificationplan"))
    custom = RoleAssignment.objects.create(user=user, role=role("t-custom", "custom",
                                                                "view_rectificationplan"))
    custom.custom_units.set([village, bureau])
    RoleAssignment.objects.create(user=user, role=role("t-self", "self", "view_problem"))
    RoleAssignment.objects.create(user=user, role=role("t-none", "all"))  # grants nothing
    user = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        tasks = scope.scope_for(user, TASKS)
        plans = scope.scope_for(user, PLANS)
        problems = scope.scope_for(user, "findings.view_problem")
        anything = scope.scope_for(user, None)
        perms = scope.permissions_of(user)
    assert len(ctx.captured_queries) == 2  # the grants, and the custom units
    town, city = world.units["east_town"], world.units["city"]
    # Subtree at its anchor (a township: its county as the hint); "unit" without an anchor is
    # the user's own unit.
    assert tasks == scope.Scope(subtree_paths=(town.path,), unit_ids=frozenset({city.pk}),
                                subtree_counties=(town.county_id,))
    assert plans == scope.Scope(unit_ids=frozenset({city.pk, village.pk, bureau.pk}))
    assert problems == scope.Scope(own_records=True)
    assert anything.everything and anything.own_records
    assert perms == {TASKS, PLANS, "findings.view_problem"}


def test_a_role_change_shows_on_the_next_request(world):
    user = fresh(world.east_office)
    assert TASKS in scope.permissions_of(user)
    assignment = RoleAssignment.objects.get(user=world.east_office)
    assignment.role.permissions.remove(Permission.objects.get(codename="view_rectificationtask"))
    assert TASKS in scope.permissions_of(user)  # the same request keeps what it read
    assert TASKS not in scope.permissions_of(fresh(user))
    scope.forget(user)
    assert TASKS not in scope.permissions_of(user)
    RoleAssignment.objects.filter(pk=assignment.pk).update(anchor=world.units["west"])
    west = world.units["west"]
    assert scope.scope_for(fresh(user), PLANS).subtree_paths == (west.path,)
    assignment.delete()
    assert scope.permissions_of(fresh(user)) == set()
    assert scope.scope_for(fresh(user), None).empty


def test_an_inactive_or_anonymous_user_has_no_scope(world):
    from django.contrib.auth.models import AnonymousUser

    user = fresh(world.east_office)
    user.is_active = False
    assert scope.permissions_of(user) == set() and scope.scope_for(user, TASKS).empty
    assert scope.permissions_of(AnonymousUser()) == set()
