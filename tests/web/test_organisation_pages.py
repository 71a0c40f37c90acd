"""The organisation tree, unit detail and the unit forms."""

from __future__ import annotations

from django.db.models import F

from xuncha.organisations.models import Unit, UnitKind


def unit(world, key):
    return world.units[key]


# --- tree -------------------------------------------------------------------------------------


def test_tree_starts_at_the_top_of_the_users_scope(client_for):
    html = client_for("east_office").get("/org/units/").content.decode()
    assert "东湖区青石镇" in html
    assert "西山县" not in html
    assert "江城市" not in html


def test_tree_opens_the_first_level_and_lazy_loads_deeper_ones(client_for, world):
    html = client_for("east_office").get("/org/units/").content.decode()
    town = unit(world, "east_town")
    assert "东湖区委巡察办" in html  # first level, rendered with the page
    assert f'hx-get="/org/units/{town.pk}/children/"' in html
    assert "东湖区青石镇柳树村" not in html


def test_children_partial_lists_the_next_level(client_for, world):
    town = unit(world, "east_town")
    r = client_for("east_office").get(f"/org/units/{town.pk}/children/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "东湖区青石镇柳树村" in html
    assert "<html" not in html


def test_children_of_a_unit_out_of_scope_are_not_found(client_for, world):
    town = unit(world, "west_town")
    assert client_for("east_office").get(f"/org/units/{town.pk}/children/").status_code == 404


def test_search_filters_by_name_within_scope_and_shows_the_ancestors(client_for):
    html = client_for("east_office").get("/org/units/?q=柳树").content.decode()
    assert "东湖区青石镇柳树村" in html
    assert "东湖区 / 东湖区青石镇" in html
    assert "西山县青石镇柳树村" not in html


def test_search_filters_by_kind_and_state(client_for, world):
    Unit.objects.filter(pk=unit(world, "east_bureau").pk).update(is_active=False)
    c = client_for("east_office")
    villages = c.get("/org/units/?kind=village").content.decode()
    assert "东湖区青石镇柳树村" in villages
    assert "东湖区市场监管局" not in villages
    inactive = c.get("/org/units/?active=0").content.decode()
    assert "东湖区市场监管局" in inactive
    assert "东湖区青石镇柳树村" not in inactive


def test_search_without_results_says_so(client_for):
    html = client_for("east_office").get("/org/units/?q=不存在的单位").content.decode()
    assert "没有符合条件的单位" in html


def test_tree_is_refused_to_a_role_without_the_unit_permission(client_for):
    assert client_for("auditor").get("/org/units/").status_code == 403


def test_import_and_create_buttons_show_only_for_the_system_administrator(client_for):
    office = client_for("east_office").get("/org/units/").content.decode()
    assert "/org/units/import/" not in office
    assert "新建顶级单位" not in office
    admin = client_for("sysadmin").get("/org/units/").content.decode()
    assert "/org/units/import/" in admin
    assert "/org/units/import/template/" in admin
    assert "新建顶级单位" in admin


# --- detail -----------------------------------------------------------------------------------


def test_unit_detail_shows_fields_ancestors_children_people_and_terms(client_for, world):
    county = unit(world, "east")
    html = client_for("east_office").get(f"/org/units/{county.pk}/").content.decode()
    assert "东湖区青石镇" in html  # child
    assert "east_leadership" in html  # person in the unit
    assert "十二届" in html  # term of the county committee
    assert 'class="breadcrumbs"' in html


def test_unit_detail_breadcrumbs_name_only_visible_ancestors(client_for, world):
    village = unit(world, "east_village")
    html = client_for("east_office").get(f"/org/units/{village.pk}/").content.decode()
    assert f'href="/org/units/{unit(world, "east_town").pk}/"' in html
    assert "江城市" not in html  # the city is above the office's scope


def test_unit_detail_of_another_county_is_not_found(client_for, world):
    r = client_for("east_office").get(f"/org/units/{unit(world, 'west_town').pk}/")
    assert r.status_code == 404
    assert "对象不存在或无权访问" in r.content.decode()


def test_missing_unit_and_unit_out_of_scope_look_the_same(client_for, world):
    c = client_for("east_office")
    missing = c.get("/org/units/999999/")
    hidden = c.get(f"/org/units/{unit(world, 'west_town').pk}/")
    assert missing.status_code == hidden.status_code == 404


def test_people_are_hidden_from_a_role_that_cannot_see_users(client_for, world):
    own = unit(world, "east_office_unit")  # a team member sees their own unit, not its people
    r = client_for("east_member").get(f"/org/units/{own.pk}/")
    assert r.status_code == 200
    assert "本单位人员" not in r.content.decode()


# --- create -----------------------------------------------------------------------------------


def test_system_administrator_adds_a_village_under_a_township(client_for, world):
    town = unit(world, "east_town")
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/add/", {
        "name": "东湖区青石镇石桥村", "short_name": "石桥村", "code": "EAST-QS-SQ",
        "kind": UnitKind.VILLAGE, "sort_order": "2", "is_active": "on",
    })
    created = Unit.objects.get(code="EAST-QS-SQ")
    assert r.status_code == 302
    assert r["Location"] == f"/org/units/{created.pk}/"
    assert created.parent == town


