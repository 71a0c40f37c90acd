"""移交 through the page: only the office director, the defaults, the escalation rule shown in the
result, refusals next to their field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.lead_pages.conftest import OUTSIDERS, html, pdf, today, transfer_data
from xuncha.attachments.services import attachments_of
from xuncha.leads.models import Escalation, Lead, LeadStage


def test_director_sees_the_transfer_form_with_the_county_commission_by_default(
        client_for, world, lead):
    page = html(client_for("east_director").get(f"/leads/{lead.pk}/"))
    assert f'action="/leads/{lead.pk}/transfer/"' in page
    jw, zzb, city = (world.units[k] for k in ("east_jiwei", "east_zzb", "city_jiwei"))
    assert f'<option value="{jw.pk}" selected>{jw.name}</option>' in page
    assert f'<option value="{zzb.pk}">' in page and f'<option value="{city.pk}">' in page
    assert f'value="{world.units["west_jiwei"].pk}"' not in page
    assert 'id="id_priority" checked' in page  # 优先办理 is on by default
    assert 'value="" id="id_escalation_0" checked' in page  # 不提级 unless the rule says so
    assert "涉及村(社区)干部或扶贫领域的线索,按规定提级至县(区)纪委监委查办" in page


def test_director_transfers_with_the_hand_over_form(client_for, world, lead):
    r = client_for("east_director").post(
        f"/leads/{lead.pk}/transfer/",
        {**transfer_data(world, fast_track="on"), "handover_form": pdf()}, follow=True)
    page = html(r)
    assert "已将第 1 号线索移交东湖区纪委监委" in page
    lead.refresh_from_db()
    assert lead.stage == LeadStage.TRANSFERRED and lead.priority and lead.fast_track
    assert lead.receiving_body == world.units["east_jiwei"]
    assert lead.fast_track_deadline == today() + timedelta(days=30)
    (att,) = attachments_of(lead, "handover_form")
    assert att.original_name == "线索移交单.pdf" and f"/files/{att.key}/" in page
    assert f'action="/leads/{lead.pk}/transfer/"' not in page  # no second transfer


@pytest.mark.parametrize(("actor", "status"), [
    ("east_jiwei", 403), ("east_leader", 403), ("east_office", 404), ("east_leadership", 404),
    ("east_contact", 404), *((a, 404) for a in OUTSIDERS)])
def test_only_the_director_transfers(client_for, world, lead, actor, status):
    r = client_for(actor).post(f"/leads/{lead.pk}/transfer/", transfer_data(world))
    assert r.status_code == status
    assert Lead.objects.get(pk=lead.pk).stage == LeadStage.REGISTERED
    if status == 403:
        assert f'action="/leads/{lead.pk}/transfer/"' not in html(
            client_for(actor).get(f"/leads/{lead.pk}/"))


def test_village_cadre_lead_is_escalated_by_rule_and_the_page_says_so(client_for, world,
                                                                       village_lead):
    c = client_for("east_director")
    form = html(c.get(f"/leads/{village_lead.pk}/"))
    assert "本线索涉及村(社区)干部或扶贫领域" in form
    assert 'value="county" id="id_escalation_1" checked' in form  # preselected by the rule
    r = c.post(f"/leads/{village_lead.pk}/transfer/", transfer_data(world), follow=True)
    page = html(r)
    village_lead.refresh_from_db()
    assert village_lead.escalation == Escalation.COUNTY
    assert "提级查办:提级至县(区)纪委监委" in page  # the success message
    assert "按规定提级至县(区)纪委监委查办" in page  # the reason on the lead
    assert page.count("提级至县(区)纪委监委") >= 2


def test_escalated_lead_cannot_go_to_the_organisation_department(client_for, world, village_lead):
    r = client_for("east_director").post(
        f"/leads/{village_lead.pk}/transfer/",
        transfer_data(world, receiving_body=str(world.units["east_zzb"].pk)))
    assert r.status_code == 422
    page = html(r)
    assert "提级查办的线索须移交纪委监委" in page
    assert Lead.objects.get(pk=village_lead.pk).stage == LeadStage.REGISTERED


def test_escalation_to_the_city_needs_the_city_commission_and_a_reason(client_for, world, lead):
    c = client_for("east_director")
    r = c.post(f"/leads/{lead.pk}/transfer/", transfer_data(world, escalation="city"))
    assert r.status_code == 422 and "提级至市纪委监委的线索须移交市纪委监委" in html(r)
    city = str(world.units["city_jiwei"].pk)
    r = c.post(f"/leads/{lead.pk}/transfer/", transfer_data(world, receiving_body=city))
    assert r.status_code == 422 and "须选择“提级至市纪委监委”" in html(r)
    r = c.post(f"/leads/{lead.pk}/transfer/",
               transfer_data(world, receiving_body=city, escalation="city"))
    assert r.status_code == 422
    page = html(r)
    # the service's refusal sits next to the reason field
    assert page.index("提级至市纪委监委须写明理由") > page.index('name="escalation_reason"') - 600
    r = c.post(f"/leads/{lead.pk}/transfer/",
               transfer_data(world, receiving_body=city, escalation="city",
                             escalation_reason="涉及县管干部,案情重大"), follow=True)
    lead.refresh_from_db()
    assert lead.receiving_body == world.units["city_jiwei"] and lead.escalation == "city"
    assert "涉及县管干部,案情重大" in html(r)


def test_a_wrong_hand_over_file_is_refused_next_to_the_field(client_for, world, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("移交单.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = client_for("east_director").post(f"/leads/{lead.pk}/transfer/",
                                         {**transfer_data(world), "handover_form": bad})
    assert r.status_code == 422
    assert "文件类型不允许" in html(r)
    assert Lead.objects.get(pk=lead.pk).stage == LeadStage.REGISTERED  # all or nothing


def test_a_future_transfer_date_is_refused(client_for, world, lead):
    r = client_for("east_director").post(
        f"/leads/{lead.pk}/transfer/",
        transfer_data(world, transferred_on=(today() + timedelta(days=2)).isoformat()))
    assert r.status_code == 422 and "移交日期不能晚于今天" in html(r)


def test_transferring_twice_shows_the_conflict(client_for, world, transferred):
    r = client_for("east_director").post(f"/leads/{transferred.pk}/transfer/",
                                         transfer_data(world))
    assert r.status_code == 409 and "该线索已移交" in html(r)
