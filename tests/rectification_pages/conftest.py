"""Rectification at each stage, built through the services, for the page tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.evaluation.helpers import approved_plan
from tests.inspections.helpers import rectifying_inspection
from xuncha.outcomes import services as outcomes
from xuncha.rectification import ledger, plans, report
from xuncha.reporting import services as reporting

OUTSIDERS = ("west_office", "west_contact", "auditor", "sysadmin")
GOOD = "2024年6月底前修订《公务接待管理办法》并组织全体干部学习2次"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "佐证.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def html(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def draft(world):
    """东湖区青石镇 in 整改 with its plan opened and nothing claimed yet."""
    insp, problems = rectifying_inspection(world)
    plan = plans.plan_open(actor=world.east_contact, inspection=insp,
                           first_responsible=world.east_head, group_leader="镇党委书记")
    return plan, problems


def good_task(world, plan, problem, **over):
    values = {"measure": GOOD, "kind": "deadline", "deadline": plan.period_start + timedelta(days=30),
              "responsible_leader": "镇党委书记", "responsible_person": "党政办主任"}
    values.update(over)
    return plans.task_add(actor=world.east_contact, plan=plan, problem=problem, **values)


@pytest.fixture
def approved(world):
    """An approved plan of 东湖区青石镇 with two tasks (tests.evaluation.helpers.approved_plan)."""
    return approved_plan(world)


@pytest.fixture
def scene(world, approved):
    """Something on every page: progress with evidence, a closure request, the report in
    sign-off, a sample draw, outcomes, a monthly return and a city assignment."""
    plan = approved
    t1, t2 = list(plan.tasks.order_by("number"))
    ledger.progress_report(actor=world.east_contact, task=t1, text="已修订办法初稿并征求意见",
                           percent=60, files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="办法已印发并组织学习")
    rpt = report.rect_report_save(actor=world.east_contact, plan=plan,
                                  unit_text="镇党委召开专题会议研究部署整改工作,逐条落实。" * 2,
                                  head_text="本人作为第一责任人,亲自部署、亲自督办整改工作。" * 2)
    report.rect_report_send_for_signoff(actor=world.east_contact, report=rpt)
    draw = ledger.sample_draw(actor=world.east_office, county=world.units["east"], percent=10)
    problem = t1.problem
    outcomes.accountability_add(actor=world.east_office, unit=world.units["east_town"],
                                person_name="李四", post="党政办主任", responsibility="direct",
                                form="first", measure="批评教育", decided_on=date(2024, 6, 1),
                                deciding_body="镇纪委", problem=problem)
    outcomes.institution_add(actor=world.east_contact, unit=world.units["east_town"],
                             name="《公务接待管理办法》", issued_on=date(2024, 6, 1),
                             problems=[problem])
    outcomes.funds_add(actor=world.east_contact, unit=world.units["east_town"], amount="12800.50",
                       payer_or_payee="违规领取人员", recorded_on=date(2024, 6, 2),
                       problem=problem)
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    ret = reporting.return_prepare(actor=world.east_office, reporter=world.units["east"],
                                   month=month)
    assignment = reporting.city_assignment_add(actor=world.city_office, county=world.units["east"],
                                               title="核查村级财务公开情况",
                                               content="请于月底前核查全部村级财务公开情况并报告。",
                                               deadline=timezone.localdate() + timedelta(days=20))
    return {"plan": plan.pk, "t1": t1.pk, "t2": t2.pk, "draw": draw.pk, "ret": ret.pk,
            "a": assignment.pk, "p": problem.pk}
