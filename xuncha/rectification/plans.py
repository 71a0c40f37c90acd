"""The rectification plan (整改方案) and its review under "三不过".

- After the three-party feedback, the unit (rectification.edit_plan over the unit) opens its plan:
  the first responsible person, the rectification group, the concentrated period (default: the
  committee's rules, 3 months from feedback).
- It claims every fed-back problem by giving it at least one task, adds its own problems, and must
  cover the common problems the office pushed to it.
- "三不过" (a plan does not pass if its direction is unclear, a task is missing, or a measure is not
  specific) is checked automatically before submission and shown item by item.
- The office, the discipline commission and the organisation department approve or return it with
  reasons per criterion; every submission is kept so versions can be compared; when every required
  body has approved the same version, its tasks are the ledger.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from xuncha.accounts import scope
from xuncha.accounts.recipients import role_holders_over, unit_people
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import diff, record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem, ProblemCategory, ProblemOrigin, ProblemState
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.organisations.rules import rules_for
from xuncha.rectification.measures import check_measure
from xuncha.rectification.models import (
    MeasureKind,
    PlanReview,
    PlanSnapshot,
    PlanStatus,
    RectificationPlan,
    RectificationTask,
    ReviewBody,
    ReviewDecision,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User

EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
TASK_FIELDS = ("measure", "kind", "deadline", "responsible_leader", "responsible_person",
               "responsible_department", "expected_evidence", "responsible_user")


def require_unit_editor(actor: User, plan: RectificationPlan) -> None:
    scope.require(actor, "rectification.edit_plan", plan.unit)


def _require_editable(plan: RectificationPlan) -> None:
    if plan.status not in EDITABLE:
        raise Conflict(_("整改方案当前为“%(s)s”,不能修改。") % {"s": plan.get_status_display()})


@transaction.atomic
def plan_open(*, actor: User, inspection: Inspection, first_responsible: User,
              group_leader: str, group_members: str = "", guiding_text: str = "",
              period_end: date | None = None) -> RectificationPlan:
    """Opens the unit's plan once the feedback is signed (the inspection is in 整改)."""
    scope.require(actor, "rectification.edit_plan", inspection.unit)
    if inspection.status != InspectionStatus.RECTIFYING:
        raise Conflict(_("反馈问题清单三方签字后才能编制整改方案。"))
    if hasattr(inspection, "plan"):
        raise Conflict(_("本单位的整改方案已经建立。"))
    if first_responsible.unit_id != inspection.unit_id:
        raise ValidationFailed(_("第一责任人应为本单位党组织主要负责人。"),
                               details=[{"field": "first_responsible", "message": ""}])
    start = timezone.localdate(inspection.rectification_started_at or timezone.now())
    default_end = start + relativedelta(months=rules_for(inspection.unit).concentrated_months)
    end = period_end or default_end
    if end <= start or end > default_end:
        raise ValidationFailed(
            _("集中整改期须在 %(a)s 至 %(b)s 之间。") % {"a": start, "b": default_end},
            details=[{"field": "period_end", "message": ""}])
    plan = RectificationPlan.objects.create(
        inspection=inspection, unit=inspection.unit, first_responsible=first_responsible,
        group_leader=group_leader.strip(), group_members=group_members.strip(),
        guiding_text=guiding_text.strip(), period_start=start, period_end=end,
    )
    record(actor=actor, action="plan.open", obj=plan,
           changes={"period": [str(start), str(end)]})
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: RectificationPlan, expected_version: int,
                **fields: Any) -> RectificationPlan:
    allowed = {"first_responsible", "group_leader", "group_members", "guiding_text", "period_end"}
    if set(fields) - allowed:
        raise ValueError("unknown fields")
    require_unit_editor(actor, plan)
    _require_editable(plan)
    before = {f: str(getattr(plan, f)) for f in allowed}
    for f, v in fields.items():
        setattr(plan, f, v.strip() if isinstance(v, str) else v)
    default_end = plan.period_start + relativedelta(
        months=rules_for(plan.unit).concentrated_months)
    if not plan.period_start < plan.period_end <= default_end:
        raise ValidationFailed(
            _("集中整改期须在 %(a)s 至 %(b)s 之间。") % {"a": plan.period_start, "b": default_end},
            details=[{"field": "period_end", "message": ""}])
    plan.save_versioned(expected_version=expected_version, update_fields=list(fields))
    record(actor=actor, action="plan.update", obj=plan,
           changes=diff(before, {f: str(getattr(plan, f)) for f in allowed}))
    return plan


