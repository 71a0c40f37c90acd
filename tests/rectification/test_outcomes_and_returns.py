"""Outcomes (institutions, funds, accountability with the leadership warning), the rectification
report's sign-off, monthly returns frozen on submission, and figures against an independent count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.rectification.test_ledger import PDF
from tests.rectification.test_ledger import tasks as tasks
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.dashboards import figures
from xuncha.findings.models import Problem
from xuncha.outcomes import services as outcomes
from xuncha.rectification import ledger
from xuncha.rectification import report as rect_report
from xuncha.rectification.models import RectificationTask, RectReportStatus, TaskStatus
from xuncha.reporting import services as returns
from xuncha.reporting.models import ReturnStatus


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def close(world, task):
    ledger.progress_report(actor=world.east_contact, task=task, text="已全部整改完成", percent=100,
                           files=[SimpleUploadedFile("a.pdf", PDF)])
    ledger.task_request_closure(actor=world.east_contact, task=task, note="完成并有佐证")
    ledger.task_verify(actor=world.east_office, task=task, method="document", result="passed",
                       note="材料齐全,予以销号")


def test_rate_agrees_with_an_independent_count(world, tasks):
    t1, _t2 = tasks
    close(world, t1)
    problems = Problem.objects.filter(unit__path__startswith=world.units["east"].path)
    rate = figures.rectification_rate(problems)
    # independent: a problem is rectified when all of its tasks are closed
    fed = [p for p in problems if p.inspection.status == "rectifying"]
    done = [p for p in fed if p.tasks.exists() and all(t.status == "closed" for t in p.tasks.all())]
    assert (rate.numerator, rate.denominator) == (len(done), len(fed)) == (1, 2)
    assert str(rate.percent) == "50.00"


def test_accountability_warning_when_only_direct_responsibility(world, tasks):
    t1, _ = tasks
    problem = t1.problem
    problem.names_people = True
    problem.save()
    outcomes.accountability_add(actor=world.east_jiwei, unit=problem.unit, person_name="李某",
                                post="党政办主任", responsibility="direct", form="first",
                                measure="批评教育", decided_on=date(2024, 6, 1),
                                deciding_body="区纪委监委", problem=problem)
    warnings = outcomes.accountability_warnings([problem])
    assert warnings and "只追究了直接责任" in warnings[0]["message"]
    outcomes.accountability_add(actor=world.east_jiwei, unit=problem.unit, person_name="王某",
                                post="镇党委副书记", responsibility="leadership", form="second",
                                measure="诫勉谈话", decided_on=date(2024, 6, 1),
                                deciding_body="区纪委监委", problem=problem)
    assert outcomes.accountability_warnings([problem]) == []


def test_funds_must_be_positive_with_two_decimals(world, tasks):
    t1, _ = tasks
    with pytest.raises(ValidationFailed):
        outcomes.funds_add(actor=world.east_contact, unit=t1.unit, amount="-3",
                           payer_or_payee="某公司", recorded_on=date(2024, 6, 1), problem=t1.problem)
    f = outcomes.funds_add(actor=world.east_contact, unit=t1.unit, amount="24,000.50",
                           payer_or_payee="班子成员", recorded_on=date(2024, 6, 1),
                           problem=t1.problem)
    assert str(f.amount) == "24000.50"


def test_rectification_report_signoff_is_bound_to_content(world, tasks):
    t1, _ = tasks
    plan = t1.plan
    r = rect_report.rect_report_save(actor=world.east_contact, plan=plan,
                                     unit_text="集中整改期内召开专题会议5次,逐项推进整改任务。",
                                     head_text="镇党委书记亲自部署、亲自督办,主持召开专题会议3次。")
    assert "已完成整改" in r.public_text or "正在整改" in r.public_text
    rect_report.rect_report_send_for_signoff(actor=world.east_contact, report=r)
    rect_report.rect_report_signoff(actor=world.east_jiwei, report=r, expected_hash=r.content_hash)
    with pytest.raises(PermissionDenied):
        rect_report.rect_report_signoff(actor=world.east_office, report=r,
                                        expected_hash=r.content_hash)
    old = r.content_hash
    r = rect_report.rect_report_save(actor=world.east_contact, plan=plan,
                                     unit_text="集中整改期内召开专题会议6次,逐项推进整改任务。",
                                     head_text="镇党委书记亲自部署、亲自督办,主持召开专题会议3次。")
    assert r.content_hash != old
    assert r.signoffs.get().voided_at is not None
    with pytest.raises(Conflict, match="已变更"):
        rect_report.rect_report_signoff(actor=world.east_zzb, report=r, expected_hash=old)
    for who in ("east_jiwei", "east_zzb"):
        rect_report.rect_report_signoff(actor=world.users[who], report=r,
                                        expected_hash=r.content_hash)
    r.refresh_from_db()
    assert r.status == RectReportStatus.SUBMITTED
    rect_report.rect_report_receive(actor=world.east_office, report=r)
    r.refresh_from_db()
    assert r.status == RectReportStatus.RECEIVED


def test_monthly_return_is_compiled_frozen_and_flagged_late(world, tasks):
    t1, _ = tasks
    county = world.units["east"]
    month = date.today().replace(day=1)
    ret = returns.return_prepare(actor=world.east_office, reporter=county, month=month)
    assert ret.data["problems"]["fed_back"] == 2
    with time_machine.travel(ret.due_on + timedelta(days=1), tick=False):
        ret = returns.return_submit(actor=world.east_office, ret=ret)
    assert ret.status == ReturnStatus.SUBMITTED and ret.is_late and len(ret.content_hash) == 64
    frozen = ret.data
    close(world, t1)
    again = returns.return_prepare(actor=world.east_office, reporter=county, month=month)
    assert again.data == frozen  # not recompiled after submission
    with pytest.raises(Conflict, match="冻结"):
        returns.return_submit(actor=world.east_office, ret=again)


def test_city_sees_every_county_side_by_side(world, tasks):
    month = date.today().replace(day=1)
    ret = returns.return_prepare(actor=world.east_office, reporter=world.units["east"], month=month)
    returns.return_submit(actor=world.east_office, ret=ret)
    rows = returns.city_overview(user=world.city_office, city=world.units["city"], month=month)
    by_name = {r["county"].name: r for r in rows}
    assert by_name["东湖区"]["submitted"] and not by_name["西山县"]["submitted"]
    # another county sees only itself, never east's return
    west_rows = returns.city_overview(user=world.west_office, city=world.units["city"], month=month)
    assert [r["county"].name for r in west_rows] == ["西山县"]


def test_unit_return_to_the_county(world, tasks):
    month = date.today().replace(day=1)
    ret = returns.return_prepare(actor=world.east_contact, reporter=world.units["east_town"],
                                 month=month)
    assert ret.recipient == world.units["east"] and "leads" not in ret.data
    with pytest.raises(PermissionDenied):
        returns.return_prepare(actor=world.west_contact, reporter=world.units["east_town"],
                               month=month)


def test_on_time_rate_counts_closures_by_their_deadline(world, tasks):
    t1, t2 = tasks
    close(world, t1)
    with time_machine.travel(t2.deadline + timedelta(days=2), tick=False):
        close(world, t2)
    r = figures.on_time_rate(RectificationTask.objects.filter(status=TaskStatus.CLOSED))
    assert (r.numerator, r.denominator) == (1, 2)
