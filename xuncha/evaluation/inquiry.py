"""Inquiry meetings (质询会): who reported, what was asked — e.g. "这条线索处理了直接责任人,对负有
领导责任人员进行了责任倒查了么?" — the answers, and follow-up actions that go into the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.core.errors import ValidationFailed
from xuncha.evaluation.models import InquiryMeeting, InquiryQuestion
from xuncha.findings.models import Problem, ProblemCategory, ProblemOrigin

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit


@transaction.atomic
def meeting_record(*, actor: User, committee: Unit, held_on: date, title: str,
                   reporting_units: Iterable[Unit]) -> InquiryMeeting:
    scope.require(actor, "evaluation.manage_evaluation", committee)
    units = list(reporting_units)
    if not title.strip() or not units:
        raise ValidationFailed(_("请填写会议名称和汇报单位。"),
                               details=[{"field": "reporting_units", "message": ""}])
    if any(not u.path.startswith(committee.path) for u in units):
        raise ValidationFailed(_("汇报单位须在本级党委管辖范围内。"))
    m = InquiryMeeting.objects.create(committee=committee, held_on=held_on, title=title.strip(),
                                      recorded_by=actor)
    m.reporting_units.set(units)
    record(actor=actor, action="inquiry.record", obj=m, changes={"units": len(units)})
    return m


@transaction.atomic
def question_add(*, actor: User, meeting: InquiryMeeting, asked_by: str, respondent: str,
                 question: str, answer: str = "") -> InquiryQuestion:
    scope.require(actor, "evaluation.manage_evaluation", meeting.committee)
    if not question.strip() or not asked_by.strip() or not respondent.strip():
        raise ValidationFailed(_("请填写提问人、答复人和质询问题。"),
                               details=[{"field": "question", "message": ""}])
    q = InquiryQuestion.objects.create(meeting=meeting, asked_by=asked_by.strip(),
                                       respondent=respondent.strip(), question=question.strip(),
                                       answer=answer.strip())
    record(actor=actor, action="inquiry.question", obj=meeting)
    return q


@transaction.atomic
def follow_up(*, actor: User, meeting: InquiryMeeting, unit: Unit, category: ProblemCategory,
              title: str, facts: str, deadline_days: int = 30) -> Problem:
    """A follow-up action with a deadline, put into the unit's ledger."""
    from xuncha.evaluation.services import feed_back_finding

    scope.require(actor, "evaluation.manage_evaluation", meeting.committee)
    if not meeting.reporting_units.filter(pk=unit.pk).exists():
        raise ValidationFailed(_("后续整改事项须交给参加质询的汇报单位。"),
                               details=[{"field": "unit", "message": ""}])
    return feed_back_finding(actor=actor, unit=unit, category=category, title=title, facts=facts,
                             deadline_days=deadline_days, source=f"inquiry:{meeting.pk}",
                             origin=ProblemOrigin.INQUIRY)
