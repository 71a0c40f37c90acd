"""Hand-over and handling of leads: every transition and refusal, the escalation and fast-track
rules, what the office sees, reminders, figures against an independent count, key rotation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.inspections.helpers import on_site_inspection
from xuncha.accounts.scope import visible
from xuncha.core import crypto
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.dashboards import figures
from xuncha.leads import handling
from xuncha.leads.models import Escalation, Lead, LeadStage, LeadStep
from xuncha.leads.selectors import lead_get, lead_tracking
from xuncha.leads.services import lead_register

PERSON = {"name": "张建国", "post": "村党支部书记"}


@pytest.fixture
def keys(tmp_path, settings):
    settings.XUNCHA_SM4_KEY_FILE = str(tmp_path / "keys.json")
    crypto.reset_key_ring(None)
    yield
    crypto.reset_key_ring(None)


@pytest.fixture
def lead(world, keys):
    insp = on_site_inspection(world)
    return lead_register(actor=world.east_leader, inspection=insp, summary="违规发放补贴",
                         facts="镇财政所2022年违规向班子成员发放补贴2.4万元。",
                         persons=[{"name": "李某", "post": "财政所所长"}])


def today():
    return timezone.localdate()


def test_transfer_goes_to_the_county_commission_with_fast_track_deadline(world, lead):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead, fast_track=True,
                                  transferred_on=date(2024, 5, 1))
    assert lead.stage == LeadStage.TRANSFERRED
    assert lead.receiving_body == world.units["east_jiwei"]
    assert lead.fast_track_deadline == date(2024, 5, 31)


def test_village_cadre_leads_are_escalated_by_rule(world, keys):
    insp = on_site_inspection(world, "east_village")
    lead = lead_register(actor=world.east_leader, inspection=insp, summary="虚报冒领",
                         facts="村支书虚报冒领耕地地力保护补贴3.2万元。",
                         persons=[{**PERSON, "is_village_cadre": True}])
    lead = handling.lead_transfer(actor=world.east_director, lead=lead)
    assert lead.escalation == Escalation.COUNTY and "提级" in lead.escalation_reason


def test_escalation_to_the_city_needs_a_reason(world, lead):
    with pytest.raises(ValidationFailed, match="理由"):
        handling.lead_transfer(actor=world.east_director, lead=lead, escalation="city")
    lead = handling.lead_transfer(actor=world.east_director, lead=lead, escalation="city",
                                  escalation_reason="涉及县管干部,案情重大")
    assert lead.receiving_body == world.units["city_jiwei"]


def test_only_the_director_transfers(world, lead):
    for who in ("east_office", "east_leader", "east_jiwei", "west_director"):
        with pytest.raises(PermissionDenied):
            handling.lead_transfer(actor=world.users[who], lead=lead)


def walk(world, lead, actions):
    for action in actions:
        kwargs = {"result_summary": "给予党内警告处分"} if action in ("conclude",
                                                                   "close_no_action") else {}
        lead = handling.lead_advance(actor=world.east_jiwei, lead=lead, action=action,
                                     on_date=today(), note=f"{action} 办理情况", **kwargs)
    return lead


def test_full_path_to_sanction_and_conclusion(world, lead):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead)
    with pytest.raises(PermissionDenied):
        handling.lead_receive(actor=world.east_office, lead=lead)
    lead = handling.lead_receive(actor=world.east_jiwei, lead=lead)
    lead = walk(world, lead, ["verify", "file_case", "to_trial", "sanction"])
    with pytest.raises(ValidationFailed, match="处分决定"):
        walk(world, lead, ["conclude"])
    handling.lead_sanction_add(actor=world.east_jiwei, lead=lead, person=lead.persons.first(),
                               kind="party", detail="党内警告", decided_on=today())
    lead = walk(world, lead, ["conclude"])
    assert lead.stage == LeadStage.CONCLUDED and lead.case_filed_at and lead.concluded_at
    assert LeadStep.objects.filter(lead=lead).count() == 7
    # the note of a step is encrypted at rest
    with connection.cursor() as cur:
        cur.execute("SELECT note FROM leads_leadstep WHERE lead_id=%s", [lead.pk])
        assert all("办理情况" not in r[0] for r in cur.fetchall())


@pytest.mark.parametrize(("path", "refused"), [
    ([], "file_case"),                      # 受理 → 立案 directly is not allowed
    (["talk_inquiry"], "file_case"),
    (["shelve"], "to_trial"),
    (["verify", "file_case"], "conclude"),
    (["close_no_action"], "verify"),
])
def test_refused_transitions(world, lead, path, refused):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead)
    lead = handling.lead_receive(actor=world.east_jiwei, lead=lead)
    lead = walk(world, lead, path)
    with pytest.raises((Conflict, ValidationFailed)):
        walk(world, lead, [refused])


def test_handling_before_receipt_and_by_others_is_refused(world, lead):
    with pytest.raises((Conflict, PermissionDenied)):
        handling.lead_receive(actor=world.east_jiwei, lead=lead)  # not yet transferred
    lead = handling.lead_transfer(actor=world.east_director, lead=lead)
    with pytest.raises(PermissionDenied):
        handling.lead_advance(actor=world.west_jiwei, lead=lead, action="verify",
                              on_date=today(), note="x")


def test_non_disciplinary_lead_goes_to_the_organisation_department(world, lead):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead,
                                  receiving_body=world.units["east_zzb"])
    assert visible(world.east_zzb, Lead).filter(pk=lead.pk).exists()
    lead = handling.lead_receive(actor=world.east_zzb, lead=lead)
    assert lead_get(user=world.east_zzb, lead_id=lead.pk).facts.startswith("镇财政所")


def test_office_tracks_stage_and_result_without_content(world, lead):
    handling.lead_transfer(actor=world.east_director, lead=lead)
    rows = lead_tracking(user=world.east_office)
    assert rows[0]["stage"] == LeadStage.TRANSFERRED
    assert "facts" not in rows[0] and "summary" not in rows[0]
    assert not visible(world.east_office, Lead).exists()
    assert lead_tracking(user=world.east_leadership) == []
    assert lead_tracking(user=world.west_office) == []


def test_fast_track_reminders_once_with_a_moved_clock(world, lead):
    lead = handling.lead_transfer(actor=world.east_director, lead=lead, fast_track=True)
    handling.lead_receive(actor=world.east_jiwei, lead=lead)
    lead.refresh_from_db()
    with time_machine.travel(lead.fast_track_deadline - timedelta(days=3), tick=False):
        assert handling.lead_reminders() == 1
        assert handling.lead_reminders() == 0
    with time_machine.travel(lead.fast_track_deadline + timedelta(days=1), tick=False):
        lead.refresh_from_db()
        assert lead.is_overdue()
        assert handling.lead_reminders() >= 1
        assert handling.lead_reminders() == 0


def test_case_rate_and_days_agree_with_an_independent_count(world, keys):
    insp = on_site_inspection(world)
    made = []
    for i in range(4):
        made.append(lead_register(actor=world.east_leader, inspection=insp, summary=f"线索{i}",
                                  facts="某某违规问题的主要事实描述。", persons=[PERSON]))
    for i, lead in enumerate(made):
        lead = handling.lead_transfer(actor=world.east_director, lead=lead)
        lead = handling.lead_receive(actor=world.east_jiwei, lead=lead)
        if i < 2:  # two cases
            lead = walk(world, lead, ["verify", "file_case", "to_trial", "sanction"])
            handling.lead_sanction_add(actor=world.east_jiwei, lead=lead,
                                       person=lead.persons.first(), kind="party",
                                       detail="党内警告", decided_on=today())
            walk(world, lead, ["conclude"])
        elif i == 2:
            walk(world, lead, ["close_no_action"])
        # the fourth stays received
    leads = Lead.objects.all()
    rate = figures.case_rate(leads)
    concluded = [x for x in leads if x.stage in ("closed", "concluded")]
    cases = [x for x in concluded if x.case_filed_at]
    assert (rate.numerator, rate.denominator) == (len(cases), len(concluded)) == (2, 3)
    assert str(rate.percent) == "66.67"
    assert figures.average_days_to_conclusion(leads) is not None
    assert figures.leads_transferred(leads).count() == 4


def test_key_rotation_keeps_every_lead_readable(world, lead):
    handling.lead_transfer(actor=world.east_director, lead=lead)
    with connection.cursor() as cur:
        cur.execute("SELECT facts FROM leads_lead WHERE id=%s", [lead.pk])
        before = cur.fetchone()[0]
    call_command("rotate_keys", "--drop-old")
    with connection.cursor() as cur:
        cur.execute("SELECT facts FROM leads_lead WHERE id=%s", [lead.pk])
        after = cur.fetchone()[0]
    assert crypto.key_id_of(before) == 1 and crypto.key_id_of(after) == 2
    crypto.reset_key_ring(None)
    assert Lead.objects.get(pk=lead.pk).facts.startswith("镇财政所")
    assert crypto.key_ring().keys.keys() == {2}


def test_a_wrong_key_fails_loudly_and_corrupts_nothing(world, lead):
    with connection.cursor() as cur:
        cur.execute("SELECT facts FROM leads_lead WHERE id=%s", [lead.pk])
        stored = cur.fetchone()[0]
    crypto.reset_key_ring(crypto.new_key_ring())
    with pytest.raises(crypto.DecryptionError):
        Lead.objects.get(pk=lead.pk).facts
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未改动"):
        call_command("rotate_keys")
    with connection.cursor() as cur:
        cur.execute("SELECT facts FROM leads_lead WHERE id=%s", [lead.pk])
        assert cur.fetchone()[0] == stored
