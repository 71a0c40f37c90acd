"""Builds an inspection at a given stage through the services, for tests of later stages."""

from __future__ import annotations

from datetime import date

from xuncha.findings.models import ProblemCategory
from xuncha.findings.services import problem_create
from xuncha.inspections import services
from xuncha.inspections.models import RoundKind


def on_site_inspection(world, unit_key: str = "east_town", side: str = "east"):
    office = world.users[f"{side}_office"]
    rnd = services.round_create(actor=office, term=world.terms[side], kind=RoundKind.REGULAR,
                                entry_date=date(2024, 3, 1), exit_date=date(2024, 4, 30))
    team = services.team_create(actor=office, rnd=rnd)
    services.team_add_member(actor=office, team=team, user=world.users[f"{side}_leader"],
                             position="leader")
    services.team_add_member(actor=office, team=team, user=world.users[f"{side}_member"],
                             position="member")
    insp = services.inspection_assign(actor=office, team=team, unit=world.units[unit_key])
    return services.inspection_enter(actor=office, inspection=insp)


def category(code: str = "0203") -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def add_problems(world, insp, n: int = 2, side: str = "east"):
    return [
        problem_create(actor=world.users[f"{side}_member"], inspection=insp, category=category(),
                       title=f"基层党组织建设薄弱问题{i}",
                       facts=f"2023年该单位党支部全年仅召开组织生活会{i}次,发展党员程序不规范。")
        for i in range(1, n + 1)
    ]


def rectifying_inspection(world, unit_key: str = "east_town", side: str = "east", n: int = 2):
    """An inspection whose feedback the three parties have signed: the unit starts rectifying."""
    from xuncha.reports import services as reports

    insp = on_site_inspection(world, unit_key, side)
    problems = add_problems(world, insp, n, side)
    leader = world.users[f"{side}_leader"]
    v = reports.report_save_draft(actor=leader, inspection=insp, title="巡察情况报告",
                                  body="# 一、基本情况\n\n巡察组按计划进驻并开展工作。\n\n# 二、问题\n\n- 见问题清单",
                                  cited_problems=problems)
    reports.report_submit(actor=leader, version=v)
    fb = reports.report_approve(actor=world.users[f"{side}_director"], version=v)
    head = world.users[f"{side}_head"] if unit_key == f"{side}_town" else None
    for who in (head, leader, world.users[f"{side}_director"]):
        if who is None:
            continue
        fb.refresh_from_db()
        reports.feedback_sign(actor=who, feedback=fb, expected_hash=fb.content_hash)
    insp.refresh_from_db()
    return insp, problems
