"""Evaluation visits and the "八查" rubric.

- The office plans a visit to a unit whose concentrated period has ended (or any unit for 回头看),
  with a team from the three parties (纪委监委, 组织部, 巡察办; a fourth such as the 人大 optional)
  and a leader; each reviewer takes sections.
- The unit is told the day before (the scheduler sends it; the office can send it by hand); the
  notice is recorded.
- On site: the survey first, then each reviewer marks ledger items verified / doubtful / not done.
- The rubric is applied the same way to everyone: items with weights summing to 100, a score per
  item as a percentage with a reason; items the system can fill are pre-filled from the records and
  shown as such. Total = Σ score × weight / 100; grade by the committee's thresholds (好 / 较好 /
  一般 / 差). 一般 and 差 mean a second rectification (二次整改).
- Problems found on the visit are fed back as new ledger items; consequences (通报, 约谈, 扣分) are
  recorded and tracked; the unit's rectification rate at the visit is kept beside today's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Length, Substr
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from xuncha.accounts import scope
from xuncha.accounts.recipients import unit_people
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.dashboards import figures
from xuncha.evaluation.models import (
    AutoSource,
    Body,
    CheckMark,
    Consequence,
    ConsequenceKind,
    Evaluation,
    EvaluationItem,
    EvaluationMember,
    EvaluationStatus,
    Grade,
    Mark,
    RubricItem,
    RubricTemplate,
    Section,
)
from xuncha.findings.models import Problem, ProblemCategory, ProblemOrigin
from xuncha.organisations.rules import committee_of

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit

EIGHT_CHECKS: tuple[tuple[str, str, int, str], ...] = (
    ("查领导重视是否真到位", "主要负责人亲自部署、亲自推动、亲自督办;班子成员分工落实。", 15, ""),
    ("查会议记录是否真实完整", "专题会议、民主生活会、组织生活会记录,是否雷同抄袭。", 10, ""),
    ("查台账是否完整及时、逐项销号", "问题、任务、责任三清单齐全,按时报送,对账销号。", 20,
     AutoSource.LEDGER),
    ("查问责和线索处置是否到位", "直接责任、领导责任、主体责任是否都追究;线索是否办结。", 15,
     AutoSource.ACCOUNTABILITY),
    ("查佐证材料和整改现场", "佐证是否真实、与现场一致,是否存在书面整改、数字整改。", 10, ""),
    ("查长效机制是否建立", "针对问题建章立制,制度是否管用、是否执行。", 10, AutoSource.INSTITUTIONS),
    ("查整改工作有无创新", "有无可复制推广的经验做法。", 5, ""),
    ("查群众满意度", "干部群众对整改成效的满意度测评。", 15, AutoSource.SATISFACTION),
)


def default_rubric(committee: Unit) -> RubricTemplate:
    t = RubricTemplate.objects.filter(committee=committee, is_default=True).first()
    if t is not None:
        return t
    t = RubricTemplate.objects.create(committee=committee, name=_("巡察整改“八查”量化评估表"),
                                      is_default=True)
    RubricItem.objects.bulk_create([
        RubricItem(template=t, number=i, title=title, guidance=guide, weight=Decimal(w),
                   auto_source=src)
        for i, (title, guide, w, src) in enumerate(EIGHT_CHECKS, start=1)
    ])
    return t


def check_weights(items: Iterable[Any]) -> None:
    total = sum((Decimal(i.weight) for i in items), Decimal(0))
    if total != Decimal(100):
        raise ValidationFailed(_("评分表各项分值合计须为 100,当前为 %(t)s。") % {"t": total},
                               details=[{"field": "weight", "message": ""}])


@transaction.atomic
def evaluation_plan(*, actor: User, unit: Unit, visit_date: date, leader: User,
                    members: Iterable[tuple[User, str, list[str]]],
                    inspection: Any = None, is_revisit: bool = False,
                    template: RubricTemplate | None = None) -> Evaluation:
    scope.require(actor, "evaluation.manage_evaluation", unit)
    errors = []
    team = list(members)
    bodies = {b for _u, b, _s in team}
    missing = {Body.DISCIPLINE, Body.ORGANISATION, Body.OFFICE} - bodies
    if missing:
        errors.append({"field": "members", "message": _("评估组须由纪委监委、组织部、巡察办三方组成,缺少:%(m)s。")
                       % {"m": "、".join(str(Body(b).label) for b in sorted(missing))}})
    if leader not in [u for u, _b, _s in team]:
        errors.append({"field": "leader", "message": _("组长须是评估组成员。")})
    for _u, _b, sections in team:
        if any(s not in Section.values for s in sections):
            errors.append({"field": "members", "message": _("分工板块无效。")})
    if inspection is None and not is_revisit:
        errors.append({"field": "inspection",
                       "message": _("请选择所评估的巡察(不针对某次巡察的评估请选择“回头看”)。")})
    if inspection is not None and not is_revisit:
        plan = getattr(inspection, "plan", None)
        if plan is None or plan.period_end >= visit_date:
            errors.append({"field": "visit_date",
                           "message": _("集中整改期结束后才能评估(回头看除外)。")})
    if visit_date < timezone.localdate():
        errors.append({"field": "visit_date", "message": _("评估日期不能早于今天。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    rubric = template or default_rubric(committee_of(unit))
    items = list(rubric.items.all())
    check_weights(items)
    ev = Evaluation.objects.create(
        unit=unit, county_id=unit.county_id, inspection=inspection, is_revisit=is_revisit,
        visit_date=visit_date, leader=leader, rubric_name=rubric.name,
        grade_good=rubric.grade_good, grade_fair=rubric.grade_fair, grade_pass=rubric.grade_pass)
    EvaluationMember.objects.bulk_create([
        EvaluationMember(evaluation=ev, user=u, body=b, sections=s) for u, b, s in team])
    EvaluationItem.objects.bulk_create([
        EvaluationItem(evaluation=ev, number=i.number, title=i.title, weight=i.weight,
                       guidance=i.guidance, auto_source=i.auto_source) for i in items])
    record(actor=actor, action="evaluation.plan", obj=ev,
           changes={"visit_date": str(visit_date), "members": len(team)})
    return ev


def _move(actor: User, ev: Evaluation, method: str, action: str) -> Evaluation:
    ev = Evaluation.objects.select_for_update().get(pk=ev.pk)
    bound = getattr(ev, method)
    if not can_proceed(bound):
        raise Conflict(_("评估当前为“%(s)s”,不能执行此操作。") % {"s": ev.get_status_display()})
    bound()
    ev.version += 1
    ev.save()
    record(actor=actor, action=action, obj=ev, changes={"status": ev.status})
    return ev


@transaction.atomic
def evaluation_notify(*, actor: User | None, evaluation: Evaluation) -> Evaluation:
    """告知: the unit is told the day before so that its head is present."""
    if actor is not None:
        scope.require(actor, "evaluation.manage_evaluation", evaluation.unit)
    ev = _move(actor, evaluation, "notify", "evaluation.notify")  # type: ignore[arg-type]
    from xuncha.notifications.services import notify

    people = unit_people(ev.unit, ["unit_head", "unit_contact"])
    transaction.on_commit(lambda: notify(
        recipients=people, category="task", link=f"/evaluation/{ev.pk}/",
        title=_("巡察整改评估组将于 %(d)s 到本单位开展综合评估,请主要负责人在岗") % {"d": ev.visit_date},
        body=_("评估组将先开展满意度测评,再对照问题清单和整改进度台账逐项核查。"),
        dedupe_key=f"evaluation-notice-{ev.pk}"))
    return ev


def notify_due_visits(today: date | None = None) -> int:
    """The scheduler's daily job: notify the units visited tomorrow."""
    today = today or timezone.localdate()
    n = 0
    for ev in Evaluation.objects.filter(status=EvaluationStatus.PLANNED,
                                        visit_date=today + timedelta(days=1)):
        evaluation_notify(actor=None, evaluation=ev)
        n += 1
    return n


