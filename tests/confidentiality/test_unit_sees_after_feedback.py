"""The inspected unit sees its problems only once they are fed back (反馈), never while the team
drafts: before the report is approved the unit's head and contact get an empty problem list, a 404
for each problem, a workbook without rows and a zero count; from 反馈 on — and after the three
signatures (三方签字), in 整改 — they see exactly the problems of the feedback list.

Each test builds its own world (tests/world.py) and inspection through the services.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.inspections.helpers import add_problems, on_site_inspection
from tests.matrix.endpoints import API, body_text
from xuncha.inspections.models import InspectionStatus

UNIT = ("east_head", "east_contact")  # the town's first responsible person and contact
NEVER = ("east_village_contact", "east_bureau_contact", "west_head", "west_contact",
         "west_director", "west_member")
BODY = ("# 一、基本情况\n\n第一巡察组于2024年3月进驻青石镇。\n\n# 二、发现的问题\n\n"
        "- 党支部组织生活不规范\n- 发展党员程序不严格")


def fresh(world: Any, name: str) -> Any:
    from xuncha.accounts.models import User

    return User.objects.select_related("unit").get(pk=world.users[name].pk)


def what_they_see(world: Any, client_for: Any, actor: str, insp: Any,
                  problems: list[Any]) -> dict[str, Any]:
    """The problems ``actor`` reaches by each way in: list, detail, export, count, feedback."""
    from xuncha.accounts.scope import visible
    from xuncha.findings.models import Problem

    client = client_for(actor)
    listing = client.get(f"{API}/inspections/{insp.pk}/problems")
    export = client.get(f"{API}/inspections/{insp.pk}/problems.xlsx")
    workbook = body_text(export) if export.status_code == 200 else ""
    return {
        "list": {p["id"] for p in listing.json()} if listing.status_code == 200 else set(),
        "detail": {p.pk for p in problems
                   if client.get(f"{API}/problems/{p.pk}").status_code == 200},
        "export": {p.pk for p in problems if p.title in workbook},
        "count": set(visible(fresh(world, actor), Problem).filter(inspection=insp)
                     .values_list("pk", flat=True)),
        "feedback": client.get(f"{API}/inspections/{insp.pk}/feedback").status_code,
    }


def submit(world: Any, insp: Any, cited: list[Any] = ()) -> Any:  # type: ignore[assignment]
    from xuncha.reports import services

    v = services.report_save_draft(actor=fresh(world, "east_leader"), inspection=insp,
                                   title="关于巡察青石镇党委的情况报告", body=BODY,
                                   cited_problems=list(cited))
    return services.report_submit(actor=fresh(world, "east_leader"), version=v)


def approve(world: Any, version: Any) -> Any:
    from xuncha.reports import services

    return services.report_approve(actor=fresh(world, "east_director"), version=version)


def sign_all(world: Any, fb: Any) -> None:
    from xuncha.reports import services

    for who in ("east_head", "east_leader", "east_director"):
        fb.refresh_from_db()
        services.feedback_sign(actor=fresh(world, who), feedback=fb,
                               expected_hash=fb.content_hash)


NOTHING = {"list": set(), "detail": set(), "export": set(), "count": set()}


def every(ids: set[int]) -> dict[str, set[int]]:
    """The same problems by each way in."""
    return {key: set(ids) for key in NOTHING}


def _without_feedback(seen: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in seen.items() if k != "feedback"}


@pytest.mark.parametrize("actor", UNIT)
def test_unit_sees_nothing_while_the_team_drafts(world: Any, client_for: Any, actor: str) -> None:
    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 3)
    on_site = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(on_site) == NOTHING
    assert on_site["feedback"] == 404

    submit(world, insp, problems)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.REPORTING
    reporting = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(reporting) == NOTHING
    assert reporting["feedback"] == 404
    # the team and the office see them all along
    team = what_they_see(world, client_for, "east_member", insp, problems)
    assert team["list"] == team["detail"] == team["count"] == {p.pk for p in problems}


@pytest.mark.parametrize("actor", UNIT)
def test_unit_sees_the_fed_back_problems_after_feedback_and_the_three_signatures(
        world: Any, client_for: Any, actor: str, django_capture_on_commit_callbacks: Any) -> None:
    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 3)
    fb = approve(world, submit(world, insp, problems))
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.FEEDBACK
    fed_back = {item["id"] for item in fb.items}
    assert fed_back == {p.pk for p in problems}

    at_feedback = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(at_feedback) == every(fed_back)
    assert at_feedback["feedback"] == 200

    with django_capture_on_commit_callbacks(execute=True):
        sign_all(world, fb)
    insp.refresh_from_db()
    fb.refresh_from_db()
    assert insp.status == InspectionStatus.RECTIFYING and fb.completed_at is not None
    signed = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(signed) == every(fed_back)
    # the unit was told, and the signed list is the one it sees
    from xuncha.notifications.models import Notification

    assert Notification.objects.filter(recipient=world.users[actor],
                                       title__contains="三方签字").exists()
    body = client_for(actor).get(f"{API}/inspections/{insp.pk}/feedback").json()
    assert {i["id"] for i in body["items"]} == fed_back
    assert {s["role"] for s in body["signatures"]} == {"unit_head", "team_leader",
                                                       "office_director"}


@pytest.mark.parametrize("actor", NEVER)
def test_other_units_and_the_other_county_never_see_them(world: Any, client_for: Any,
                                                         actor: str) -> None:
    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 2)
    fb = approve(world, submit(world, insp, problems))
    sign_all(world, fb)
    seen = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(seen) == NOTHING
    assert seen["feedback"] == 404


def test_a_problem_converted_before_feedback_never_reaches_the_unit(world: Any,
                                                                     client_for: Any) -> None:
    from xuncha.leads.services import problem_convert_to_lead

    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 3)
    problem_convert_to_lead(actor=fresh(world, "east_director"), problem=problems[2],
                            persons=[{"name": "王某某", "post": "村党支部书记"}])
    fb = approve(world, submit(world, insp, problems[:2]))
    sign_all(world, fb)
    for actor in UNIT:
        seen = what_they_see(world, client_for, actor, insp, problems)
        assert _without_feedback(seen) == every({problems[0].pk, problems[1].pk})


@pytest.mark.parametrize("actor", UNIT)
def test_a_problem_withdrawn_before_feedback_is_not_shown_to_the_unit(
        world: Any, client_for: Any, actor: str) -> None:
    from xuncha.findings.services import problem_withdraw

    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 3)
    problem_withdraw(actor=fresh(world, "east_member"), problem=problems[2],
                     reason="经核实不属实,撤销")
    fb = approve(world, submit(world, insp))
    assert {i["id"] for i in fb.items} == {problems[0].pk, problems[1].pk}
    seen = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(seen) == every({problems[0].pk, problems[1].pk})


@pytest.mark.parametrize("actor", UNIT)
def test_the_feedback_list_holds_every_active_problem_and_the_unit_sees_exactly_it(
        world: Any, client_for: Any, actor: str) -> None:
    # The report's citations shape its text; the list handed over holds every active problem, so
    # nothing the unit can see is missing from what it signed (reports.services._feedback_problems).
    insp = on_site_inspection(world)
    problems = add_problems(world, insp, 3)
    fb = approve(world, submit(world, insp, problems[:2]))
    assert {i["id"] for i in fb.items} == {p.pk for p in problems}
    seen = what_they_see(world, client_for, actor, insp, problems)
    assert _without_feedback(seen) == every({p.pk for p in problems})
