"""The rectification report (整改报告) at the end of the concentrated period.

The ledger part is compiled by the system (no figure typed twice); the unit writes its account and
the first responsible person's account of their own role (巡视工作条例 art. 27: within 2 months of
feedback). The discipline commission and the organisation department sign off, each signature bound
to the SM3 hash of the content; a change voids the signatures. With both, the report goes to the
office, which receives it. A public version (整改情况公开) leaves out everything confidential.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.dashboards import figures
from xuncha.findings.models import Problem, ProblemState
from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution
from xuncha.rectification.models import (
    PlanStatus,
    RectificationPlan,
    RectificationReport,
    RectReportStatus,
    ReportSignoff,
    SignoffBody,
    TaskStatus,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def compile_ledger(plan: RectificationPlan) -> dict[str, Any]:
    problems = Problem.objects.filter(inspection=plan.inspection)
    rate = figures.rectification_rate(problems)
    tasks = plan.tasks.select_related("problem").order_by("problem__number", "number")
    by_status = dict(plan.tasks.values_list("status").annotate(n=Count("id")))
    return {
        "rate": rate.as_dict(),
        "tasks_by_status": {s: by_status.get(s, 0) for s in TaskStatus.values},
        "overdue": figures.overdue(plan.tasks.all()).count(),
        "institutions": Institution.objects.filter(problems__inspection=plan.inspection)
        .distinct().count(),
        "funds_yuan": str(sum((f.amount for f in FundsRecovery.objects.filter(
            problem__inspection=plan.inspection)), start=0)),
        "accountability": AccountabilityRecord.objects.filter(
            problem__inspection=plan.inspection).count(),
        "items": [{"problem": t.problem.number, "title": t.problem.title, "task": t.number,
                   "measure": t.measure, "status": t.get_status_display(),
                   "progress": t.progress} for t in tasks],
    }


def public_summary(plan: RectificationPlan) -> str:
    """A starting text for 整改情况公开: problem titles and their state, no names, no leads."""
    lines = [_("%(u)s巡察整改进展情况") % {"u": plan.unit.name}, ""]
    done = set(figures.rectified(Problem.objects.filter(inspection=plan.inspection))
               .values_list("pk", flat=True))
    for p in Problem.objects.filter(inspection=plan.inspection, state=ProblemState.ACTIVE) \
            .order_by("number"):
        state = _("已完成整改") if p.pk in done else _("正在整改")
        lines.append(f"{p.number}. {p.category.name}:{p.title}——{state}")
    return "\n".join(lines)


def _hash(report: RectificationReport) -> str:
    payload = {"unit_text": report.unit_text, "head_text": report.head_text,
               "compiled": report.compiled}
    return sm3_hex(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode())


@transaction.atomic
def rect_report_save(*, actor: User, plan: RectificationPlan, unit_text: str, head_text: str,
                     public_text: str = "") -> RectificationReport:
    scope.require(actor, "rectification.edit_plan", plan.unit)
    if plan.status != PlanStatus.APPROVED:
        raise Conflict(_("整改方案审定后才能起草整改报告。"))
    errors = []
    if len(unit_text.strip()) < 20:
        errors.append({"field": "unit_text", "message": _("请写明整改工作情况(不少于 20 字)。")})
    if len(head_text.strip()) < 20:
        errors.append({"field": "head_text",
                       "message": _("请写明主要负责人履行第一责任人职责情况(不少于 20 字)。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    report = RectificationReport.objects.select_for_update().filter(plan=plan).first()
    if report is not None and report.status in (RectReportStatus.SUBMITTED,
                                                RectReportStatus.RECEIVED):
        raise Conflict(_("整改报告已报送,不能再修改。"))
    if report is None:
        report = RectificationReport(plan=plan)
    report.unit_text, report.head_text = unit_text.strip(), head_text.strip()
    report.public_text = public_text.strip() or report.public_text or public_summary(plan)
    report.compiled = compile_ledger(plan)
    new_hash = _hash(report)
    changed = report.pk is not None and new_hash != report.content_hash
    report.content_hash = new_hash
    report.save()
    if changed:
        voided = report.signoffs.filter(voided_at__isnull=True).update(
            voided_at=timezone.now(), void_reason=_("报告内容在会签后被修改,会签作废"))
        if voided:
            record(actor=actor, action="rect_report.signoffs_voided", obj=report,
                   changes={"voided": voided})
    record(actor=actor, action="rect_report.save", obj=report, changes={"hash": new_hash})
    return report


@transaction.atomic
def rect_report_send_for_signoff(*, actor: User, report: RectificationReport) -> None:
    scope.require(actor, "rectification.edit_plan", report.plan.unit)
    if report.status != RectReportStatus.DRAFT:
        raise Conflict(_("整改报告已送会签。"))
    report.status = RectReportStatus.SIGNING
    report.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="rect_report.send_for_signoff", obj=report)


def signoff_body_of(actor: User, report: RectificationReport) -> str | None:
    if not scope.has(actor, "rectification.review_plan", report.plan.unit):
        return None
    codes = set(actor.assignments.values_list("role__code", flat=True))
    if "discipline_handler" in codes:
        return SignoffBody.DISCIPLINE
    if "organisation_dept" in codes:
        return SignoffBody.ORGANISATION
    return None


@transaction.atomic
def rect_report_signoff(*, actor: User, report: RectificationReport, expected_hash: str,
                        opinion: str = "") -> ReportSignoff:
    report = RectificationReport.objects.select_for_update().get(pk=report.pk)
    body = signoff_body_of(actor, report)
    if body is None:
        raise PermissionDenied(_("整改报告由纪委监委和组织部会签。"))
    if report.status != RectReportStatus.SIGNING:
        raise Conflict(_("整改报告不在会签中。"))
    if expected_hash != report.content_hash:
        raise Conflict(_("整改报告内容已变更,请刷新后核对最新内容再会签。"))
    if report.signoffs.filter(body=body, voided_at__isnull=True).exists():
        raise Conflict(_("%(b)s已会签。") % {"b": SignoffBody(body).label})
    s = ReportSignoff.objects.create(report=report, body=body, signer=actor,
                                     signed_hash=report.content_hash, opinion=opinion.strip())
    record(actor=actor, action="rect_report.signoff", obj=report,
           changes={"body": body, "hash": report.content_hash})
    valid = set(report.signoffs.filter(voided_at__isnull=True, signed_hash=report.content_hash)
                .values_list("body", flat=True))
    if valid == set(SignoffBody.values):
        report.status = RectReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.save(update_fields=["status", "submitted_at", "updated_at"])
        record(actor=actor, action="rect_report.submit", obj=report)
    return s


@transaction.atomic
def rect_report_receive(*, actor: User, report: RectificationReport) -> RectificationReport:
    scope.require(actor, "rectification.verify_closure", report.plan.unit)
    report = RectificationReport.objects.select_for_update().get(pk=report.pk)
    if report.status != RectReportStatus.SUBMITTED:
        raise Conflict(_("整改报告尚未完成会签报送。"))
    report.status = RectReportStatus.RECEIVED
    report.received_by, report.received_at = actor, timezone.now()
    report.save(update_fields=["status", "received_by", "received_at", "updated_at"])
    record(actor=actor, action="rect_report.receive", obj=report)
    return report
