"""Leads (问题线索) stay with their readers, wherever one looks.

Readers of the east leads: the leader of the inspection's team (east_leader), the office director
(east_director) and the county's discipline commission (east_jiwei). Everyone else — team members,
unit heads and contacts, office staff, the organisation department, leadership, the city office,
the three administrators, an account without a role, the whole west county — must find nothing:
not in the lead list, not by id, not by searching a person's name, not through a scope count, not
in any other answer of the API (a problem converted into a lead included), while leadership and the
office get numbers from /lead-counts. Every read by a reader is in the audit trail. At rest the
confidential fields are SM4 ciphertext.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix.endpoints import API, ENDPOINTS, Endpoint, body_text, call
from tests.matrix.scenario import (
    ACTORS,
    CONVERTED_FACTS,
    CONVERTED_PERSON,
    CONVERTED_TITLE,
    HANDLED_FACTS,
    HANDLED_NOTE,
    HANDLED_PERSON,
    HANDLED_SUMMARY,
    LEAD_FACTS,
    LEAD_PERSON,
    LEAD_READERS,
    LEAD_SUMMARY,
    NOT_LEAD_READERS,
    WEST_LEAD_FACTS,
    WEST_PERSON,
    Scenario,
)

EAST_LEADS = ("lead", "lead:converted", "lead:trial")
# What a lead or a converted problem says, in pieces that appear nowhere else in the scenario.
EAST_SECRETS = (
    LEAD_SUMMARY, LEAD_FACTS[:20], LEAD_PERSON["name"], LEAD_PERSON["id_number"],
    LEAD_PERSON["phone"], LEAD_PERSON["post"],
    CONVERTED_TITLE, CONVERTED_FACTS[:20], "王小明", CONVERTED_PERSON["name"],
    HANDLED_SUMMARY, HANDLED_FACTS[:20], HANDLED_PERSON["name"], HANDLED_NOTE,
)
WEST_SECRETS = (WEST_LEAD_FACTS[:20], WEST_PERSON["name"])
WEST_READERS = ("west_director", "west_leader", "west_jiwei")
COUNT_ROLES = ("east_director", "east_office", "east_jiwei", "east_leadership", "city_office")


def _user(scenario: Scenario, actor: str) -> Any:
    return scenario.user(actor)


def _secrets_for(actor: str) -> tuple[str, ...]:
    secrets: tuple[str, ...] = ()
    if actor not in LEAD_READERS:
        secrets += EAST_SECRETS
    if actor not in WEST_READERS:
        secrets += WEST_SECRETS
    return secrets


def _leaks(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [s for s in secrets if s in text]


# --- the lead routes ------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", NOT_LEAD_READERS)
def test_lead_is_absent_from_the_list(scenario: Scenario, as_actor: Any, actor: str) -> None:
    for query in ("", f"?inspection_id={scenario['insp:site']}"):
        r = as_actor(actor).get(f"{API}/leads{query}")
        assert r.status_code == 200
        ids = {item["id"] for item in r.json()}
        assert not ids & {scenario[k] for k in EAST_LEADS}
        assert not _leaks(body_text(r), EAST_SECRETS)


@pytest.mark.parametrize("actor", NOT_LEAD_READERS)
def test_lead_by_id_is_404_like_a_missing_one(scenario: Scenario, as_actor: Any,
                                              actor: str) -> None:
    client = as_actor(actor)
    missing = client.get(f"{API}/leads/987654321")
    for key in EAST_LEADS:
        for suffix in ("", "/steps"):
            r = client.get(f"{API}/leads/{scenario[key]}{suffix}")
            assert r.status_code == 404
            assert r.json() == missing.json()


@pytest.mark.parametrize("actor", NOT_LEAD_READERS)
def test_search_by_person_name_finds_nothing(scenario: Scenario, as_actor: Any,
                                             actor: str) -> None:
    client = as_actor(actor)
    for name in (LEAD_PERSON["name"], "张 建国", CONVERTED_PERSON["name"], HANDLED_PERSON["name"]):
        r = client.get(f"{API}/leads", {"person_name": name})
        assert r.status_code == 200
        assert r.json() == []


@pytest.mark.parametrize("actor", NOT_LEAD_READERS)
def test_scope_counts_are_zero(scenario: Scenario, actor: str, db: Any) -> None:
    from xuncha.accounts.scope import get_visible, visible
    from xuncha.core.errors import NotFound
    from xuncha.findings.models import Problem
    from xuncha.leads.models import Lead, LeadPerson, LeadSanction, LeadStep

    user = _user(scenario, actor)
    east = [scenario[k] for k in EAST_LEADS]
    assert visible(user, Lead).filter(pk__in=east).count() == 0
    assert visible(user, LeadPerson).filter(lead_id__in=east).count() == 0
    assert visible(user, LeadStep).filter(lead_id__in=east).count() == 0
    assert visible(user, LeadSanction).filter(lead_id__in=east).count() == 0
    assert visible(user, Problem).filter(pk=scenario["problem:converted"]).count() == 0
    with pytest.raises(NotFound):
        get_visible(user, Lead, pk=scenario["lead"])


@pytest.mark.parametrize("actor", NOT_LEAD_READERS)
def test_converted_problem_is_gone_from_problem_list_detail_and_export(
        scenario: Scenario, as_actor: Any, actor: str) -> None:
    client = as_actor(actor)
    site = scenario["insp:site"]
    listing = client.get(f"{API}/inspections/{site}/problems")
    export = client.get(f"{API}/inspections/{site}/problems.xlsx")
    detail = client.get(f"{API}/problems/{scenario['problem:converted']}")
    assert listing.status_code in (200, 404) and export.status_code in (200, 404)
    if listing.status_code == 200:
        assert scenario["problem:converted"] not in {p["id"] for p in listing.json()}
    texts = body_text(listing) + body_text(export)
    assert not _leaks(texts, (CONVERTED_TITLE, CONVERTED_FACTS[:20], "王小明"))
    assert detail.status_code == 404


# --- no other answer carries a lead -----------------------------------------------------------------

def _reads() -> list[Endpoint]:
    return [ep for ep in ENDPOINTS if ep.method == "GET"]


@pytest.mark.parametrize("actor", ACTORS)
def test_no_read_of_the_api_carries_lead_content(scenario: Scenario, as_actor: Any,
                                                 actor: str) -> None:
    """Every GET of the matrix (the audit trail aside: see the auditor's test), plus the lead search
    and the converted problem by id, as each actor: no piece of a lead the actor may not read."""
    client = as_actor(actor)
    secrets = _secrets_for(actor)
    found = {}
    for ep in _reads():
        if ep.path == f"{API}/audit/events":
            continue
        r = call(client, ep, scenario)
        if leaks := _leaks(body_text(r), secrets):
            found[ep.label] = leaks
    extra = [f"{API}/leads?person_name={LEAD_PERSON['name']}",
             f"{API}/problems/{scenario['problem:converted']}",
             f"{API}/inspections?limit=500", f"{API}/notifications?limit=200"]
    for url in extra:
        if leaks := _leaks(body_text(client.get(url)), secrets):
            found[url] = leaks
    assert not found, f"{actor} reads lead content: {found}"


def test_the_trail_shown_to_the_auditor_holds_no_lead_content(scenario: Scenario,
                                                              as_actor: Any) -> None:
    r = as_actor("auditor").get(f"{API}/audit/events", {"limit": 500})
    assert r.status_code == 200 and r.json()["count"] <= 500
    assert not _leaks(body_text(r), EAST_SECRETS + WEST_SECRETS)


def test_the_trail_never_names_a_lead_person_or_its_facts(scenario: Scenario,
                                                          as_actor: Any) -> None:
    """Registration, hand-over and handling are audited without the people and facts."""
    r = as_actor("auditor").get(f"{API}/audit/events", {"limit": 500, "action": "lead."})
    assert r.status_code == 200 and r.json()["count"] > 0
    secrets = (LEAD_SUMMARY, LEAD_FACTS[:20], LEAD_PERSON["name"], LEAD_PERSON["id_number"],
               HANDLED_SUMMARY, HANDLED_PERSON["name"], HANDLED_NOTE, CONVERTED_PERSON["name"])
    assert not _leaks(body_text(r), secrets)


@pytest.mark.parametrize("actor", COUNT_ROLES)
def test_counts_roles_get_numbers_from_lead_counts(scenario: Scenario, as_actor: Any,
                                                   actor: str) -> None:
    r = as_actor(actor).get(f"{API}/lead-counts")
    assert r.status_code == 200
    counts = {row["inspection_id"]: row["count"] for row in r.json()}
    assert counts[scenario["insp:site"]] == 3
    assert set(r.json()[0]) == {"inspection_id", "count"}
    if actor == "city_office":
        assert counts[scenario["insp:west"]] == 1
    else:
        assert scenario["insp:west"] not in counts


@pytest.mark.parametrize("actor", [a for a in ACTORS if a not in COUNT_ROLES])
def test_everyone_else_gets_no_numbers_for_the_east(scenario: Scenario, as_actor: Any,
                                                    actor: str) -> None:
    r = as_actor(actor).get(f"{API}/lead-counts")
    assert r.status_code == 200
    assert scenario["insp:site"] not in {row["inspection_id"] for row in r.json()}


def test_leadership_sees_numbers_and_no_content(scenario: Scenario, as_actor: Any) -> None:
    client = as_actor("east_leadership")
    assert client.get(f"{API}/leads").json() == []
    assert client.get(f"{API}/leads/{scenario['lead']}").status_code == 404
    assert client.get(f"{API}/lead-tracking").json() == []
    counts = client.get(f"{API}/lead-counts").json()
    assert counts == [{"inspection_id": scenario["insp:site"], "count": 3}]


# --- reads by the readers are audited ---------------------------------------------------------------

def _events(actor_id: int, action: str) -> Any:
    from xuncha.audit.models import AuditEvent

    return AuditEvent.objects.filter(actor_id=actor_id, action=action)


@pytest.mark.parametrize("actor", LEAD_READERS)
def test_every_read_by_a_reader_is_audited(scenario: Scenario, as_actor: Any,
                                           actor: str) -> None:
    client = as_actor(actor)
    uid = scenario.world.users[actor].pk
    lead = scenario["lead"]

    before = _events(uid, "lead.list").count()
    listing = client.get(f"{API}/leads")
    assert lead in {x["id"] for x in listing.json()}
    assert _events(uid, "lead.list").count() == before + 1
    event = _events(uid, "lead.list").latest("seq")
    assert lead in event.changes["ids"] and event.changes["search"] is False

    before = _events(uid, "lead.read").filter(object_id=str(lead)).count()
    detail = client.get(f"{API}/leads/{lead}")
    assert detail.status_code == 200 and detail.json()["facts"] == LEAD_FACTS
    assert detail.json()["persons"][0]["id_number"] == LEAD_PERSON["id_number"]
    assert _events(uid, "lead.read").filter(object_id=str(lead)).count() == before + 1

    before = _events(uid, "lead.list").count()
    found = client.get(f"{API}/leads", {"person_name": LEAD_PERSON["name"]})
    assert [x["id"] for x in found.json()] == [lead]
    assert _events(uid, "lead.list").count() == before + 1
    event = _events(uid, "lead.list").latest("seq")
    assert event.changes["search"] is True and event.changes["ids"] == [lead]
    assert LEAD_PERSON["name"] not in str(event.changes) + event.object_repr

    trial = scenario["lead:trial"]
    before = _events(uid, "lead.read").filter(object_id=str(trial)).count()
    steps = client.get(f"{API}/leads/{trial}/steps")
    assert HANDLED_NOTE in body_text(steps)
    assert _events(uid, "lead.read").filter(object_id=str(trial)).count() == before + 1


@pytest.mark.parametrize("actor", LEAD_READERS)
def test_a_search_that_finds_nothing_is_audited_too(scenario: Scenario, as_actor: Any,
                                                    actor: str) -> None:
    uid = scenario.world.users[actor].pk
    before = _events(uid, "lead.list").count()
    r = as_actor(actor).get(f"{API}/leads", {"person_name": "查无此人"})
    assert r.status_code == 200 and r.json() == []
    assert _events(uid, "lead.list").count() == before + 1


@pytest.mark.parametrize("actor", ("east_director", "east_jiwei"))
def test_reading_a_converted_problem_is_audited_like_the_lead(scenario: Scenario, as_actor: Any,
                                                              actor: str) -> None:
    from xuncha.audit.models import AuditEvent

    uid = scenario.world.users[actor].pk
    lead_events = AuditEvent.objects.filter(actor_id=uid, action__in=["lead.read", "lead.list"])
    before = lead_events.count()
    r = as_actor(actor).get(f"{API}/problems/{scenario['problem:converted']}")
    assert r.status_code == 200 and r.json()["title"] == CONVERTED_TITLE
    assert lead_events.count() == before + 1


# --- converting makes a problem as confidential as the lead ----------------------------------------

@pytest.mark.parametrize("converter", ("east_office", "east_leadership", "city_office"))
def test_a_converter_who_is_no_reader_loses_sight_of_the_problem(
        scenario: Scenario, as_actor: Any, converter: str) -> None:
    """Reviewers may re-classify a problem (昆明 case); afterwards they see neither it nor the lead."""
    client = as_actor(converter)
    pid = scenario["problem:draft"]
    title = client.get(f"{API}/problems/{pid}").json()["title"]
    r = client.post(f"{API}/problems/{pid}/convert-to-lead",
                    {"persons": [{"name": "赵德明", "post": "党支部书记"}]},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    lead_id = r.json()["id"]
    assert client.get(f"{API}/leads/{lead_id}").status_code == 404
    assert lead_id not in {x["id"] for x in client.get(f"{API}/leads").json()}
    assert client.get(f"{API}/problems/{pid}").status_code == 404
    site = scenario["insp:site"]
    assert title not in body_text(client.get(f"{API}/inspections/{site}/problems"))
    assert title not in body_text(client.get(f"{API}/inspections/{site}/problems.xlsx"))
    for reader in LEAD_READERS:
        assert as_actor(reader).get(f"{API}/leads/{lead_id}").status_code == 200
    for other in ("east_member", "east_head", "east_contact", "west_director"):
        assert as_actor(other).get(f"{API}/leads/{lead_id}").status_code == 404


def test_converting_a_fed_back_problem_takes_it_off_the_units_list(scenario: Scenario,
                                                                   as_actor: Any) -> None:
    fb, pid = scenario["insp:fb"], scenario["problem:fed_back"]
    head = as_actor("east_head")
    before = head.get(f"{API}/inspections/{fb}/feedback").json()
    title = head.get(f"{API}/problems/{pid}").json()["title"]
    assert title in {i["title"] for i in before["items"]}

    r = as_actor("east_director").post(
        f"{API}/problems/{pid}/convert-to-lead",
        {"persons": [{"name": "孙立国", "post": "村党支部书记", "is_village_cadre": True}]},
        content_type="application/json")
    assert r.status_code == 201, r.content

    for actor in ("east_head", "east_village_contact", "east_member", "east_office"):
        client = as_actor(actor)
        feedback = client.get(f"{API}/inspections/{fb}/feedback")
        assert title not in body_text(feedback)
        assert title not in body_text(client.get(f"{API}/inspections/{fb}/problems"))
        assert title not in body_text(client.get(f"{API}/inspections/{fb}/problems.xlsx"))
        assert client.get(f"{API}/problems/{pid}").status_code == 404
    after = head.get(f"{API}/inspections/{fb}/feedback").json()
    assert after["content_hash"] != before["content_hash"]


# --- at rest --------------------------------------------------------------------------------------

def test_confidential_fields_are_ciphertext_in_the_database(scenario: Scenario, db: Any) -> None:
    from django.db import connection

    from xuncha.leads.models import Lead, LeadPerson, LeadStep

    lead_ids = [scenario[k] for k in EAST_LEADS]
    with connection.cursor() as cur:
        cur.execute("SELECT summary, facts FROM leads_lead WHERE id IN (%s, %s, %s)", lead_ids)
        leads = cur.fetchall()
        cur.execute("SELECT name, id_number, phone, post, name_index FROM leads_leadperson "
                    "WHERE lead_id IN (%s, %s, %s)", lead_ids)
        persons = cur.fetchall()
        cur.execute("SELECT note FROM leads_leadstep WHERE lead_id = %s", [scenario["lead:trial"]])
        notes = [row[0] for row in cur.fetchall()]
    assert len(leads) == 3 and len(persons) == 3 and notes
    raw = "\n".join(str(v) for row in [*leads, *persons] for v in row) + "\n".join(notes)
    plain = (LEAD_SUMMARY, LEAD_FACTS[:12], LEAD_PERSON["name"], LEAD_PERSON["id_number"],
             LEAD_PERSON["id_number"][:6], LEAD_PERSON["phone"], LEAD_PERSON["phone"][:7],
             LEAD_PERSON["post"], "村党支部书记", CONVERTED_FACTS[:12], CONVERTED_PERSON["name"],
             CONVERTED_PERSON["post"], HANDLED_SUMMARY, HANDLED_PERSON["name"],
             HANDLED_PERSON["post"], HANDLED_NOTE[:8])
    assert not _leaks(raw, plain)
    from xuncha.core.crypto import is_encrypted

    tokens = [v for row in leads for v in row] + [v for row in persons for v in row[:4] if v] + notes
    assert all(is_encrypted(v) for v in tokens), tokens
    # The ORM gives the plaintext back to the code that reads it through the scope check.
    lead = Lead.objects.get(pk=scenario["lead"])
    person = LeadPerson.objects.get(lead=lead)
    assert (lead.summary, lead.facts) == (LEAD_SUMMARY, LEAD_FACTS)
    assert (person.name, person.id_number, person.phone, person.post) == (
        LEAD_PERSON["name"], LEAD_PERSON["id_number"], LEAD_PERSON["phone"], LEAD_PERSON["post"])
    assert HANDLED_NOTE in {s.note for s in LeadStep.objects.filter(lead_id=scenario["lead:trial"])}


@pytest.mark.parametrize("actor", LEAD_READERS)
def test_the_checks_above_would_see_a_leak(scenario: Scenario, as_actor: Any, actor: str) -> None:
    """The readers do get the content: the secrets, decoded as above, are found where they are."""
    client = as_actor(actor)
    assert set(_leaks(body_text(client.get(f"{API}/leads")), EAST_SECRETS)) >= {
        LEAD_SUMMARY, LEAD_PERSON["name"], LEAD_PERSON["id_number"], HANDLED_PERSON["name"]}
    steps = body_text(client.get(f"{API}/leads/{scenario['lead:trial']}/steps"))
    assert HANDLED_NOTE in steps
    if actor != "east_leader":  # the leader reads the lead, not the converted problem
        problem = client.get(f"{API}/problems/{scenario['problem:converted']}")
        assert CONVERTED_TITLE in body_text(problem)
