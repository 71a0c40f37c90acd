"""Demo steps: rectification after the signed feedback (domain.md steps 6–8, 10, 12), through the
services.

Plans (one returned by the discipline commission with reasons, changed, resubmitted, approved);
tasks in every state with deadlines past, near and later; progress with small evidence files (one
file reused on two closures, the "same file" warning); verification by the office, on paper and
on site, one closure sent back; a sample draw; a relapse found by the 回头看; institutions, funds,
accountability (one problem with direct responsibility only, the warning); a rectification report
signed off by 纪委 and 组织部 and received; monthly returns (one late, one draft, one of a unit); a
city assignment answered.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from xuncha.demo import texts
from xuncha.demo.clock import backdate, cn_date, days, moment
from xuncha.demo.context import County, DemoContext, Visit
from xuncha.demo.files import evidence
from xuncha.demo.steps_inspections import SIGNED, contact_of, head_of
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.inspections.models import Inspection
from xuncha.outcomes import services as outcomes
from xuncha.outcomes.models import FourForms, ResponsibilityKind
from xuncha.rectification import ledger, plans, report
from xuncha.rectification.models import (
    MeasureKind,
    PlanReview,
    PlanSnapshot,
    ProgressReport,
    RectificationTask,
    ReviewDecision,
    TaskStatus,
    VerificationMethod,
    VerificationResult,
)
from xuncha.reporting import services as reporting
from xuncha.reporting.models import CityAssignment

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.rectification.models import RectificationPlan

# The share of tasks in each state, by how far the story of the inspection has gone.
MIX = {
    "old": ((TaskStatus.CLOSED, 1.0),),
    "mid": ((TaskStatus.CLOSED, 0.6), (TaskStatus.CLOSURE_REQUESTED, 0.15),
            (TaskStatus.IN_PROGRESS, 0.15), (TaskStatus.NOT_STARTED, 0.1)),
    "recent": ((TaskStatus.CLOSED, 0.2), (TaskStatus.CLOSURE_REQUESTED, 0.15),
               (TaskStatus.IN_PROGRESS, 0.35), (TaskStatus.NOT_STARTED, 0.3)),
}
DEPARTMENTS = ("办公室", "财务股", "党建办", "人事股", "综合股")
PUSHED = ("党支部组织生活会对照检查材料雷同",
          "全区(县)巡察发现，多个单位组织生活会对照检查材料内容雷同、相互抄袭，查摆问题照搬"
          "上级通报，批评和自我批评流于形式。",
          "{d}前组织班子成员重新撰写对照检查材料，召开专题组织生活会1次，党组织书记逐一审核把关")


def _pick_state(ctx: DemoContext, fate: str) -> str:
    roll, acc = ctx.rng.random(), 0.0
    for state, share in MIX[fate]:
        acc += share
        if roll < acc:
            return state
    return MIX[fate][-1][0]


# --- plans ------------------------------------------------------------------------------------

def step_plans(ctx: DemoContext) -> None:
    categories = {c.code: c for c in ProblemCategory.objects.all()}
    for county in ctx.work_counties:
        work = county.work
        assert work is not None
        signed = [v for v in work.visits if v.fate in SIGNED]
        returned = next(v for v in signed if v.fate == "recent")
        for visit in signed:
            _plan(ctx, county, visit, categories, return_it=visit is returned)


def _group(ctx: DemoContext, head: User) -> str:
    posts = ("副书记", "纪检委员(纪委书记)", "组织委员", "办公室主任")
    return "\n".join([f"{head.name}（{head.post}）"] + [f"{ctx.person_name()}（{p}）" for p in posts])


def _deadline(ctx: DemoContext, plan: RectificationPlan, state: str, fate: str, kind: str) -> date:
    rng, today = ctx.rng, ctx.today
    start, end = plan.period_start, plan.period_end
    if kind == MeasureKind.STANDING:
        return end
    if kind == MeasureKind.IMMEDIATE:
        return start + days(rng.randint(10, 20))
    if fate == "recent" and state != TaskStatus.CLOSED:
        roll = rng.random()
        if roll < 0.35:
            day = today + days(rng.randint(1, 6))  # due soon
        elif roll < 0.65:
            day = today - days(rng.randint(3, 25))  # overdue
        else:
            day = today + days(rng.randint(8, 20))
        return max(start + days(10), min(day, end))
    return start + days(rng.randint(25, max(26, (end - start).days - 2)))


def _plan(ctx: DemoContext, county: County, visit: Visit, categories: dict[str, ProblemCategory],
          *, return_it: bool) -> None:
    work = county.work
    assert work is not None and visit.signed_on is not None
    rng = ctx.rng
    contact, head = contact_of(ctx, county, visit.unit), head_of(ctx, county, visit.unit)
    insp = Inspection.objects.select_related("round", "unit").get(pk=visit.inspection.pk)
    visit.inspection = insp
    problems = list(visit.problems)
    if return_it:
        # A common problem the office pushes to the unit: the plan must claim it too.
        pushed = plans.problem_push(actor=work.staff[0], inspection=insp,
                                    category=categories["0202"], title=PUSHED[0], facts=PUSHED[1])
        pushed._demo_text = None  # type: ignore[attr-defined]
        pushed._demo_values = {}  # type: ignore[attr-defined]
        problems.append(pushed)
        visit.problems.append(pushed)
    plan = plans.plan_open(actor=contact, inspection=insp, first_responsible=head,
                           group_leader=f"{head.name}（{head.post}）", group_members=_group(ctx, head),
                           guiding_text=texts.GUIDING_TEXT)
    visit.plan = plan
    flagged: RectificationTask | None = None
    for problem in problems:
        text: texts.ProblemText | None = getattr(problem, "_demo_text", None)
        values: dict[str, Any] = getattr(problem, "_demo_values", {})
        kinds = [MeasureKind.IMMEDIATE if text and text.funds_kind else MeasureKind.DEADLINE]
        if rng.random() < 0.25:
            kinds.append(MeasureKind.STANDING)
        for kind in kinds:
            state = _pick_state(ctx, visit.fate)
            deadline = _deadline(ctx, plan, state, visit.fate, kind)
            if kind == MeasureKind.STANDING:
                measure = rng.choice(texts.STANDING_MEASURES).format(committee=county.committee)
            else:
                pattern = text.measure if text and text.measure else PUSHED[2]
                measure = pattern.format(**{**values, "d": cn_date(deadline)})
            task = plans.task_add(
                actor=contact, plan=plan, problem=problem, measure=measure, kind=kind,
                deadline=deadline, responsible_leader=head.name,
                responsible_person=contact.name if rng.random() < 0.5 else ctx.person_name(),
                responsible_department=rng.choice(DEPARTMENTS),
                expected_evidence="会议记录、制度文件、整改前后对比照片、收款凭证",
                responsible_user=contact)
            ctx.notes.setdefault("states", {})[(plan.pk, task.number)] = state
            if return_it and text is not None and text.names_people and flagged is None \
                    and kind != MeasureKind.STANDING:
                flagged = task
    if visit.fate == "old" and county is ctx.counties[1] and visit is [
            v for v in work.visits if v.fate == "old"][-1]:
        # Not every old item is done: the last task of the first round is still being worked on.
        last = plan.tasks.order_by("-number").first()
        assert last is not None
        ctx.notes["states"][(plan.pk, last.number)] = TaskStatus.IN_PROGRESS
    start = plan.period_start
    snapshot_days = [start + days(12)]
    reviewers = [(work.staff[0], start + days(15)), (work.jiwei[0], start + days(17)),
                 (work.zuzhi, start + days(18))]
    people_task = flagged is not None
    if return_it and flagged is None:
        # No problem names people here: send back a measure that does not say how far it goes.
        flagged = plan.tasks.exclude(kind=MeasureKind.STANDING).order_by("number").first()
    plans.plan_submit(actor=contact, plan=plan)
    if return_it:
        assert flagged is not None
        plans.plan_review(actor=work.staff[0], plan=plan, decision=ReviewDecision.APPROVE,
                          comment="方案总体可行。")
        n, title = flagged.problem.number, flagged.problem.title
        plans.plan_review(
            actor=work.jiwei[0], plan=plan, decision=ReviewDecision.RETURN,
            direction_unclear=texts.PLAN_RETURN["direction_unclear"].format(n=n, t=title)
            if people_task else "",
            vague_measures=texts.PLAN_RETURN["vague_measures"].format(n=n, t=title),
            comment="请按“三不过”要求修改后重新报送。")
        flagged.refresh_from_db()
        extra = ("，倒查分管领导和主要负责人的领导责任，结果报纪委监委" if people_task
                 else "，整改结果在单位内部公示并报巡察办备案")
        plans.task_update(actor=contact, task=flagged, expected_version=flagged.version,
                          measure=flagged.measure + extra)
        plans.plan_submit(actor=contact, plan=plan)
        snapshot_days.append(start + days(24))
        reviewers = [(w, d + days(12)) for w, d in reviewers]
    for who, _day in reviewers:
        plans.plan_review(actor=who, plan=plan, decision=ReviewDecision.APPROVE,
                          comment="同意。" if who is not work.jiwei[0] else "同意，纪委监委将跟进问责落实。")
    plan.refresh_from_db()
    # Demo data only: the plan's own dates follow the story (see xuncha.demo.clock).
    approved = reviewers[-1][1]
    backdate(plan, created_at=start + days(3), approved_at=approved)
    for snap, day in zip(PlanSnapshot.objects.filter(plan=plan).order_by("number"), snapshot_days,
                         strict=True):
        backdate(snap, submitted_at=day)
        backdate(PlanReview.objects.filter(snapshot=snap), decided_at=day + days(4))
    backdate(PlanReview.objects.filter(snapshot__plan=plan, snapshot__number=len(snapshot_days)),
             decided_at=approved)
    backdate(RectificationTask.objects.filter(plan=plan), created_at=start + days(5))
    visit.plan = plan


# --- the ledger --------------------------------------------------------------------------------

def step_ledger(ctx: DemoContext) -> None:
    for county in ctx.work_counties:
        work = county.work
        assert work is not None
        shared = evidence("组织生活会会议记录.pdf", f"meeting minutes {county.slug}")
        state: dict[str, Any] = {"shared_left": 2, "shared": shared, "sent_back": False}
        for visit in [v for v in work.visits if v.plan is not None]:
            for task in RectificationTask.objects.filter(plan=visit.plan).select_related(
                    "problem", "plan", "unit").order_by("number"):
                _work_task(ctx, county, visit, task, state)
        ledger.sample_draw(actor=work.staff[0], county=county.unit, percent=10,
                           seed=f"demo-{ctx.seed}-{county.slug}")


def _state_of(ctx: DemoContext, task: RectificationTask) -> str:
    """The state the story wants the task in (chosen with its deadline, see _plan)."""
    states: dict[tuple[int, int], str] = ctx.notes["states"]
    return states[(task.plan_id, task.number)]


def _file(county: County, visit: Visit, task: RectificationTask, percent: int, state: dict[str, Any],
          *, closing: bool) -> list[Any]:
    if closing and state["shared_left"] and visit.fate == "old" and task.number == 1:
        # The same minutes pasted into two closures: 南岸 found exactly this (材料雷同).
        state["shared_left"] -= 1
        state["shared"].seek(0)
        return [state["shared"]]
    state["serial"] = state.get("serial", 0) + 1
    label = f"{county.slug}-{task.plan_id}-{task.number}-{percent}-{state['serial']}"
    if percent < 100 and task.number % 2:
        return [evidence(f"整改现场照片-{visit.unit.short_name}-{task.number}.png", label)]
    return [evidence(f"整改佐证材料-{visit.unit.short_name}-问题{task.problem.number}.pdf", label)]


def _when(ctx: DemoContext, visit: Visit, task: RectificationTask) -> date:
    """The day the task was finished: mostly before its deadline, some late, never in future."""
    plan = visit.plan
    assert plan is not None and task.deadline is not None
    rng = ctx.rng
    late = rng.random() >= 0.85
    day = task.deadline + (days(rng.randint(2, 20)) if late else -days(rng.randint(0, 12)))
    return max(plan.period_start + days(8), min(day, ctx.today - days(2)))


def _progress(ctx: DemoContext, county: County, visit: Visit, task: RectificationTask, percent: int,
              day: date, state: dict[str, Any], *, closing: bool = False,
              with_file: bool = True) -> None:
    contact = contact_of(ctx, county, visit.unit)
    text = texts.PROGRESS_TEXTS[min(3, percent // 30)]
    files = _file(county, visit, task, percent, state, closing=closing) if with_file else []
    pr = ledger.progress_report(actor=contact, task=task, text=text, percent=percent, files=files)
    backdate(pr, reported_on=day, created_at=day)
    from django.contrib.contenttypes.models import ContentType

    from xuncha.attachments.models import Attachment

    backdate(Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(ProgressReport),
                                       owner_id=pr.pk), uploaded_at=moment(day, 16))


def _work_task(ctx: DemoContext, county: County, visit: Visit, task: RectificationTask,
               state: dict[str, Any]) -> None:
    work = county.work
    assert work is not None
    rng = ctx.rng
    target = _state_of(ctx, task)
    if target == TaskStatus.NOT_STARTED:
        return
    contact = contact_of(ctx, county, visit.unit)
    done = _when(ctx, visit, task)
    if target == TaskStatus.IN_PROGRESS:
        _progress(ctx, county, visit, task, rng.choice((20, 30, 50, 60, 80)),
                  min(done, ctx.today - days(3)), state, with_file=rng.random() < 0.7)
        return
    if rng.random() < 0.3:
        _progress(ctx, county, visit, task, 50, done - days(10), state)
    _progress(ctx, county, visit, task, 100, done - days(1), state, closing=True)
    ledger.task_request_closure(actor=contact, task=task, note=rng.choice(texts.CLOSURE_NOTES))
    if target == TaskStatus.CLOSURE_REQUESTED:
        return
    verifier = work.staff[task.number % 2]
    if not state["sent_back"] and visit.fate == "mid":
        # One closure sent back for more evidence, then closed.
        state["sent_back"] = True
        v = ledger.task_verify(actor=verifier, task=task, method=VerificationMethod.DOCUMENT,
                               result=VerificationResult.RETURNED, note=texts.VERIFY_NOTES["returned"])
        backdate(v, verified_at=moment(done + days(1), 11))
        done = min(done + days(6), ctx.today - days(1))
        _progress(ctx, county, visit, task, 100, done - days(1), state, closing=True)
        ledger.task_request_closure(actor=contact, task=task, note="已补充会议记录和收款收据，再次申请销号。")
    on_site = rng.random() < 0.25
    method = VerificationMethod.ON_SITE if on_site else VerificationMethod.DOCUMENT
    v = ledger.task_verify(actor=verifier, task=task, method=method,
                           result=VerificationResult.PASSED, note=texts.VERIFY_NOTES[method],
                           sampled=on_site)
    backdate(v, verified_at=moment(done, 15))
    backdate(task, closed_at=moment(done, 15))


# --- relapse (回头看) -----------------------------------------------------------------------------

def step_relapse(ctx: DemoContext) -> None:
    for earlier, found, visit in ctx.notes.get("relapses", []):
        county = next(c for c in ctx.work_counties if visit in c.work.visits)  # type: ignore[union-attr]
        work = county.work
        assert work is not None and earlier is not None
        ledger.problem_relapse(actor=work.staff[0], problem=earlier, found_in=visit.inspection,
                               note=f"回头看发现“{earlier.title}”问题又出现（见本次问题{found.number}）")


# --- outcomes --------------------------------------------------------------------------------

def step_outcomes(ctx: DemoContext) -> None:
    for index, county in enumerate(ctx.work_counties):
        work = county.work
        assert work is not None
        warned = index != 0  # the direct-only warning is shown in the first county
        seq = 0
        for visit in [v for v in work.visits if v.plan is not None]:
            assert visit.plan is not None
            institutions = 0
            contact = contact_of(ctx, county, visit.unit)
            period_end = visit.plan.period_end
            for problem in visit.problems:
                text: texts.ProblemText | None = getattr(problem, "_demo_text", None)
                values: dict[str, Any] = getattr(problem, "_demo_values", {})
                if text is None:
                    continue
                status = set(RectificationTask.objects.filter(problem=problem)
                             .values_list("status", flat=True))
                started = bool(status - {TaskStatus.NOT_STARTED})
                day = min(period_end - days(ctx.rng.randint(5, 30)), ctx.today - days(2))
                day = max(day, visit.plan.period_start + days(10))
                if text.institution and started and visit.fate in ("old", "mid") \
                        and institutions < 2:
                    seq += 1
                    institutions += 1
                    made = outcomes.institution_add(
                        actor=contact, unit=visit.unit, name=f"《{text.institution}》",
                        issued_on=day, problems=[problem],
                        document_number=f"{visit.unit.short_name}发〔{day.year}〕{seq + 3}号")
                    backdate(made, created_at=day)
                if text.funds_kind and started:
                    funds = outcomes.funds_add(
                        actor=contact, unit=visit.unit, amount=values["amt"], kind=text.funds_kind,
                        payer_or_payee=text.payer.format(**values), recorded_on=day,
                        problem=problem)
                    backdate(funds, created_at=day)
                if text.names_people and started:
                    direct_only = not warned
                    warned = True
                    _accountability(ctx, county, visit, problem, values, day,
                                    direct_only=direct_only)


def _accountability(ctx: DemoContext, county: County, visit: Visit, problem: Problem,
                    values: dict[str, Any], day: date, *, direct_only: bool) -> None:
    work = county.work
    assert work is not None
    body = f"{county.name}纪委监委"
    outcomes.accountability_add(
        actor=work.jiwei[0], unit=visit.unit, person_name=values.get("who", "王某某"),
        post="具体经办人" if "经办" in problem.facts else "时任分管负责人",
        responsibility=ResponsibilityKind.DIRECT, form=FourForms.SECOND,
        measure=ctx.rng.choice(("党内警告处分", "诫勉谈话", "政务记过处分")), decided_on=day,
        deciding_body=body, problem=problem)
    if direct_only:
        return  # 只追究了直接责任: the accountability list warns about this problem
    outcomes.accountability_add(
        actor=work.jiwei[0], unit=visit.unit, person_name=ctx.person_name(), post="分管副职",
        responsibility=ResponsibilityKind.LEADERSHIP, form=FourForms.FIRST,
        measure="约谈提醒并责令作出书面检查", decided_on=day + days(5), deciding_body=body,
        problem=problem)
    if ctx.rng.random() < 0.4:
        outcomes.accountability_add(
            actor=work.zuzhi, unit=visit.unit, person_name=f"{visit.unit.name}党组织",
            post="被巡察党组织", responsibility=ResponsibilityKind.PRINCIPAL, form=FourForms.FIRST,
            measure="责令作出书面检查，年度考核不得评为优秀", decided_on=day + days(8),
            deciding_body=f"中共{county.name}委组织部", problem=problem, is_organisation=True)


# --- rectification reports ------------------------------------------------------------------------

def step_rect_reports(ctx: DemoContext) -> None:
    """One report signed off by 纪委 and 组织部 and received; one still being signed."""
    from xuncha.rectification.models import RectificationReport, ReportSignoff

    for county in ctx.work_counties:
        work = county.work
        assert work is not None
        old = [v for v in work.visits if v.fate == "old" and v.plan is not None]
        for n, visit in enumerate(old[:2]):
            plan = visit.plan
            assert plan is not None
            contact = contact_of(ctx, county, visit.unit)
            r = report.rect_report_save(
                actor=contact, plan=plan,
                unit_text=texts.RECT_REPORT_UNIT.format(n=ctx.rng.randint(3, 6),
                                                        k=ctx.rng.randint(2, 5)),
                head_text=texts.RECT_REPORT_HEAD.format(n=ctx.rng.randint(2, 4)))
            report.rect_report_send_for_signoff(actor=contact, report=r)
            r.refresh_from_db()
            report.rect_report_signoff(actor=work.jiwei[0], report=r, expected_hash=r.content_hash,
                                       opinion="经审核，反馈问题已逐项整改，问责到位，同意报送。")
            day = plan.period_end + days(12)
            if n == 0:
                report.rect_report_signoff(actor=work.zuzhi, report=r, expected_hash=r.content_hash,
                                           opinion="干部问责和选人用人问题整改到位，同意。")
                r.refresh_from_db()  # the service reads the status from the object it is given
                report.rect_report_receive(actor=work.staff[0], report=r)
                backdate(RectificationReport.objects.filter(pk=r.pk), submitted_at=day,
                         received_at=day + days(3))
            backdate(ReportSignoff.objects.filter(report=r), signed_at=day - days(2))
            backdate(RectificationReport.objects.filter(pk=r.pk), created_at=day - days(8))


# --- monthly returns and the city's assignments -------------------------------------------------

def step_returns(ctx: DemoContext) -> None:
    from xuncha.reporting.models import MonthlyReturn

    this_month = ctx.today.replace(day=1)
    months = [this_month - relativedelta(months=2), this_month - relativedelta(months=1)]
    for index, county in enumerate(ctx.work_counties):
        work = county.work
        assert work is not None
        for n, month in enumerate(months):
            ret = reporting.return_prepare(actor=work.director, reporter=county.unit, month=month)
            reporting.return_submit(actor=work.director, ret=ret,
                                    note="本月台账已与各被巡察单位逐项核对。" if n else "")
            # Demo data only: the older month went in four days late, the last one on time.
            day = ret.due_on + days(4) if n == 0 else min(ret.due_on - days(1), ctx.today)
            MonthlyReturn.objects.filter(pk=ret.pk).update(submitted_at=moment(day, 17),
                                                           is_late=day > ret.due_on)
        reporting.return_prepare(actor=work.director, reporter=county.unit, month=this_month)
        if index == 0:
            unit = county.resolve("township:0")
            contact = contact_of(ctx, county, unit)
            ret = reporting.return_prepare(actor=contact, reporter=unit, month=months[1])
            reporting.return_submit(actor=contact, ret=ret, note="本单位整改台账已逐项更新。")
            day = min(ret.due_on - days(2), ctx.today)
            MonthlyReturn.objects.filter(pk=ret.pk).update(submitted_at=moment(day, 16),
                                                           is_late=day > ret.due_on)
        _assignment(ctx, county, answered=index == 0)


def _assignment(ctx: DemoContext, county: County, *, answered: bool) -> None:
    work = county.work
    assert work is not None
    city_director = ctx.people["jiangcheng_director"]
    title, content = texts.CITY_ASSIGNMENT
    a = reporting.city_assignment_add(actor=city_director, county=county.unit, title=title,
                                      content=content,
                                      deadline=ctx.today + days(10 if answered else 20))
    if answered:
        reporting.city_assignment_answer(actor=work.director, assignment=a,
                                         response=texts.CITY_ASSIGNMENT_ANSWER, done=True,
                                         expected_version=a.version)
        backdate(CityAssignment.objects.filter(pk=a.pk), created_at=ctx.today - days(12))


STEPS = [step_plans, step_ledger, step_relapse, step_outcomes, step_rect_reports, step_returns]
