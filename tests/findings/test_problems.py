"""Problems and leads registered during the round; confidentiality of leads."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.inspections.helpers import add_problems, category, on_site_inspection
from xuncha.accounts.scope import visible
from xuncha.audit.models import AuditEvent
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem, ProblemState
from xuncha.findings.services import problem_create, problem_update
from xuncha.leads.models import Lead, LeadPerson
from xuncha.leads.selectors import lead_get, lead_list
from xuncha.leads.services import lead_register, problem_convert_to_lead


def test_team_member_registers_numbered_problems(world):
    insp = on_site_inspection(world)
    p1, p2 = add_problems(world, insp)
    assert (p1.number, p2.number) == (1, 2)
    assert p1.county_id == world.units["east"].id


def test_vague_problem_is_refused_field_by_field(world):
    insp = on_site_inspection(world)
    with pytest.raises(ValidationFailed) as exc:
        problem_create(actor=world.east_member, inspection=insp, category=category("02"),
                       title="", facts="太短")
    fields = {d["field"] for d in exc.value.details}
    assert fields == {"title", "facts", "category"}


def test_outsiders_cannot_write_problems(world):
    insp = on_site_inspection(world)
    with pytest.raises(PermissionDenied):
        problem_create(actor=world.west_member, inspection=insp, category=category(),
                       title="x", facts="一二三四五六七八九十")
    with pytest.raises(PermissionDenied):
        problem_create(actor=world.east_contact, inspection=insp, category=category(),
                       title="x", facts="一二三四五六七八九十")


def test_unit_does_not_see_problems_before_feedback(world):
    insp = on_site_inspection(world)
    add_problems(world, insp)
    assert visible(world.east_contact, Problem).count() == 0
    assert visible(world.east_member, Problem).count() == 2
    assert visible(world.east_office, Problem).count() == 2
    assert visible(world.west_office, Problem).count() == 0


def test_stale_problem_edit_conflicts(world):
    insp = on_site_inspection(world)
    p, = add_problems(world, insp, 1)
    problem_update(actor=world.east_member, problem=p, expected_version=1, title="新的概述")
    with pytest.raises(Conflict):
        problem_update(actor=world.east_leader, problem=p, expected_version=1, title="旧的概述")


PERSON = {"name": "张建国", "id_number": "11010119800101123X", "phone": "13800000000",
          "post": "村党支部书记", "is_village_cadre": True}


def test_lead_content_is_encrypted_in_the_database(world):
    insp = on_site_inspection(world)
    lead = lead_register(actor=world.east_leader, inspection=insp, summary="虚报冒领补贴",
                         facts="张建国2022年虚报冒领耕地地力保护补贴3.2万元。", persons=[PERSON])
    with connection.cursor() as cur:
        cur.execute("SELECT summary, facts FROM leads_lead WHERE id = %s", [lead.pk])
        summary, facts = cur.fetchone()
        cur.execute("SELECT name, id_number, phone FROM leads_leadperson WHERE lead_id = %s",
                    [lead.pk])
        row = cur.fetchone()
    assert "虚报" not in summary and "张建国" not in facts
    assert "张建国" not in row[0] and "1101" not in row[1] and "138" not in row[2]
    assert LeadPerson.objects.get(lead=lead).name == "张建国"


@pytest.mark.parametrize("who", ["east_member", "east_contact", "sysadmin", "east_leadership",
                                 "west_jiwei", "east_office", "auditor"])
def test_lead_is_hidden_from_everyone_but_leader_director_and_discipline(world, who):
    insp = on_site_inspection(world)
    lead = lead_register(actor=world.east_leader, inspection=insp, summary="虚报冒领补贴",
                         facts="张建国2022年虚报冒领耕地地力保护补贴3.2万元。", persons=[PERSON])
    assert not visible(world.users[who], Lead).exists()
    assert not visible(world.users[who], LeadPerson).exists()
    from xuncha.core.errors import NotFound

    with pytest.raises(NotFound):
        lead_get(user=world.users[who], lead_id=lead.pk)


@pytest.mark.parametrize("who", ["east_leader", "east_director", "east_jiwei"])
def test_permitted_readers_see_the_lead_and_each_read_is_audited(world, who):
    insp = on_site_inspection(world)
    lead = lead_register(actor=world.east_leader, inspection=insp, summary="虚报冒领补贴",
                         facts="张建国2022年虚报冒领耕地地力保护补贴3.2万元。", persons=[PERSON])
    got = lead_get(user=world.users[who], lead_id=lead.pk)
    assert got.facts.startswith("张建国")
    assert AuditEvent.objects.filter(action="lead.read", actor=world.users[who],
                                     object_id=str(lead.pk)).exists()
    found = lead_list(user=world.users[who], person_name="张 建国")
    assert [x.pk for x in found] == [lead.pk]
    assert AuditEvent.objects.filter(action="lead.list", actor=world.users[who]).exists()


def test_lead_needs_a_named_person_and_a_valid_id_number(world):
    insp = on_site_inspection(world)
    with pytest.raises(ValidationFailed, match="涉及人员"):
        lead_register(actor=world.east_leader, inspection=insp, summary="x",
                      facts="一二三四五六七八九十", persons=[])
    with pytest.raises(ValidationFailed, match="18 位"):
        lead_register(actor=world.east_leader, inspection=insp, summary="x",
                      facts="一二三四五六七八九十", persons=[{"name": "李四", "id_number": "123"}])


def test_team_member_cannot_register_a_lead(world):
    insp = on_site_inspection(world)
    with pytest.raises(PermissionDenied):
        lead_register(actor=world.east_member, inspection=insp, summary="x",
                      facts="一二三四五六七八九十", persons=[PERSON])


def test_reviewer_turns_a_general_problem_into_a_lead(world):
    insp = on_site_inspection(world)
    p, = add_problems(world, insp, 1)
    lead = problem_convert_to_lead(actor=world.east_director, problem=p,
                                   persons=[{"name": "王某某", "post": "村党支部书记"}],
                                   note="违规发展未满18周岁人员入党,应作为线索移交。")
    p.refresh_from_db()
    assert p.state == ProblemState.CONVERTED and lead.source_problem == p
    # the problem is now as confidential as the lead
    assert not visible(world.east_member, Problem).filter(pk=p.pk).exists()
    assert visible(world.east_director, Problem).filter(pk=p.pk).exists()
