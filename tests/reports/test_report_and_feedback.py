"""Report review ("改卷子") and the three-party feedback sign-off bound to the list's hash."""

from __future__ import annotations

import pytest

from tests.inspections.helpers import add_problems, on_site_inspection
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.services import problem_update
from xuncha.inspections.models import InspectionStatus
from xuncha.notifications.models import Notification
from xuncha.reports import services
from xuncha.reports.models import AnnotationStatus, FeedbackSignature, ReportStatus

BODY = ("# 一、基本情况\n\n第一巡察组于2024年3月进驻青石镇。\n\n# 二、发现的问题\n\n"
        "- 党支部组织生活不规范\n- 发展党员程序不严格")


@pytest.fixture
def submitted(world, django_capture_on_commit_callbacks):
    insp = on_site_inspection(world)
    problems = add_problems(world, insp)
    with django_capture_on_commit_callbacks(execute=True):
        v = services.report_save_draft(actor=world.east_leader, inspection=insp,
                                       title="关于巡察青石镇党委的情况报告", body=BODY,
                                       cited_problems=problems)
        v = services.report_submit(actor=world.east_leader, version=v)
    return insp, v, problems


def test_submitting_moves_the_inspection_to_reporting_and_notifies_reviewers(world, submitted):
    insp, v, _ = submitted
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.REPORTING
    assert v.status == ReportStatus.SUBMITTED
    assert Notification.objects.filter(recipient=world.east_director).exists()


def test_annotation_must_quote_the_text_and_blocks_approval_until_answered(world, submitted):
    insp, v, _problems = submitted
    with pytest.raises(ValidationFailed, match="找不到"):
        services.annotation_add(actor=world.east_director, version=v, body="写实",
                                quote="不存在的原文")
    a = services.annotation_add(actor=world.east_leadership, version=v,
                                body="把具体问题写实", quote="党支部组织生活不规范")
    with pytest.raises(Conflict, match="未答复"):
        services.report_approve(actor=world.east_director, version=v)
    services.annotation_reply(actor=world.east_leader, annotation=a,
                              reply="已补充具体时间和次数")
    a.refresh_from_db()
    assert a.status == AnnotationStatus.ANSWERED
    fb = services.report_approve(actor=world.east_director, version=v)
    assert [i["number"] for i in fb.items] == [1, 2]
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.FEEDBACK


def test_only_reviewers_annotate_and_only_the_director_approves(world, submitted):
    _, v, _ = submitted
    with pytest.raises(PermissionDenied):
        services.annotation_add(actor=world.east_contact, version=v, body="x")
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=world.east_office, version=v)


def test_returned_report_gets_a_new_version(world, submitted):
    insp, v, _ = submitted
    services.report_return(actor=world.east_director, version=v, reason="问题不够具体")
    v2 = services.report_save_draft(actor=world.east_leader, inspection=insp,
                                    title="关于巡察青石镇党委的情况报告(修改稿)", body=BODY + "\n补充")
    assert v2.number == 2


def sign_all(world, fb):
    for who in ("east_head", "east_leader", "east_director"):
        fb.refresh_from_db()
        services.feedback_sign(actor=world.users[who], feedback=fb, expected_hash=fb.content_hash)


def test_three_signatures_move_the_inspection_to_rectification(world, submitted,
                                                              django_capture_on_commit_callbacks):
    insp, v, _ = submitted
    fb = services.report_approve(actor=world.east_director, version=v)
    with django_capture_on_commit_callbacks(execute=True):
        sign_all(world, fb)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.RECTIFYING
    assert Notification.objects.filter(recipient=world.east_jiwei,
                                       title__contains="三方签字").exists()
    assert Notification.objects.filter(recipient=world.east_contact).exists()


def test_a_change_to_the_list_voids_the_signatures_and_says_so(world, submitted):
    _insp, v, problems = submitted
    fb = services.report_approve(actor=world.east_director, version=v)
    services.feedback_sign(actor=world.east_head, feedback=fb, expected_hash=fb.content_hash)
    old_hash = fb.content_hash
    problem_update(actor=world.east_leader, problem=problems[0], expected_version=1,
                   title="党支部组织生活会流于形式")
    fb.refresh_from_db()
    assert fb.content_hash != old_hash
    sig = FeedbackSignature.objects.get(feedback=fb)
    assert sig.voided_at is not None and "作废" in sig.void_reason
    with pytest.raises(Conflict, match="已变更"):
        services.feedback_sign(actor=world.east_leader, feedback=fb, expected_hash=old_hash)


def test_signing_is_refused_to_anyone_but_the_three_parties(world, submitted):
    _, v, _ = submitted
    fb = services.report_approve(actor=world.east_director, version=v)
    for who in ("east_member", "east_contact", "west_director", "east_office"):
        with pytest.raises(PermissionDenied):
            services.feedback_sign(actor=world.users[who], feedback=fb,
                                   expected_hash=fb.content_hash)
    services.feedback_sign(actor=world.east_head, feedback=fb, expected_hash=fb.content_hash)
    with pytest.raises(Conflict, match="已签字"):
        services.feedback_sign(actor=world.east_head, feedback=fb, expected_hash=fb.content_hash)
