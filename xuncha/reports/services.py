"""Writing and reviewing the inspection report ("改卷子"), and the three-party feedback sign-off.

- A version is drafted by the team and submitted; the first submission moves the inspection to 报告.
- Reviewers (reports.review_report: the office, leadership, the city office for coordinated rounds
  — 双报告) annotate a passage or a problem; the team answers; the reviewer resolves.
- The office director approves a version once no annotation is left unanswered; the inspection
  moves to 反馈 and the feedback list is generated from the approved report.
- The unit's first responsible person, the team leader and the office director sign the list (三方
  签字背书); each signature is bound to the SM3 hash of the list as signed. Any later change to the
  list voids the signatures and says why. The third valid signature moves the inspection to 整改 and
  notifies the unit, the discipline commission and the organisation department.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.accounts.recipients import role_holders_over, unit_people
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem, ProblemState
from xuncha.inspections import services as inspections
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.reports.models import (
    Annotation,
    AnnotationStatus,
    FeedbackList,
    FeedbackSignature,
    ReportStatus,
    ReportVersion,
    SignatoryRole,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def _require_team(actor: User, inspection: Inspection) -> None:
    if inspections.is_team_member(actor, inspection):
        return
    scope.require(actor, "inspections.manage_round", inspection.unit)


def _require_reviewer(actor: User, inspection: Inspection) -> None:
    scope.require(actor, "reports.review_report", inspection.unit)


@transaction.atomic
def report_save_draft(*, actor: User, inspection: Inspection, title: str, body: str,
                      cited_problems: Iterable[Problem] = ()) -> ReportVersion:
    """Saves the team's current draft: edits the open draft, or starts the next version."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_team(actor, inspection)
    if inspection.status not in (InspectionStatus.ON_SITE, InspectionStatus.REPORTING):
        raise Conflict(_("巡察当前状态为“%(s)s”,不能修改报告。") % {"s": inspection.status_label})
    if not title.strip() or len(body.strip()) < 20:
        raise ValidationFailed(_("请填写报告标题和不少于 20 个字的正文。"),
                               details=[{"field": "body", "message": ""}])
    cited = list(cited_problems)
    if any(p.inspection_id != inspection.pk for p in cited):
        raise ValidationFailed(_("只能引用本次巡察的问题。"),
                               details=[{"field": "cited_problems", "message": ""}])
    latest = inspection.report_versions.order_by("-number").first()
    if latest is not None and latest.status == ReportStatus.SUBMITTED:
        raise Conflict(_("第%(n)s稿正在送审,审阅结束前不能修改。") % {"n": latest.number})
    if latest is not None and latest.status == ReportStatus.DRAFT:
        version = latest
        version.title, version.body = title.strip(), body.strip()
        version.save(update_fields=["title", "body", "updated_at"])
    else:
        number = (inspection.report_versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = ReportVersion.objects.create(
            inspection=inspection, number=number, title=title.strip(), body=body.strip(),
            author=actor, to_city=inspection.round.is_coordinated,
        )
    version.cited_problems.set(cited)
    record(actor=actor, action="report.save", obj=version,
           changes={"number": version.number, "cited": len(cited)})
    return version


@transaction.atomic
def report_submit(*, actor: User, version: ReportVersion) -> ReportVersion:
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    inspection = version.inspection
    _require_team(actor, inspection)
    if version.status != ReportStatus.DRAFT:
        raise Conflict(_("只有起草中的报告可以送审。"))
    version.status = ReportStatus.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at", "updated_at"])
    if inspection.status == InspectionStatus.ON_SITE:
        inspections.inspection_start_report(actor=actor, inspection=inspection)
    record(actor=actor, action="report.submit", obj=version, changes={"number": version.number})
    reviewers = _people_with(inspection, ["office_director", "office_staff", "leadership"])
    if version.to_city:
        reviewers += _people_with(inspection, ["city_office"])
    _notify(reviewers, _("巡察报告待审阅:%(i)s") % {"i": inspection},
            link=f"/inspections/{inspection.pk}/report/", key=f"report-submit-{version.pk}")
    return version


@transaction.atomic
def annotation_add(*, actor: User, version: ReportVersion, body: str, quote: str = "",
                   problem: Problem | None = None) -> Annotation:
    _require_reviewer(actor, version.inspection)
    if version.status != ReportStatus.SUBMITTED:
        raise Conflict(_("只能对送审中的报告批注。"))
    if not body.strip():
        raise ValidationFailed(_("请填写批注意见。"), details=[{"field": "body", "message": ""}])
    quote = quote.strip()
    if quote and quote not in version.body:
        raise ValidationFailed(_("批注的原文在本稿中找不到,请从正文中选取。"),
                               details=[{"field": "quote", "message": ""}])
    if problem is not None and problem.inspection_id != version.inspection_id:
        raise ValidationFailed(_("批注的问题不属于本次巡察。"))
    a = Annotation.objects.create(version=version, quote=quote[:500], problem=problem,
                                  body=body.strip(), author=actor)
    record(actor=actor, action="report.annotate", obj=version,
           changes={"annotation": a.pk, "quote": quote[:100]})
    _notify(_people_on_team(version.inspection), _("报告收到批注:%(b)s") % {"b": a.body[:40]},
            link=f"/inspections/{version.inspection_id}/report/", key=f"annotation-{a.pk}")
    return a


@transaction.atomic
def annotation_reply(*, actor: User, annotation: Annotation, reply: str) -> Annotation:
    _require_team(actor, annotation.version.inspection)
    if annotation.status == AnnotationStatus.RESOLVED:
        raise Conflict(_("该批注已解决。"))
    if not reply.strip():
        raise ValidationFailed(_("请填写答复。"), details=[{"field": "reply", "message": ""}])
    annotation.reply = reply.strip()
    annotation.replied_by = actor
    annotation.replied_at = timezone.now()
    annotation.status = AnnotationStatus.ANSWERED
    annotation.save()
    record(actor=actor, action="report.annotation_reply", obj=annotation.version,
           changes={"annotation": annotation.pk})
    return annotation


@transaction.atomic
def annotation_resolve(*, actor: User, annotation: Annotation) -> Annotation:
    inspection = annotation.version.inspection
    reviewer = annotation.author_id == actor.pk or scope.has(actor, "reports.review_report",
                                                              inspection.unit)
    if not (reviewer or inspections.is_team_member(actor, inspection)):
        raise PermissionDenied(_("无权处理该批注。"))
    if not reviewer and annotation.status == AnnotationStatus.OPEN:
        raise Conflict(_("请先答复批注;答复后由审阅人确认解决。"))
    annotation.status = AnnotationStatus.RESOLVED
    annotation.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="report.annotation_resolve", obj=annotation.version,
           changes={"annotation": annotation.pk})
    return annotation