def _clean_task_fields(plan: RectificationPlan, values: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "kind" in out and out["kind"] not in MeasureKind.values:
        raise ValidationFailed(_("整改类型无效。"), details=[{"field": "kind", "message": ""}])
    user = out.get("responsible_user")
    if user is not None and user.unit_id != plan.unit_id and not user.unit.path.startswith(
            plan.unit.path):
        raise ValidationFailed(_("责任人账号须属于本单位或其下级单位。"),
                               details=[{"field": "responsible_user", "message": ""}])
    return out


@transaction.atomic
def task_add(*, actor: User, plan: RectificationPlan, problem: Problem,
             **fields: Any) -> RectificationTask:
    """Claims ``problem`` with a task (认领); the "三不过" check judges its content at submission."""
    require_unit_editor(actor, plan)
    _require_editable(plan)
    if problem.inspection_id != plan.inspection_id or problem.state != ProblemState.ACTIVE:
        raise ValidationFailed(_("只能认领本次巡察反馈的有效问题。"),
                               details=[{"field": "problem", "message": ""}])
    if set(fields) - set(TASK_FIELDS):
        raise ValueError("unknown fields")
    values = _clean_task_fields(plan, fields)
    number = (RectificationTask.objects.filter(plan=plan).aggregate(m=Max("number"))["m"] or 0) + 1
    task = RectificationTask.objects.create(plan=plan, problem=problem, unit=plan.unit,
                                            county_id=plan.unit.county_id, number=number,
                                            **{"measure": "", **values})
    record(actor=actor, action="task.add", obj=task,
           changes={"problem": problem.number, "measure": task.measure[:100]})
    return task


@transaction.atomic
def task_update(*, actor: User, task: RectificationTask, expected_version: int,
                **fields: Any) -> RectificationTask:
    if set(fields) - set(TASK_FIELDS):
        raise ValueError("unknown fields")
    require_unit_editor(actor, task.plan)
    _require_editable(task.plan)
    values = _clean_task_fields(task.plan, fields)
    before = {f: str(getattr(task, f)) for f in values}
    for f, v in values.items():
        setattr(task, f, v)
    task.save_versioned(expected_version=expected_version, update_fields=list(values))
    record(actor=actor, action="task.update", obj=task,
           changes=diff(before, {f: str(getattr(task, f)) for f in values}))
    return task


@transaction.atomic
def task_remove(*, actor: User, task: RectificationTask) -> None:
    require_unit_editor(actor, task.plan)
    _require_editable(task.plan)
    record(actor=actor, action="task.remove", obj=task, changes={"measure": task.measure[:100]})
    task.delete()


@transaction.atomic
def plan_add_own_problem(*, actor: User, plan: RectificationPlan, category: ProblemCategory,
                         title: str, facts: str) -> Problem:
    """The unit adds a problem it found itself (自查发现) to its plan."""
    require_unit_editor(actor, plan)
    _require_editable(plan)
    if not title.strip() or len(facts.strip()) < 10 or category.parent_id is None:
        raise ValidationFailed(_("请选择二级问题类别,填写问题概述和不少于 10 个字的具体事实。"),
                               details=[{"field": "facts", "message": ""}])
    number = (Problem.objects.filter(inspection=plan.inspection).aggregate(m=Max("number"))["m"]
              or 0) + 1
    problem = Problem.objects.create(
        inspection=plan.inspection, unit=plan.unit, county_id=plan.unit.county_id, number=number,
        category=category, title=title.strip(), facts=facts.strip(), origin=ProblemOrigin.SELF,
        created_by=actor)
    record(actor=actor, action="problem.self_found", obj=problem, changes={"number": number})
    return problem


@transaction.atomic
def problem_push(*, actor: User, inspection: Inspection, category: ProblemCategory, title: str,
                 facts: str, origin: str = ProblemOrigin.PUSHED) -> Problem:
    """The office pushes a common problem (or a new higher-level requirement) into a unit's
    rectification; the unit's plan must then cover it."""
    scope.require(actor, "inspections.manage_round", inspection.unit)
    if origin not in (ProblemOrigin.PUSHED, ProblemOrigin.REQUIREMENT):
        raise ValueError("origin")
    if not inspection.reached(InspectionStatus.RECTIFYING):
        raise Conflict(_("只能向已进入整改的单位推送问题。"))
    number = (Problem.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"]
              or 0) + 1
    problem = Problem.objects.create(
        inspection=inspection, unit=inspection.unit, county_id=inspection.unit.county_id,
        number=number, category=category, title=title.strip(), facts=facts.strip(),
        origin=origin, is_common=origin == ProblemOrigin.PUSHED, created_by=actor)
    record(actor=actor, action="problem.push", obj=problem, changes={"number": number})
    return problem


# --- "三不过" -------------------------------------------------------------------------------------

DIRECTION = "direction_unclear"
MISSING = "missing_items"
VAGUE = "vague_measures"
CRITERIA = {DIRECTION: "方向不明确", MISSING: "任务有漏项", VAGUE: "措施不具体"}


@dataclass(frozen=True)
class CheckIssue:
    criterion: str
    message: str
    problem_number: int | None = None
    task_number: int | None = None

    @property
    def criterion_label(self) -> str:
        return CRITERIA[self.criterion]


def plan_problems(plan: RectificationPlan) -> list[Problem]:
    """The problems the plan must cover: fed back, pushed, new requirements, self-found."""
    return list(Problem.objects.filter(inspection=plan.inspection, state=ProblemState.ACTIVE)
                .select_related("category").order_by("number"))


def plan_check(plan: RectificationPlan) -> list[CheckIssue]:
    """The automatic "三不过" check, item by item, in problem order."""
    from xuncha.outcomes.models import AccountabilityRecord

    issues: list[CheckIssue] = []
    if not plan.first_responsible_id:
        issues.append(CheckIssue(DIRECTION, _("未明确第一责任人。")))
    tasks = list(plan.tasks.all().order_by("number"))
    by_problem: dict[int, list[RectificationTask]] = {}
    for t in tasks:
        by_problem.setdefault(t.problem_id, []).append(t)
    for p in plan_problems(plan):
        mine = by_problem.get(p.pk, [])
        if not mine:
            label = {ProblemOrigin.PUSHED: _("推送的共性问题"),
                     ProblemOrigin.REQUIREMENT: _("上级新要求")}.get(p.origin, _("反馈问题"))
            issues.append(CheckIssue(MISSING, _("%(l)s第 %(n)s 条“%(t)s”没有整改任务(漏项)。")
                                     % {"l": label, "n": p.number, "t": p.title}, p.number))
            continue
        if p.names_people and not AccountabilityRecord.objects.filter(problem=p).exists() and \
                not any("问责" in t.measure or "追责" in t.measure for t in mine):
            issues.append(CheckIssue(DIRECTION, _("第 %(n)s 条问题涉及具体人员,方案未明确问责措施。")
                                     % {"n": p.number}, p.number))
    for t in tasks:
        where = {"problem_number": t.problem.number, "task_number": t.number}
        prefix = _("第 %(p)s 条问题的任务 %(t)s:") % {"p": t.problem.number, "t": t.number}
        missing = [label for value, label in ((t.deadline, _("完成时限")),
                                              (t.responsible_leader, _("责任领导")),
                                              (t.responsible_person, _("具体责任人"))) if not value]
        if missing:
            issues.append(CheckIssue(MISSING, prefix + _("缺少%(m)s。") % {"m": "、".join(missing)},
                                     **where))
        if t.deadline and t.kind != MeasureKind.STANDING and not (
                plan.period_start <= t.deadline <= plan.period_end):
            issues.append(CheckIssue(
                DIRECTION, prefix + _("完成时限 %(d)s 超出集中整改期(%(a)s 至 %(b)s)。")
                % {"d": t.deadline, "a": plan.period_start, "b": plan.period_end}, **where))
        verdict = check_measure(t.measure)
        if not verdict.specific:
            issues.append(CheckIssue(VAGUE, prefix + _("整改措施不具体:%(r)s。") % {"r": verdict.reason},
                                     **where))
    return issues


def _snapshot_content(plan: RectificationPlan) -> dict[str, Any]:
    return {
        "first_responsible": plan.first_responsible.name,
        "group_leader": plan.group_leader, "group_members": plan.group_members,
        "guiding_text": plan.guiding_text,
        "period": [str(plan.period_start), str(plan.period_end)],
        "tasks": [
            {"problem": t.problem.number, "problem_title": t.problem.title, "number": t.number,
             "measure": t.measure, "kind": t.get_kind_display(), "deadline": str(t.deadline or ""),
             "leader": t.responsible_leader, "person": t.responsible_person,
             "department": t.responsible_department, "evidence": t.expected_evidence}
            for t in plan.tasks.select_related("problem").order_by("problem__number", "number")
        ],
    }


@transaction.atomic
def plan_submit(*, actor: User, plan: RectificationPlan) -> PlanSnapshot:
    """Submits for review; refused with every "三不过" finding listed while any remains."""
    plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
    require_unit_editor(actor, plan)
    if not can_proceed(plan.submit):
        raise Conflict(_("整改方案当前为“%(s)s”,不能报送。") % {"s": plan.get_status_display()})
    issues = plan_check(plan)
    if issues:
        raise ValidationFailed(
            _("整改方案未通过“三不过”检查,共 %(n)d 处需修改。") % {"n": len(issues)},
            code="plan_check_failed",
            details=[{"field": i.criterion, "criterion": i.criterion_label, "message": i.message,
                      "problem": i.problem_number, "task": i.task_number} for i in issues])
    content = _snapshot_content(plan)
    number = plan.submitted_count + 1
    snap = PlanSnapshot.objects.create(
        plan=plan, number=number, content=content, submitted_by=actor,
        content_hash=sm3_hex(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()))
    plan.submit()
    plan.version += 1
    plan.save()
    record(actor=actor, action="plan.submit", obj=plan,
           changes={"version": number, "tasks": len(content["tasks"])})
    _notify_reviewers(plan, _("整改方案待审核:%(u)s(第%(n)s版)") % {"u": plan.unit, "n": number},
                      f"plan-submit-{snap.pk}")
    return snap


def reviewer_body(actor: User, plan: RectificationPlan) -> str | None:
    """Which body the actor reviews for: the office, the discipline commission, the organisation
    department — by the role through which they hold rectification.review_plan over the unit."""
    if not scope.has(actor, "rectification.review_plan", plan.unit):
        return None
    codes = set(actor.assignments.values_list("role__code", flat=True))
    if codes & {"office_director", "office_staff"}:
        return ReviewBody.OFFICE
    if "discipline_handler" in codes:
        return ReviewBody.DISCIPLINE
    if "organisation_dept" in codes:
        return ReviewBody.ORGANISATION
    return None


@transaction.atomic
def plan_review(*, actor: User, plan: RectificationPlan, decision: str,
                direction_unclear: str = "", missing_items: str = "", vague_measures: str = "",
                comment: str = "") -> PlanReview:
    plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
    body = reviewer_body(actor, plan)
    if body is None:
        raise PermissionDenied(_("只有巡察办、纪委监委和组织部可以审核整改方案。"))
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(_("整改方案当前为“%(s)s”,不在审核中。") % {"s": plan.get_status_display()})
    if decision not in ReviewDecision.values:
        raise ValidationFailed(_("审核意见无效。"), details=[{"field": "decision", "message": ""}])
    reasons = {DIRECTION: direction_unclear.strip(), MISSING: missing_items.strip(),
               VAGUE: vague_measures.strip()}
    if decision == ReviewDecision.RETURN and not any(reasons.values()):
        raise ValidationFailed(_("退回须按“方向不明确、任务有漏项、措施不具体”写明理由。"),
                               details=[{"field": k, "message": ""} for k in reasons])
    snap = plan.snapshots.order_by("-number").first()
    assert snap is not None
    if snap.reviews.filter(body=body).exists():
        raise Conflict(_("%(b)s已对第%(n)s版提出意见。") % {"b": ReviewBody(body).label,
                                                          "n": snap.number})
    review = PlanReview.objects.create(snapshot=snap, body=body, reviewer=actor,
                                       decision=decision, comment=comment.strip(), **reasons)
    record(actor=actor, action="plan.review", obj=plan,
           changes={"body": body, "decision": decision, "version": snap.number, **reasons})
    if decision == ReviewDecision.RETURN:
        plan.send_back()
        plan.version += 1
        plan.save()
        _notify_unit(plan, _("整改方案被%(b)s退回修改") % {"b": ReviewBody(body).label},
                     f"plan-return-{review.pk}")
    else:
        required = {b.strip() for b in rules_for(plan.unit).plan_reviewers.split(",") if b.strip()}
        approved = set(snap.reviews.filter(decision=ReviewDecision.APPROVE)
                       .values_list("body", flat=True))
        if required <= approved:
            plan.approve()
            plan.version += 1
            plan.save()
            record(actor=actor, action="plan.approve", obj=plan, changes={"version": snap.number})
            _notify_unit(plan, _("整改方案已审定,请按台账推进整改"), f"plan-approved-{plan.pk}")
    return review


def snapshot_compare(old: PlanSnapshot, new: PlanSnapshot) -> list[dict[str, Any]]:
    """Task by task: what was added, removed or changed between two submitted versions."""
    def key(t: dict[str, Any]) -> tuple[int, int]:
        return (t["problem"], t["number"])

    before = {key(t): t for t in old.content.get("tasks", [])}
    after = {key(t): t for t in new.content.get("tasks", [])}
    rows = []
    for k in sorted(set(before) | set(after)):
        a, b = before.get(k), after.get(k)
        if a == b:
            continue
        change = "added" if a is None else "removed" if b is None else "changed"
        fields = sorted(f for f in (a or b or {}) if (a or {}).get(f) != (b or {}).get(f))
        rows.append({"problem": k[0], "task": k[1], "change": change, "fields": fields,
                     "before": a, "after": b})
    return rows


def _notify_reviewers(plan: RectificationPlan, title: str, key: str) -> None:
    from xuncha.notifications.services import notify

    users = role_holders_over(plan.unit, ["office_director", "office_staff",
                                          "discipline_handler", "organisation_dept"])
    transaction.on_commit(lambda: notify(recipients=users, title=title, category="task",
                                         link=f"/rectification/plans/{plan.pk}/", dedupe_key=key))


def _notify_unit(plan: RectificationPlan, title: str, key: str) -> None:
    from xuncha.notifications.services import notify

    users = unit_people(plan.unit, ["unit_head", "unit_contact"])
    transaction.on_commit(lambda: notify(recipients=users, title=title, category="task",
                                         link=f"/rectification/plans/{plan.pk}/", dedupe_key=key))


def check_as_dicts(plan: RectificationPlan) -> list[dict[str, Any]]:
    return [{**asdict(i), "criterion_label": i.criterion_label} for i in plan_check(plan)]
