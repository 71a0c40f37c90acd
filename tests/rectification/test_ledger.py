"""The ledger: progress with evidence, 对账销号 by the office, reopen and relapse, sampling,
reminders (idempotent, moved clock), and figures that agree with an independent count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.inspections.helpers import rectifying_inspection
from tests.rectification.test_plan import good_task
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.notifications.models import Notification
from xuncha.rectification import ledger, plans
from xuncha.rectification.models import RectificationTask, ReviewDecision, TaskStatus
from xuncha.rectification.reminders import send_reminders

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def tasks(world):
    insp, (p1, p2) = rectifying_inspection(world)
    plan = plans.plan_open(actor=world.east_contact, inspection=insp,
                           first_responsible=world.east_head, group_leader="镇党委书记")
    t1 = good_task(world, plan, p1, responsible_user=world.east_contact)
    t2 = good_task(world, plan, p2, deadline=plan.period_start + timedelta(days=60))
    plans.plan_submit(actor=world.east_contact, plan=plan)
    for who in ("east_office", "east_jiwei", "east_zzb"):
        plans.plan_review(actor=world.users[who], plan=plan, decision=ReviewDecision.APPROVE)
    t1.refresh_from_db()
    t2.refresh_from_db()
    return t1, t2


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF)


def test_progress_with_evidence_then_closure_verified_by_the_office(world, tasks):
    t1, _ = tasks
    ledger.progress_report(actor=world.east_contact, task=t1, text="已修订办法初稿", percent=60,
                           files=[pdf()])
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (TaskStatus.IN_PROGRESS, 60)
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="办法已印发并组织学习")
    with pytest.raises(PermissionDenied):
        ledger.task_verify(actor=world.east_contact, task=t1, method="document",
                           result="passed", note="自己核验自己")
    ledger.task_verify(actor=world.east_office, task=t1, method="on_site", result="passed",
                       note="查阅印发文件和学习记录,现场询问3名干部")
    t1.refresh_from_db()
    assert t1.status == TaskStatus.CLOSED and t1.closed_at and t1.progress == 100


def test_closure_needs_evidence(world, tasks):
    t1, _ = tasks
    ledger.progress_report(actor=world.east_contact, task=t1, text="已修订办法初稿", percent=60)
    with pytest.raises(ValidationFailed, match="佐证材料"):
        ledger.task_request_closure(actor=world.east_contact, task=t1, note="完成")


def test_returned_closure_goes_back_to_in_progress(world, tasks):
    t1, _ = tasks
    ledger.progress_report(actor=world.east_contact, task=t1, text="已修订办法初稿", percent=90,
                           files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="完成")
    ledger.task_verify(actor=world.east_office, task=t1, method="document", result="returned",
                       note="佐证材料只有草稿,未见正式印发文件")
    t1.refresh_from_db()
    assert t1.status == TaskStatus.IN_PROGRESS


def test_refused_transitions(world, tasks):
    t1, _ = tasks
    with pytest.raises(Conflict):
        ledger.task_verify(actor=world.east_office, task=t1, method="document", result="passed",
                           note="没有申请也想销号")
    with pytest.raises(Conflict):
        ledger.task_reopen(actor=world.east_office, task=t1, reason="未销号的不能重新打开")
    with pytest.raises(ValidationFailed, match="不能低于"):
        ledger.progress_report(actor=world.east_contact, task=t1, text="第一次进展情况", percent=50)
        ledger.progress_report(actor=world.east_contact, task=t1, text="第二次进展情况", percent=40)


def test_relapse_reopens_closed_tasks(world, tasks):
    t1, _ = tasks
    ledger.progress_report(actor=world.east_contact, task=t1, text="已全部整改完成", percent=100,
                           files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="完成")
    ledger.task_verify(actor=world.east_office, task=t1, method="document", result="passed",
                       note="材料齐全,予以销号")
    n = ledger.problem_relapse(actor=world.east_office, problem=t1.problem, found_in="回头看",
                               note="2025年回头看发现仍在发放")
    t1.refresh_from_db()
    assert n == 1 and t1.is_relapse and t1.status == TaskStatus.IN_PROGRESS


def test_sample_draw_takes_ten_percent_of_closed_items(world, tasks):
    t1, t2 = tasks
    for t in (t1, t2):
        ledger.progress_report(actor=world.east_contact, task=t, text="已全部整改完成", percent=100,
                               files=[pdf()])
        ledger.task_request_closure(actor=world.east_contact, task=t, note="完成")
        ledger.task_verify(actor=world.east_office, task=t, method="document", result="passed",
                           note="材料齐全,予以销号")
    draw = ledger.sample_draw(actor=world.east_office, county=world.units["east"], seed="fixed")
    assert draw.population == 2 and draw.tasks.count() == 1
    again = ledger.sample_draw(actor=world.east_office, county=world.units["east"], seed="fixed")
    assert list(again.tasks.values_list("id")) == list(draw.tasks.values_list("id"))


def test_reminders_are_sent_once_per_state_with_a_moved_clock(world, tasks):
    t1, _t2 = tasks
    deadline = t1.deadline
    with time_machine.travel(deadline - timedelta(days=5), tick=False):
        first = send_reminders()
        assert first.sent["due_soon"] >= 1
        assert send_reminders().total == 0  # idempotent
    with time_machine.travel(deadline, tick=False):
        assert send_reminders().sent["due_today"] >= 1
    with time_machine.travel(deadline + timedelta(days=3), tick=False):
        assert send_reminders().sent["overdue"] >= 1
        assert send_reminders().total == 0
    with time_machine.travel(deadline + timedelta(days=31), tick=False):
        run = send_reminders()
        assert run.sent["escalated"] >= 1
        assert send_reminders().total == 0
    assert Notification.objects.filter(recipient=world.east_director,
                                       title__contains="逾期超过").count() == 1
    assert Notification.objects.filter(recipient=world.east_contact,
                                       title__contains="已逾期").count() == 2  # t1 and, by then, t2


def test_overdue_is_computed_from_today(world, tasks):
    t1, _ = tasks
    qs = RectificationTask.objects.all()
    assert qs.filter(ledger.overdue_q(today=t1.deadline)).count() == 0
    assert qs.filter(ledger.overdue_q(today=t1.deadline + timedelta(days=1))).count() == 1
    assert t1.is_overdue(t1.deadline + timedelta(days=1)) and not t1.is_overdue(t1.deadline)
    assert isinstance(t1.deadline, date)


@pytest.mark.parametrize("how", ["returned", "reopened"])
def test_after_a_failed_check_or_a_reopening_old_evidence_does_not_close_again(world, tasks, how):
    t1, _ = tasks
    ledger.progress_report(actor=world.east_contact, task=t1, text="已全部整改完成", percent=100,
                           files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="完成")
    result = "returned" if how == "returned" else "passed"
    ledger.task_verify(actor=world.east_office, task=t1, method="document", result=result,
                       note="核验佐证材料和印发文件")
    if how == "reopened":
        ledger.task_reopen(actor=world.east_office, task=t1, reason="抽查发现仍未落实")
    with pytest.raises(ValidationFailed, match="新的佐证材料"):
        ledger.task_request_closure(actor=world.east_contact, task=t1, note="再次申请")
    ledger.progress_report(actor=world.east_contact, task=t1, text="补充正式印发文件和现场照片",
                           percent=100, files=[pdf("补充佐证.pdf")])
    t1 = ledger.task_request_closure(actor=world.east_contact, task=t1, note="已补充佐证")
    assert t1.status == TaskStatus.CLOSURE_REQUESTED