@transaction.atomic
def report_return(*, actor: User, version: ReportVersion, reason: str) -> ReportVersion:
    _require_reviewer(actor, version.inspection)
    if version.status != ReportStatus.SUBMITTED:
        raise Conflict(_("只能退回送审中的报告。"))
    if not reason.strip():
        raise ValidationFailed(_("退回须写明理由。"), details=[{"field": "reason", "message": ""}])
    version.status = ReportStatus.RETURNED
    version.decided_at, version.decided_by = timezone.now(), actor
    version.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    Annotation.objects.create(version=version, body=_("退回修改:") + reason.strip(), author=actor)
    record(actor=actor, action="report.return", obj=version, changes={"reason": reason})
    _notify(_people_on_team(version.inspection), _("巡察报告被退回修改"),
            link=f"/inspections/{version.inspection_id}/report/", key=f"report-return-{version.pk}")
    return version


@transaction.atomic
def report_approve(*, actor: User, version: ReportVersion) -> FeedbackList:
    """审定: the office director approves; unanswered annotations block approval."""
    inspection = version.inspection
    scope.require(actor, "reports.approve_report", inspection.unit)
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportStatus.SUBMITTED:
        raise Conflict(_("只能审定送审中的报告。"))
    open_count = version.annotations.filter(status=AnnotationStatus.OPEN).count()
    if open_count:
        raise Conflict(_("还有 %(n)d 条批注未答复,不能审定。") % {"n": open_count})
    version.status = ReportStatus.APPROVED
    version.decided_at, version.decided_by = timezone.now(), actor
    version.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    inspections.inspection_approve_report(actor=actor, inspection=inspection)
    record(actor=actor, action="report.approve", obj=version, changes={"number": version.number})
    return _feedback_generate(actor, inspection, version)


# --- Feedback -------------------------------------------------------------------------------------

def _feedback_problems(inspection: Inspection, report: ReportVersion) -> list[Problem]:
    """Every active problem of the inspection is fed back; the report's citations only shape its
    text. (A problem left out of the list would be one the unit never claims.)"""
    return list(inspection.problems.filter(state=ProblemState.ACTIVE)
                .select_related("category").order_by("number"))


