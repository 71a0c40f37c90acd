"""The JSON API: one error shape, the same scope as the pages, optimistic locking."""

from __future__ import annotations

import json


def test_openapi_schema_is_published(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["info"]["version"] == "1"
    assert "/api/v1/units" in schema["paths"]


def test_anonymous_gets_401_in_the_common_error_shape(client, db):
    r = client.get("/api/v1/units")
    assert r.status_code == 401
    assert set(r.json()) >= {"code", "message"}
    assert r.json()["code"] == "unauthenticated"


def test_unit_list_is_scoped_to_the_county(world, client_for):
    r = client_for("east_office").get("/api/v1/units?limit=500")
    assert r.status_code == 200
    codes = {u["code"] for u in r.json()["items"]}
    assert "EAST-QS-LS" in codes and "WEST" not in codes
    assert r.json()["count"] == len(codes)


def test_outsider_gets_404_for_another_countys_unit(world, client_for):
    west_village = world.units["west_village"]
    r = client_for("east_office").get(f"/api/v1/units/{west_village.id}")
    assert r.status_code == 404
    missing = client_for("east_office").get("/api/v1/units/999999")
    assert missing.status_code == 404
    assert r.json() == missing.json()


def test_denial_is_audited(world, client_for):
    from xuncha.audit.models import AuditEvent

    client_for("east_office").get(f"/api/v1/units/{world.units['west'].id}")
    assert AuditEvent.objects.filter(action="access.denied", actor=world.east_office).exists()


def test_system_admin_creates_a_unit_and_the_audit_trail_records_it(world, client_for):
    from xuncha.audit.models import AuditEvent

    c = client_for("sysadmin")
    r = c.post("/api/v1/units", json.dumps({
        "parent_id": world.units["east_town"].id, "name": "东湖区青石镇桃园村",
        "code": "EAST-QS-TY", "kind": "village",
    }), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["county_id"] == world.units["east"].id
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(body["id"])).exists()


def test_wrong_level_is_refused_with_a_chinese_message(world, client_for):
    r = client_for("sysadmin").post("/api/v1/units", json.dumps({
        "parent_id": world.units["east_village"].id, "name": "错误的局",
        "code": "BAD-1", "kind": "department",
    }), content_type="application/json")
    assert r.status_code == 422
    assert "不能作为" in r.json()["message"]


def test_bad_payload_names_the_field(world, client_for):
    r = client_for("sysadmin").post("/api/v1/units", json.dumps({"name": ""}),
                                    content_type="application/json")
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    fields = {d["field"] for d in r.json()["details"]}
    assert "code" in fields


def test_stale_edit_gets_a_conflict_not_an_overwrite(world, client_for):
    c = client_for("sysadmin")
    unit = world.units["east_town"]
    first = c.patch(f"/api/v1/units/{unit.id}", json.dumps({"version": unit.version,
                                                             "name": "青石镇(新)"}),
                    content_type="application/json")
    assert first.status_code == 200
    stale = c.patch(f"/api/v1/units/{unit.id}", json.dumps({"version": unit.version,
                                                             "name": "青石镇(旧)"}),
                    content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    unit.refresh_from_db()
    assert unit.name == "青石镇(新)"


def test_office_staff_cannot_create_units(world, client_for):
    r = client_for("east_office").post("/api/v1/units", json.dumps({
        "parent_id": world.units["east_town"].id, "name": "某村", "code": "X-1",
        "kind": "village"}), content_type="application/json")
    assert r.status_code == 403


def test_users_list_is_scoped_and_hides_other_counties(world, client_for):
    r = client_for("east_office").get("/api/v1/users?limit=500")
    names = {u["username"] for u in r.json()["items"]}
    assert "east_contact" in names and "west_contact" not in names


def test_me_lists_permissions(world, client_for):
    r = client_for("auditor").get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["permissions"] == ["audit.view_auditevent"]


def test_token_is_shown_once_and_works_as_bearer(world, client_for, client):
    c = client_for("east_office")
    r = c.post("/api/v1/tokens", json.dumps({"name": "脚本"}), content_type="application/json")
    assert r.status_code == 201
    raw = r.json()["token"]
    assert raw.startswith("xc_")
    listed = c.get("/api/v1/tokens").json()
    assert "token" not in listed[0]
    from xuncha.accounts.models import ApiToken

    assert raw not in {t.digest for t in ApiToken.objects.all()}
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == "east_office"
    c.delete(f"/api/v1/tokens/{r.json()['id']}")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_someone_elses_token_cannot_be_revoked(world, client_for):
    r = client_for("east_office").post("/api/v1/tokens", json.dumps({"name": "x"}),
                                       content_type="application/json")
    other = client_for("west_office").delete(f"/api/v1/tokens/{r.json()['id']}")
    assert other.status_code == 404


def test_security_admin_assigns_a_role_but_not_two_admin_roles(world, client_for):
    from xuncha.accounts.models import Role

    c = client_for("secadmin")
    team_leader = Role.objects.get(code="team_leader")
    r = c.post(f"/api/v1/users/{world.east_member.id}/roles",
               json.dumps({"role_id": team_leader.id}), content_type="application/json")
    assert r.status_code == 201, r.content
    auditor_role = Role.objects.get(code="auditor")
    r = c.post(f"/api/v1/users/{world.sysadmin.id}/roles",
               json.dumps({"role_id": auditor_role.id}), content_type="application/json")
    assert r.status_code == 422
    assert "三员分立" in r.json()["message"]


def test_system_admin_cannot_grant_roles(world, client_for):
    from xuncha.accounts.models import Role

    r = client_for("sysadmin").post(
        f"/api/v1/users/{world.east_member.id}/roles",
        json.dumps({"role_id": Role.objects.get(code="team_leader").id}),
        content_type="application/json")
    assert r.status_code in (403, 404)