def test_create_form_offers_only_kinds_that_fit_under_the_parent(client_for, world):
    town = unit(world, "east_town")
    html = client_for("sysadmin").get(f"/org/units/{town.pk}/add/").content.decode()
    assert 'value="village"' in html
    assert 'value="county"' not in html


def test_create_shows_the_refusal_next_to_the_field_and_keeps_the_input(client_for, world):
    town = unit(world, "east_town")
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/add/", {
        "name": "东湖区青石镇重复村", "code": "EAST-QS-LS", "kind": UnitKind.VILLAGE,
    })
    assert r.status_code == 422
    html = r.content.decode()
    assert 'value="东湖区青石镇重复村"' in html
    assert "机构代码" in html and "已存在" in html
    assert Unit.objects.filter(name="东湖区青石镇重复村").count() == 0


def test_create_says_which_fields_are_required(client_for, world):
    town = unit(world, "east_town")
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/add/", {"name": "", "code": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert html.count("这个字段是必填项") >= 2
    assert '<span class="req"' in html


def test_office_staff_may_not_create_units(client_for, world):
    town = unit(world, "east_town")
    c = client_for("east_office")
    assert c.get(f"/org/units/{town.pk}/add/").status_code == 403
    assert c.post(f"/org/units/{town.pk}/add/", {"name": "x", "code": "x", "kind": "village"}
                  ).status_code == 403


def test_creating_under_a_unit_out_of_scope_is_not_found(client_for, world):
    town = unit(world, "west_town")
    assert client_for("east_office").get(f"/org/units/{town.pk}/add/").status_code == 404


def test_only_an_all_scope_administrator_creates_top_level_units(client_for):
    assert client_for("east_office").get("/org/units/add/").status_code == 403
    r = client_for("sysadmin").post("/org/units/add/", {
        "name": "山南市", "code": "S", "kind": UnitKind.CITY, "is_active": "on",
    })
    assert r.status_code == 302
    assert Unit.objects.get(code="S").parent is None


# --- edit -------------------------------------------------------------------------------------


def test_edit_saves_with_the_version_the_editor_saw(client_for, world):
    town = unit(world, "east_town")
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/edit/", {
        "name": "东湖区青石镇党委", "short_name": "青石镇", "code": "EAST-QS", "kind": "township",
        "sort_order": "1", "is_active": "on", "version": str(town.version),
    })
    assert r.status_code == 302
    town.refresh_from_db()
    assert (town.name, town.short_name, town.version) == ("东湖区青石镇党委", "青石镇", 2)


def test_stale_edit_shows_the_conflict_and_the_current_values(client_for, world):
    town = unit(world, "east_town")
    seen = town.version
    Unit.objects.filter(pk=town.pk).update(name="他人改过的名称", version=F("version") + 1)
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/edit/", {
        "name": "我的名称", "code": "EAST-QS", "kind": "township", "sort_order": "0",
        "is_active": "on", "version": str(seen),
    })
    assert r.status_code == 409
    html = r.content.decode()
    assert "该记录已被他人修改" in html
    assert "他人改过的名称" in html  # the saved value, for comparison
    assert 'value="我的名称"' in html  # what the user typed is kept
    assert f'name="version" value="{seen + 1}"' in html  # a second save knowingly overwrites
    town.refresh_from_db()
    assert town.name == "他人改过的名称"


def test_edit_refuses_a_kind_of_another_level(client_for, world):
    town = unit(world, "east_town")
    r = client_for("sysadmin").post(f"/org/units/{town.pk}/edit/", {
        "name": town.name, "code": town.code, "kind": "village", "sort_order": "0",
        "version": str(town.version),
    })
    assert r.status_code == 422
    assert "field-error" in r.content.decode()


def test_office_staff_may_not_edit_units(client_for, world):
    town = unit(world, "east_town")
    assert client_for("east_office").get(f"/org/units/{town.pk}/edit/").status_code == 403