def _items(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [{"id": p.pk, "number": p.number, "category": str(p.category), "title": p.title,
             "facts": p.facts, "severity": p.get_severity_display()} for p in problems]


def content_hash(items: list[dict[str, Any]]) -> str:
    return sm3_hex(json.dumps(items, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode())


def _feedback_generate(actor: User, inspection: Inspection, report: ReportVersion) -> FeedbackList:
    items = _items(_feedback_problems(inspection, report))
    fb, created = FeedbackList.objects.update_or_create(
        inspection=inspection,
        defaults={"report": report, "items": items, "content_hash": content_hash(items),
                  "generated_at": timezone.now(), "completed_at": None},
    )
    if not created:
        _void_signatures(fb, _("反馈清单已按新审定的报告重新生成"))
    record(actor=actor, action="feedback.generate", obj=fb,
           changes={"items": len(items), "hash": fb.content_hash})
    return fb


def _void_signatures(fb: FeedbackList, reason: str) -> int:
    return fb.signatures.filter(voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason[:200]
    )


@transaction.atomic
def feedback_refresh(*, actor: User, inspection: Inspection) -> FeedbackList | None:
    """Brings the list in line with its problems; if anything changed, the signatures are void."""
    fb = FeedbackList.objects.select_for_update().filter(inspection=inspection).first()
    if fb is None or fb.completed_at is not None:
        return fb
    ids = [i["id"] for i in fb.items]
    problems = list(Problem.objects.filter(pk__in=ids, state=ProblemState.ACTIVE)
                    .select_related("category").order_by("number"))
    # Problems added since generation join the list too.
    problems += list(inspection.problems.filter(state=ProblemState.ACTIVE)
                     .exclude(pk__in=ids).select_related("category").order_by("number"))
    items = _items(sorted(problems, key=lambda p: p.number))
    new_hash = content_hash(items)
    if new_hash == fb.content_hash:
        return fb
    fb.items, fb.content_hash, fb.generated_at = items, new_hash, timezone.now()
    fb.version += 1
    fb.save(update_fields=["items", "content_hash", "generated_at", "version", "updated_at"])
    voided = _void_signatures(fb, _("签字后问题清单被修改,签字作废,须重新签字"))
    record(actor=actor, action="feedback.changed", obj=fb,
           changes={"hash": new_hash, "voided_signatures": voided})
    return fb


def signatory_role_of(actor: User, inspection: Inspection) -> str | None:
    """Which of the three parties the actor signs for, if any."""
    if inspections.is_team_member(actor, inspection, leader=True):
        return SignatoryRole.TEAM_LEADER
    if not scope.has(actor, "reports.sign_feedback", inspection.unit):
        return None
    codes = set(actor.assignments.values_list("role__code", flat=True))
    if "office_director" in codes:
        return SignatoryRole.OFFICE_DIRECTOR
    if "unit_head" in codes and actor.unit_id == inspection.unit_id:
        return SignatoryRole.UNIT_HEAD
    return None


@transaction.atomic
def feedback_sign(*, actor: User, feedback: FeedbackList, expected_hash: str) -> FeedbackSignature:
    """Signs the list as displayed; ``expected_hash`` is the hash the signer saw, so a list changed
    between display and signing is refused instead of signed blindly."""
    fb = FeedbackList.objects.select_for_update().get(pk=feedback.pk)
    inspection = fb.inspection
    if inspection.status != InspectionStatus.FEEDBACK:
        raise Conflict(_("巡察当前状态为“%(s)s”,不能签字。") % {"s": inspection.status_label})
    role = signatory_role_of(actor, inspection)
    if role is None:
        raise PermissionDenied(_("只有被巡察党组织主要负责人、巡察组组长和巡察办主任可以签字。"))
    if expected_hash != fb.content_hash:
        raise Conflict(_("问题清单已变更,请刷新后核对最新清单再签字。"))
    if fb.signatures.filter(role=role, voided_at__isnull=True).exists():
        raise Conflict(_("%(r)s已签字。") % {"r": SignatoryRole(role).label})
    sig = FeedbackSignature.objects.create(feedback=fb, role=role, signer=actor,
                                           signed_hash=fb.content_hash, signed_at=timezone.now())
    record(actor=actor, action="feedback.sign", obj=fb,
           changes={"role": role, "hash": fb.content_hash})
    valid_roles = set(fb.signatures.filter(voided_at__isnull=True, signed_hash=fb.content_hash)
                      .values_list("role", flat=True))
    if valid_roles == set(SignatoryRole.values):
        fb.completed_at = timezone.now()
        fb.save(update_fields=["completed_at", "updated_at"])
        inspections.inspection_start_rectification(actor=actor, inspection=inspection)
        recipients = (_people_in_unit(inspection) +
                      _people_with(inspection, ["discipline_handler", "organisation_dept"]))
        _notify(recipients, _("巡察反馈问题清单已三方签字,请启动整改:%(u)s") % {"u": inspection.unit},
                link=f"/inspections/{inspection.pk}/feedback/", key=f"feedback-done-{fb.pk}",
                category="task")
    return sig


# --- Recipients -----------------------------------------------------------------------------------

def _people_with(inspection: Inspection, role_codes: list[str]) -> list[Any]:
    return role_holders_over(inspection.unit, role_codes)


def _people_in_unit(inspection: Inspection) -> list[Any]:
    return unit_people(inspection.unit, ["unit_head", "unit_contact"])


def _people_on_team(inspection: Inspection) -> list[Any]:
    return [m.user for m in inspection.team.members.select_related("user")]


def _notify(users: list[Any], title: str, *, link: str, key: str, category: str = "task") -> None:
    from xuncha.notifications.services import notify

    transaction.on_commit(lambda: notify(recipients=users, title=title, link=link,
                                         dedupe_key=key, category=category))
