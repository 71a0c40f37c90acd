from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from xuncha.accounts.models import AdminKind, RoleAssignment, User
from xuncha.accounts.roles import BUILTIN_ROLES
from xuncha.accounts.scope import visible
from xuncha.demo.generator import DEMO_PASSWORD, DemoError, build_demo
from xuncha.organisations.models import KIND_LEVEL, Term, Unit, UnitLevel


class _Rollback(Exception):
    pass


def _snapshot(seed: int, scale: int = 1) -> dict[str, list[tuple[str, ...]]]:
    """Builds the tree, terms and people, reads back what identifies them, and rolls back.
    (The inspection work is compared in test_work.py.)"""
    result: dict[str, list[tuple[str, ...]]] = {}
    try:
        with transaction.atomic():
            build_demo(seed=seed, scale=scale, work=False)
            result["units"] = list(Unit.objects.order_by("code").values_list("code", "name"))
            result["users"] = list(
                User.objects.order_by("username").values_list("username", "name", "unit__code")
            )
            result["terms"] = [
                (t.unit.code, t.name, str(t.start_date), str(t.end_date))
                for t in Term.objects.select_related("unit").order_by("unit__code", "name")
            ]
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_same_seed_builds_the_same_world(db):
    first, second = _snapshot(2026), _snapshot(2026)
    assert first["units"] and first["users"]
    assert first == second


def test_another_seed_builds_another_world(db):
    assert _snapshot(2026)["users"] != _snapshot(7)["users"]


def test_demo_has_at_least_150_units_in_two_counties(db):
    summary = build_demo(work=False)
    assert summary.units == Unit.objects.count() >= 150
    counties = Unit.objects.filter(level=UnitLevel.COUNTY)
    assert sorted(counties.values_list("name", flat=True)) == ["东湖区", "西山县"]
    for county in counties:
        assert Unit.objects.filter(county=county).exclude(pk=county.pk).count() >= 70
        assert Term.objects.filter(unit=county).count() == 2


def test_tree_follows_the_model_rules(db):
    build_demo(work=False)
    units = {u.pk: u for u in Unit.objects.all()}
    for u in units.values():
        parent = units.get(u.parent_id) if u.parent_id else None
        assert u.path == f"{parent.path if parent else '/'}{u.pk}/"
        assert u.depth == (parent.depth + 1 if parent else 0)
        assert u.level == KIND_LEVEL[u.kind]
        if parent:
            assert u.level > parent.level
        if u.level == UnitLevel.COUNTY:
            assert u.county_id == u.pk
        elif parent:
            assert u.county_id == parent.county_id


def test_every_builtin_role_has_a_user(db):
    build_demo(work=False)
    held = set(RoleAssignment.objects.values_list("role__code", flat=True))
    assert {d.code for d in BUILTIN_ROLES} <= held


def test_every_demo_password_satisfies_the_password_rules(db):
    build_demo(work=False)
    users = list(User.objects.all())
    assert users
    # The accounts share one hash (hashing thousands with argon2 would be slow): check each once.
    for encoded in {u.password for u in users}:
        assert check_password(DEMO_PASSWORD, encoded)
    for user in users:
        assert not user.must_change_password
        # The rules as they apply to this person (similarity to login name and name); a fresh
        # object so that the history rule does not count the password it already has.
        validate_password(DEMO_PASSWORD, User(username=user.username, name=user.name))


def test_each_administrator_holds_exactly_one_role(db):
    build_demo(work=False)
    admins = RoleAssignment.objects.exclude(admin_kind=AdminKind.NONE)
    assert sorted(admins.values_list("admin_kind", flat=True)) == sorted(
        [AdminKind.SYSTEM, AdminKind.SECURITY, AdminKind.AUDIT]
    )
    for a in admins:
        assert a.admin_kind == a.role.admin_kind
        assert RoleAssignment.objects.filter(user=a.user).count() == 1


def test_office_director_sees_own_county_only(db):
    build_demo(work=False)
    director = User.objects.get(username="donghu_director")
    units = visible(director, Unit)
    assert units.filter(name__startswith="东湖区", kind="village").exists()
    assert not units.filter(county__name="西山县").exists()


def test_scale_multiplies_counties(db):
    summary = build_demo(scale=3, work=False)
    assert summary.counties == 6
    assert summary.units >= 3 * 150
    assert len(set(Unit.objects.filter(level=UnitLevel.COUNTY).values_list("name", flat=True))) == 6


def test_demo_refuses_a_database_that_has_units(db):
    build_demo(work=False)
    try:
        build_demo(work=False)
    except DemoError as exc:
        assert "已有单位" in str(exc)
    else:
        raise AssertionError("a second load must be refused")
