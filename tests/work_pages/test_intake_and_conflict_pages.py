"""开单子 (pre-inspection intake) and each inspector's own conflict declarations."""

from __future__ import annotations

from tests.work_pages.conftest import html
from xuncha.inspections import services
from xuncha.inspections.conflicts import declaration_add
from xuncha.inspections.models import ConflictDeclaration, IntakeItem, IntakeStatus


def test_office_adds_an_intake_item_for_a_target(client_for, world, insp):
    url = f"/work/rounds/{insp.round_id}/intake/"
    c = client_for("east_office")
    r = c.post(url, {"source_kind": "association", "source_name": "区工商联",
                     "received_on": "2024-02-20", "content": "企业反映审批环节多、时限长。",
                     "target_units": [world.units["east_town"].pk]}, follow=True)
    assert "已登记巡前收集事项" in html(r)
    item = IntakeItem.objects.get()
    assert list(item.target_units.all()) == [world.units["east_town"]]
    assert "区工商联" in html(c.get(f"/work/inspections/{insp.pk}/intake/"))


def test_bad_intake_item_is_refused_and_keeps_the_input(client_for, insp):
    r = client_for("east_office").post(f"/work/rounds/{insp.round_id}/intake/", {
        "source_kind": "audit", "source_name": "区审计局", "content": "短"})
    assert r.status_code == 422
    page = html(r)
    assert "请填写意见或信息的具体内容" in page
    assert 'value="区审计局"' in page
    assert not IntakeItem.objects.exists()


def test_team_sees_intake_but_cannot_add(client_for, insp):
    page = html(client_for("east_member").get(f"/work/rounds/{insp.round_id}/intake/"))
    assert "巡前收集" in page and "登记收集事项" not in page


def test_team_marks_an_item_with_a_note_and_the_version(client_for, world, insp):
    item = services.intake_item_create(actor=world.east_office, rnd=insp.round,
                                       source_kind="petition", source_name="区信访局",
                                       content="群众反映低保评定不公开。",
                                       target_units=[insp.unit])
    url = f"/work/intake/{item.pk}/mark/"
    c = client_for("east_member")
    r = c.post(url, {"status": "found", "follow_up_note": "", "version": item.version})
    assert r.status_code == 422 and "请写明核查情况" in html(r)
    back = f"/work/inspections/{insp.pk}/intake/"
    r = c.post(url, {"status": "found", "follow_up_note": "经查2023年低保评议未公示。",
                     "version": item.version, "next": back})
    assert r.status_code == 302 and r["Location"] == back
    item.refresh_from_db()
    assert item.status == IntakeStatus.FOUND
    r = c.post(url, {"status": "followed", "follow_up_note": "旧版本的核查", "version": 1})
    assert r.status_code == 409 and "旧版本的核查" in html(r)


def test_intake_mark_refuses_a_foreign_next_url(client_for, world, insp):
    item = services.intake_item_create(actor=world.east_office, rnd=insp.round,
                                       source_kind="public", source_name="群众",
                                       content="反映村务公开不及时。")
    r = client_for("east_member").post(f"/work/intake/{item.pk}/mark/", {
        "status": "followed", "follow_up_note": "已核查", "version": item.version,
        "next": "https://evil.example/"})
    assert r["Location"] == f"/work/rounds/{insp.round_id}/intake/"


def test_inspector_declares_and_withdraws(client_for, world):
    c = client_for("east_member")
    r = c.post("/work/conflicts/", {"unit": world.units["east_bureau"].pk, "kind": "relative",
                                    "relative_name": "", "relation": "配偶"})
    assert r.status_code == 422
    page = html(r)
    assert "亲属任职须填写亲属姓名和关系" in page and 'value="配偶"' in page
    r = c.post("/work/conflicts/", {"unit": world.units["east_bureau"].pk, "kind": "relative",
                                    "relative_name": "王五", "relation": "配偶"}, follow=True)
    assert "已申报与“东湖区市场监管局”的回避情形" in html(r)
    d = ConflictDeclaration.objects.get(user=world.east_member)
    r = c.post(f"/work/conflicts/{d.pk}/withdraw/", follow=True)
    assert "已撤回" in html(r)
    assert not ConflictDeclaration.objects.exists()


def test_inspector_may_declare_a_unit_they_cannot_see_but_not_another_county(client_for, world):
    c = client_for("east_member")
    page = html(c.get("/work/conflicts/"))
    assert "东湖区青石镇柳树村" in page and "西山县" not in page
    r = c.post("/work/conflicts/", {"unit": world.units["west_town"].pk, "kind": "worked_in"})
    assert r.status_code == 422
    assert not ConflictDeclaration.objects.exists()


def test_office_sees_its_peoples_declarations_and_cannot_withdraw_them(client_for, world):
    d = declaration_add(actor=world.east_member, unit=world.units["east_bureau"],
                        kind="worked_in")
    c = client_for("east_director")
    assert "本单位人员的申报" in html(c.get("/work/conflicts/"))
    r = c.post(f"/work/conflicts/{d.pk}/withdraw/", follow=True)
    assert "只能撤回本人的回避申报" in html(r)
    assert ConflictDeclaration.objects.filter(pk=d.pk).exists()
    assert client_for("west_member").post(f"/work/conflicts/{d.pk}/withdraw/").status_code == 404
