"""签收 and handling through the pages by the county commission (east_jiwei): only the actions open
from the current stage are offered, refusals come back in Chinese, the record is for readers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.lead_pages.conftest import NAME, NOTE, OUTSIDERS, RESULT, html, step, today
from xuncha.leads import handling
from xuncha.leads.models import Lead, LeadSanction, LeadStage, LeadStep


def offered(page: str) -> set[str]:
    return set(re.findall(r'<input type="radio" name="action" value="([a-z_]+)"', page))


def test_handler_receives_then_sees_only_the_actions_open_from_there(client_for, world,
                                                                       transferred):
    c = client_for("east_jiwei")
    page = html(c.get(f"/leads/{transferred.pk}/"))
    assert f'action="/leads/{transferred.pk}/receive/"' in page
    assert offered(page) == set()  # nothing to do before 签收
    r = c.post(f"/leads/{transferred.pk}/receive/", follow=True)
    page = html(r)
    assert "已签收第 1 号线索" in page
    assert Lead.objects.get(pk=transferred.pk).stage == LeadStage.RECEIVED
    assert offered(page) == {"talk_inquiry", "verify", "shelve", "close_no_action"}
    assert 'aria-current="step"' in page and "已受理" in page


def test_full_path_to_conclusion_with_a_sanction(client_for, world, transferred):
    c = client_for("east_jiwei")
    c.post(f"/leads/{transferred.pk}/receive/")
    url = f"/leads/{transferred.pk}/advance/"
    for action, stage in (("verify", "preliminary"), ("file_case", "case"),
                          ("to_trial", "trial"), ("sanction", "sanctioned")):
        r = c.post(url, step(action, note=f"{action}:{NOTE}"))
        assert r.status_code == 302, html(r)
        assert Lead.objects.get(pk=transferred.pk).stage == stage
    page = html(c.get(f"/leads/{transferred.pk}/"))
    assert offered(page) == {"conclude"}
    assert f'action="/leads/{transferred.pk}/sanctions/"' in page
    # 办结 before any sanction is refused with the service's message
    r = c.post(url, step("conclude", result=RESULT))
    assert r.status_code == 422 and "办结前须登记处分决定" in html(r)
    person = transferred.persons.get()
    r = c.post(f"/leads/{transferred.pk}/sanctions/", {
        "person": str(person.pk), "kind": "party", "detail": "党内警告",
        "decided_on": today().isoformat()}, follow=True)
    assert "已登记处分决定" in html(r)
    assert LeadSanction.objects.filter(lead=transferred, person=person, kind="party").exists()
    r = c.post(url, step("conclude", result=RESULT), follow=True)
    page = html(r)
    lead = Lead.objects.get(pk=transferred.pk)
    assert lead.stage == LeadStage.CONCLUDED and lead.result_summary == RESULT
    assert "已办理:办结" in page and RESULT in page and "党内警告" in page
    assert f"file_case:{NOTE}" in page  # the handling record, for readers
    assert offered(page) == set() and f'action="/leads/{lead.pk}/sanctions/"' not in page
    assert LeadStep.objects.filter(lead=lead).count() == 7


@pytest.mark.parametrize(("path", "refused", "message"), [
    ([], "file_case", "线索当前为“已受理”,不能立案审查调查。"),
    (["talk_inquiry"], "to_trial", "线索当前为“谈话函询”,不能移送审理。"),
    (["close_no_action"], "verify", "线索当前为“予以了结”,不能初步核实。"),
])
def test_refused_transitions_show_the_chinese_message(client_for, world, received, path,
                                                      refused, message):
    lead = received
    for action in path:
        lead = handling.lead_advance(actor=world.east_jiwei, lead=lead, action=action,
                                     on_date=today(), note=NOTE, result_summary=RESULT)
    r = client_for("east_jiwei").post(f"/leads/{lead.pk}/advance/",
                                      step(refused, result=RESULT))
    assert r.status_code == 409
    assert message in html(r)
    assert Lead.objects.get(pk=lead.pk).stage == lead.stage


def test_closing_needs_a_result_and_a_step_needs_a_note(client_for, received):
    c = client_for("east_jiwei")
    r = c.post(f"/leads/{received.pk}/advance/", step("close_no_action", note=""))
    assert r.status_code == 422
    page = html(r)
    assert "这个字段是必填项" in page or "请写明办理情况" in page
    r = c.post(f"/leads/{received.pk}/advance/", step("close_no_action"))
    assert r.status_code == 422
    assert "了结或办结须写明办理结果(将反馈给巡察办)" in html(r)
    r = c.post(f"/leads/{received.pk}/advance/",
               step("verify", on_date=today() + timedelta(days=3)))
    assert r.status_code == 422 and "日期不能晚于今天" in html(r)
    assert Lead.objects.get(pk=received.pk).stage == LeadStage.RECEIVED


def test_receiving_twice_shows_the_conflict(client_for, received):
    r = client_for("east_jiwei").post(f"/leads/{received.pk}/receive/", follow=True)
    assert "线索当前为“已受理”,不能签收" in html(r)


@pytest.mark.parametrize("actor", ["east_director", "east_leader"])
def test_readers_who_are_not_handlers_cannot_handle(client_for, world, received, actor):
    c = client_for(actor)
    page = html(c.get(f"/leads/{received.pk}/"))
    assert f'action="/leads/{received.pk}/advance/"' not in page
    assert c.post(f"/leads/{received.pk}/advance/", step("verify")).status_code == 403
    assert c.post(f"/leads/{received.pk}/receive/").status_code == 403


def test_the_organisation_department_handles_what_it_was_given(client_for, world, lead):
    handling.lead_transfer(actor=world.east_director, lead=lead,
                           receiving_body=world.units["east_zzb"])
    assert client_for("east_jiwei").post(f"/leads/{lead.pk}/receive/").status_code == 403
    c = client_for("east_zzb")
    page = html(c.get(f"/leads/{lead.pk}/"))
    assert NAME in page and f'/leads/inspections/{lead.inspection_id}/' not in page
    c.post(f"/leads/{lead.pk}/receive/")
    assert Lead.objects.get(pk=lead.pk).stage == LeadStage.RECEIVED


def test_fast_track_deadline_and_overdue_badge(client_for, world, lead):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead, fast_track=True,
                                  transferred_on=today() - timedelta(days=45))
    page = html(client_for("east_jiwei").get(f"/leads/{lead.pk}/"))
    deadline = lead.fast_track_deadline.isoformat()
    assert f"快查快处 · {deadline} 前办结" in page and "已逾期" in page


@pytest.mark.parametrize("actor", OUTSIDERS)
@pytest.mark.parametrize("suffix", ["", "receive/", "advance/", "sanctions/"])
def test_west_actors_get_404_on_every_lead_url(client_for, received, actor, suffix):
    c = client_for(actor)
    url = f"/leads/{received.pk}/{suffix}"
    r = c.post(url, step("verify")) if suffix else c.get(url)
    assert r.status_code == 404
    assert NAME not in html(r)
