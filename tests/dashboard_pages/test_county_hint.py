"""The scope narrows rows that keep a copy of their unit's county by that copy as well
(accounts.scope ``county_field``). That is only right while the copy equals the unit's county:
these tests check the copy on every row the services built, and that every user sees the same
rows with the hint as without it."""

from __future__ import annotations

import pytest

from xuncha.accounts import scope
from xuncha.accounts.models import User


def _hinted() -> list[scope.ScopedResource]:
    return [r for r in scope._REGISTRY.values() if r.county_field]


def test_the_hint_is_declared_for_the_large_tables():
    labels = {r.label for r in _hinted()}
    assert {"findings.Problem", "rectification.RectificationTask", "leads.Lead"} <= labels


def test_every_copy_equals_the_units_county(world, scene):
    checked = 0
    for res in _hinted():
        rows = res.model._default_manager.all()
        assert rows.exists(), f"the scene builds no {res.label}"
        wrong = rows.exclude(**{f"{res.county_field}_id": scope.models.F(f"{res.unit_field}__county_id")})
        assert not wrong.exists(), res.label
        checked += rows.count()
    assert checked > 10


def test_every_user_sees_the_same_rows_with_and_without_the_hint(world, scene, monkeypatch):
    for res in _hinted():
        for user in User.objects.all():
            with_hint = set(scope.visible(user, res.model).values_list("pk", flat=True))
            monkeypatch.setattr(res, "county_field", None)
            scope.forget(user)
            without = set(scope.visible(user, res.model).values_list("pk", flat=True))
            monkeypatch.undo()
            assert with_hint == without, (res.label, user.username)


@pytest.mark.parametrize("who", ["east_office", "east_contact", "city_office"])
def test_the_hint_appears_in_the_query_only_below_city_level(world, scene, who):
    from xuncha.findings.models import Problem

    sql = str(scope.visible(world.users[who], Problem).query)
    assert ("findings_problem\".\"county_id\" =" in sql) == (who == "east_office")
    # A scope rooted at the county itself needs no join to the units at all.
    assert ("organisations_unit" in sql.split("WHERE")[0]) == (who == "city_office")


def test_a_scope_rooted_below_the_county_keeps_its_path_range(world, scene):
    from xuncha.findings.models import Problem

    s = scope.Scope(subtree_paths=(world.units["east_town"].path,),
                    subtree_counties=(world.units["east"].pk,))
    q = s.unit_q("unit", "county")
    sql = str(Problem.objects.filter(q).query)
    assert "organisations_unit" in sql and "county_id\" =" in sql
    town = set(Problem.objects.filter(q).values_list("pk", flat=True))
    assert town == set(Problem.objects.filter(unit__path__startswith=world.units["east_town"].path)
                       .values_list("pk", flat=True))