def _require_member(actor: User, ev: Evaluation) -> EvaluationMember:
    m = EvaluationMember.objects.filter(evaluation=ev, user=actor).first()
    if m is None:
        raise PermissionDenied(_("只有评估组成员可以评估。"))
    return m


@transaction.atomic
def evaluation_start(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """On site: the rate at the visit is kept, and the system's items are pre-filled."""
    _require_member(actor, evaluation)
    ev = _move(actor, evaluation, "start_visit", "evaluation.start")
    rate = unit_rate(ev.unit)
    ev.visited_at = timezone.now()
    ev.rate_numerator_at_visit, ev.rate_denominator_at_visit = rate.numerator, rate.denominator
    ev.save(update_fields=["visited_at", "rate_numerator_at_visit", "rate_denominator_at_visit"])
    refresh_prefill(ev)
    return ev


def unit_rate(unit: Unit, existing_at: Any = None) -> figures.Rate:
    """The unit's rectification rate; with ``existing_at``, over the problems that existed then
    (so problems fed back by the evaluation itself do not move the comparison)."""
    from xuncha.core.tree import subtree_q

    problems = Problem.objects.filter(subtree_q(unit.path, "unit__path"))
    if existing_at is not None:
        problems = problems.filter(created_at__lte=existing_at)
    return figures.rectification_rate(problems)


@dataclass(frozen=True)
class Prefill:
    score: Decimal | None
    basis: str


def _pct(n: int, d: int) -> Decimal:
    return (Decimal(100 * n) / Decimal(d)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def prefill_for(ev: Evaluation, source: str) -> Prefill:
    from xuncha.core.tree import subtree_q
    from xuncha.leads.models import Lead
    from xuncha.outcomes.models import Institution
    from xuncha.rectification.models import RectificationTask
    from xuncha.surveys.services import results

    where = subtree_q(ev.unit.path, "unit__path")
    problems = Problem.objects.filter(where)
    fed = figures.fed_back(problems)
    if source == AutoSource.LEDGER:
        n_fed = fed.count()
        if not n_fed:
            return Prefill(None, _("尚无反馈问题"))
        claimed = fed.filter(tasks__isnull=False).distinct().count()
        tasks = RectificationTask.objects.filter(where)
        on_time = figures.on_time_rate(tasks)
        rate = figures.rectification_rate(problems)
        parts = [_pct(claimed, n_fed), _pct(rate.numerator, rate.denominator)]
        if on_time.denominator:
            parts.append(_pct(on_time.numerator, on_time.denominator))
        score = (sum(parts, Decimal(0)) / len(parts)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return Prefill(score, _("认领 %(c)d/%(f)d,整改 %(r)d/%(f)d,按期销号 %(o)d/%(od)d(取平均)")
                       % {"c": claimed, "f": n_fed, "r": rate.numerator, "o": on_time.numerator,
                          "od": on_time.denominator})
    if source == AutoSource.ACCOUNTABILITY:
        naming = fed.filter(names_people=True)
        held = naming.filter(accountability__isnull=False).distinct().count()
        leads = Lead.objects.filter(where)
        sent = figures.leads_transferred(leads).count()
        done = figures.leads_concluded(leads).count()
        denominator = naming.count() + sent
        if not denominator:
            return Prefill(Decimal(100), _("无涉及具体人员的问题和移交线索"))
        return Prefill(_pct(held + done, denominator),
                       _("涉人问题已问责 %(h)d/%(n)d,移交线索已办结 %(d)d/%(s)d")
                       % {"h": held, "n": naming.count(), "d": done, "s": sent})
    if source == AutoSource.INSTITUTIONS:
        n = Institution.objects.filter(where).count()
        return Prefill(Decimal(min(100, 20 * n)), _("建章立制 %(n)d 项(每项 20%%,满 5 项得满分)")
                       % {"n": n})
    if source == AutoSource.SATISFACTION:
        survey = ev.surveys.order_by("-created_at").first()
        if survey is None:
            return Prefill(None, _("尚未开展满意度测评"))
        r = results(survey)
        if not r.visible or not r.satisfaction:
            return Prefill(None, _("测评不足 %(m)d 份,不显示结果") % {"m": r.min_answers})
        return Prefill(Decimal(str(r.satisfaction["percent"])),
                       _("总体满意(满意+比较满意)%(n)d/%(d)d")
                       % {"n": r.satisfaction["numerator"], "d": r.satisfaction["denominator"]})
    return Prefill(None, "")


def refresh_prefill(ev: Evaluation) -> None:
    for item in ev.items.exclude(auto_source=""):
        p = prefill_for(ev, item.auto_source)
        item.prefill, item.prefill_basis = p.score, p.basis[:200]
        item.save(update_fields=["prefill", "prefill_basis"])


@transaction.atomic
def check_mark(*, actor: User, evaluation: Evaluation, task: Any, mark: str,
               note: str = "") -> CheckMark:
    _require_member(actor, evaluation)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != EvaluationStatus.ON_SITE:
        raise Conflict(_("现场评估开始后才能核查。"))
    if not task.unit.path.startswith(evaluation.unit.path):
        raise ValidationFailed(_("只能核查被评估单位的台账。"))
    if mark not in Mark.values:
        raise ValidationFailed(_("核查结果无效。"), details=[{"field": "mark", "message": ""}])
    if mark != Mark.VERIFIED and not note.strip():
        raise ValidationFailed(_("存疑或未完成须写明情况。"), details=[{"field": "note", "message": ""}])
    cm, _created = CheckMark.objects.update_or_create(
        evaluation=evaluation, task=task,
        defaults={"reviewer": actor, "mark": mark, "note": note.strip()[:300],
                  "marked_at": timezone.now()})
    record(actor=actor, action="evaluation.mark", obj=evaluation,
           changes={"task": task.pk, "mark": mark})
    return cm


@transaction.atomic
def item_score(*, actor: User, item: EvaluationItem, score: Any, reason: str) -> EvaluationItem:
    ev = item.evaluation
    _require_member(actor, ev)
    if ev.status != EvaluationStatus.ON_SITE:
        raise Conflict(_("现场评估期间才能评分。"))
    try:
        value = Decimal(str(score))
    except Exception:
        raise ValidationFailed(_("得分率须为数字。"), details=[{"field": "score", "message": ""}]) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValidationFailed(_("得分率须在 0 到 100 之间。"), details=[{"field": "score", "message": ""}])
    if not reason.strip():
        raise ValidationFailed(_("请写明评分理由。"), details=[{"field": "reason", "message": ""}])
    item.score, item.reason, item.scored_by = value.quantize(Decimal("0.01")), reason.strip(), actor
    item.save(update_fields=["score", "reason", "scored_by"])
    record(actor=actor, action="evaluation.score", obj=ev,
           changes={"item": item.number, "score": str(item.score)})
    return item


def total_and_grade(ev: Evaluation) -> tuple[Decimal, str]:
    items = list(ev.items.all())
    if any(i.score is None for i in items):
        raise Conflict(_("还有 %(n)d 项未评分。") % {"n": sum(1 for i in items if i.score is None)})
    total = sum((i.score * i.weight / 100 for i in items), Decimal(0)).quantize(
        Decimal("0.01"), ROUND_HALF_UP)
    if total >= ev.grade_good:
        grade = Grade.GOOD
    elif total >= ev.grade_fair:
        grade = Grade.FAIR
    elif total >= ev.grade_pass:
        grade = Grade.PASS
    else:
        grade = Grade.POOR
    return total, grade


@transaction.atomic
def evaluation_report(*, actor: User, evaluation: Evaluation, summary: str,
                      findings: Iterable[dict[str, Any]] = ()) -> Evaluation:
    """The leader closes the visit: score, grade, findings fed back as new ledger items."""
    if evaluation.leader_id != actor.pk:
        raise PermissionDenied(_("评估报告由评估组组长出具。"))
    if not summary.strip():
        raise ValidationFailed(_("请填写评估意见。"), details=[{"field": "summary", "message": ""}])
    total, grade = total_and_grade(evaluation)
    found = list(findings)
    ev = _move(actor, evaluation, "report", "evaluation.report")
    ev.total_score, ev.grade, ev.summary = total, grade, summary.strip()
    ev.second_rectification = grade in (Grade.PASS, Grade.POOR)
    ev.save(update_fields=["total_score", "grade", "summary", "second_rectification"])
    for f in found:
        feed_back_finding(actor=actor, unit=ev.unit, source=f"evaluation:{ev.pk}", **f)
    record(actor=actor, action="evaluation.grade", obj=ev,
           changes={"total": str(total), "grade": grade, "findings": len(found)})
    return ev


def feed_back_finding(*, actor: User, unit: Unit, category: ProblemCategory, title: str,
                      facts: str, deadline_days: int = 30, source: str = "",
                      origin: str = ProblemOrigin.EVALUATION) -> Problem:
    """A problem found on a visit (or at an inquiry meeting) becomes a ledger item of the unit:
    a problem in its approved plan with a task, due in ``deadline_days`` (二次整改)."""
    from xuncha.rectification.models import PlanStatus, RectificationPlan, RectificationTask

    if not title.strip() or len(facts.strip()) < 10 or category.parent_id is None:
        raise ValidationFailed(_("请选择二级问题类别,填写问题概述和不少于 10 个字的具体事实。"),
                               details=[{"field": "facts", "message": ""}])
    plan = RectificationPlan.objects.filter(unit=unit,
                                            status=PlanStatus.APPROVED).order_by("-created_at").first()
    if plan is None:
        raise Conflict(_("被评估单位没有已审定的整改方案,无法把评估发现的问题纳入台账。"))
    number = (Problem.objects.filter(inspection=plan.inspection).aggregate(m=Max("number"))["m"]
              or 0) + 1
    problem = Problem.objects.create(
        inspection=plan.inspection, unit=plan.unit, county_id=plan.unit.county_id, number=number,
        category=category, title=title.strip(), facts=facts.strip(), origin=origin,
        created_by=actor)
    task_number = (plan.tasks.aggregate(m=Max("number"))["m"] or 0) + 1
    RectificationTask.objects.create(
        plan=plan, problem=problem, unit=plan.unit, county_id=plan.unit.county_id,
        number=task_number, measure=_("按评估反馈意见整改:%(t)s") % {"t": title.strip()},
        deadline=timezone.localdate() + timedelta(days=deadline_days),
        responsible_leader=plan.first_responsible.name, responsible_person=plan.group_leader)
    record(actor=actor, action="problem.feed_back", obj=problem,
           changes={"source": source, "origin": origin})
    return problem


@transaction.atomic
def consequence_add(*, actor: User, evaluation: Evaluation, kind: str, person: str,
                    on_date: date, reason: str, content: str = "", points: Any = None,
                    year: int | None = None) -> Consequence:
    scope.require(actor, "evaluation.manage_evaluation", evaluation.unit)
    errors = []
    if kind not in ConsequenceKind.values:
        errors.append({"field": "kind", "message": _("类别无效。")})
    if not person.strip() or not reason.strip():
        errors.append({"field": "reason", "message": _("请填写对象和原因。")})
    if kind == ConsequenceKind.TALK and not content.strip():
        errors.append({"field": "content", "message": _("约谈须记录谈话内容。")})
    if kind == ConsequenceKind.DEDUCTION:
        try:
            value = Decimal(str(points)) if points is not None else None
        except Exception:
            value = None
        if value is None or not value.is_finite() or value <= 0 or not year:
            errors.append({"field": "points", "message": _("扣分须填写正数分值和考核年度。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    c = Consequence.objects.create(evaluation=evaluation, kind=kind, person=person.strip(),
                                   on_date=on_date, reason=reason.strip(), content=content.strip(),
                                   points=Decimal(str(points)) if points is not None else None,
                                   year=year, recorded_by=actor)
    record(actor=actor, action="evaluation.consequence", obj=evaluation,
           changes={"kind": kind, "person": person})
    return c


@transaction.atomic
def consequence_done(*, actor: User, consequence: Consequence) -> Consequence:
    """A briefing given, a talk held, a deduction applied: the consequence is tracked to done."""
    scope.require(actor, "evaluation.manage_evaluation", consequence.evaluation.unit)
    c = Consequence.objects.select_for_update().get(pk=consequence.pk)
    if c.done:
        raise Conflict(_("已标记为落实。"))
    c.done = True
    c.save(update_fields=["done", "updated_at"])
    record(actor=actor, action="evaluation.consequence_done", obj=c.evaluation,
           changes={"consequence": c.pk, "kind": c.kind})
    return c


def rate_change(before: figures.Rate, after: figures.Rate) -> Decimal | None:
    """Points between the two printed rates (94.44 − 80.70 = +13.74); None if either is undefined."""
    if before.percent is None or after.percent is None:
        return None
    return after.percent - before.percent


def rate_before_after(ev: Evaluation) -> dict[str, Any]:
    before = figures.Rate(ev.rate_numerator_at_visit or 0, ev.rate_denominator_at_visit or 0)
    after = unit_rate(ev.unit, existing_at=ev.visited_at)
    change = rate_change(before, after)
    return {"before": before.as_dict(), "after": after.as_dict(),
            "change": float(change) if change is not None else None}


# --- The rate before and after over many evaluations ------------------------------------------------
# ``rate_before_after`` reads one evaluation (a query or two). A dashboard sums every reported
# evaluation in scope, so the same definition is written as two correlated subqueries per
# evaluation row — the problems of the evaluated unit's subtree that existed at the visit
# (``unit_rate(unit, existing_at=visited_at)``), rectified now and fed back now — and summed by the
# database: one query whatever the number of evaluations.

def _subtree_of_outer_unit() -> Q:
    """``subtree_q(ev.unit.path, "unit__path")`` with the path of the outer query's unit: the same
    range (``path >= '/1/12/' AND path < '/1/120'``), so the path index still serves it."""
    outer = OuterRef("unit__path")
    upper = Concat(Substr(outer, 1, Length(outer) - 1), Value("0"), output_field=CharField())
    return Q(unit__path__gte=outer, unit__path__lt=upper)


def _after_count(rule: Callable[[], Q]) -> Coalesce:
    # Without a visit (not reported, so never summed by the dashboards) unit_rate takes every
    # problem of the subtree; the IS NULL branch keeps that.
    existed = Q(created_at__lte=OuterRef("visited_at")) | Q(IsNull(OuterRef("visited_at"), True))
    problems = Problem.objects.filter(_subtree_of_outer_unit(), existed, rule()).order_by()
    count = problems.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def with_rates(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Each evaluation with ``after_numerator`` and ``after_denominator``: its unit's rate today over
    the problems that existed at the visit — ``rate_before_after(ev)["after"]`` for every row in the
    one query that lists them. The rate before is kept on the row (``rate_*_at_visit``)."""
    return evaluations.annotate(after_numerator=_after_count(figures.rectified_q),
                                after_denominator=_after_count(figures.fed_back_q))


def row_rates(ev: Evaluation) -> dict[str, Any]:
    """``rate_before_after`` of an evaluation read through ``with_rates`` (no further query)."""
    before = figures.Rate(ev.rate_numerator_at_visit or 0, ev.rate_denominator_at_visit or 0)
    after = figures.Rate(ev.after_numerator, ev.after_denominator)  # type: ignore[attr-defined]
    change = rate_change(before, after)
    return {"before": before.as_dict(), "after": after.as_dict(),
            "change": float(change) if change is not None else None}


@dataclass(frozen=True)
class RatesBeforeAfter:
    """The rate before and after summed over evaluations: numerators added up, denominators added
    up — Σ of ``rate_before_after`` over the same evaluations, never an average of percentages."""

    before: figures.Rate
    after: figures.Rate
    evaluations: int

    @property
    def change(self) -> Decimal | None:
        return rate_change(self.before, self.after)

    def as_dict(self) -> dict[str, Any]:
        change = self.change
        return {"before": self.before.as_dict(), "after": self.after.as_dict(),
                "change": float(change) if change is not None else None,
                "evaluations": self.evaluations}


def rates_before_after(evaluations: QuerySet[Evaluation]) -> RatesBeforeAfter:
    """Σ before and Σ after over ``evaluations`` (the caller picks them: the dashboards take every
    reported evaluation in the user's scope and filters), in one query."""
    row = with_rates(evaluations.order_by()).aggregate(
        n=Count("pk"),
        before_n=Coalesce(Sum("rate_numerator_at_visit"), 0),
        before_d=Coalesce(Sum("rate_denominator_at_visit"), 0),
        after_n=Coalesce(Sum("after_numerator"), 0),
        after_d=Coalesce(Sum("after_denominator"), 0))
    return RatesBeforeAfter(before=figures.Rate(row["before_n"], row["before_d"]),
                            after=figures.Rate(row["after_n"], row["after_d"]),
                            evaluations=row["n"])
