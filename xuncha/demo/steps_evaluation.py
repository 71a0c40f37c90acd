"""Demo steps: evaluation visits, the anonymous survey and an inquiry meeting (domain.md steps 11,
12), through the services.

- 西山县: a three-party visit to a unit whose concentrated period has ended, reported: the survey
  first (codes issued, nine answers online, one paper form), scores on all eight checks, a grade,
  a finding fed back into the ledger, a briefing, a talk (with what was said) and a deduction.
- 东湖区: a visit planned for tomorrow (the day-before notice is the scheduler's job), one on site
  with the reviewers' marks on ledger items, and a 质询会 with 昆明's question and a follow-up
  put into the unit's ledger.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xuncha.demo import texts
from xuncha.demo.clock import backdate, days
from xuncha.demo.context import County, DemoContext, Visit
from xuncha.demo.steps_inspections import head_of
from xuncha.evaluation import inquiry, services
from xuncha.evaluation.models import Body, ConsequenceKind, Evaluation, Mark, Section
from xuncha.findings.models import Problem, ProblemCategory, ProblemOrigin
from xuncha.rectification.models import RectificationTask, TaskStatus
from xuncha.surveys import services as surveys
from xuncha.surveys.models import RATING_OPTIONS

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# Scores (得分率 %) on the eight checks of the reported visit: a "较好".
SCORES = (85, 80, 90, 70, 85, 90, 80, 88)
ANSWERS = 9  # online answers; one paper form more


def _team(county: County) -> list[tuple[User, str, list[str]]]:
    work = county.work
    assert work is not None
    return [
        (work.jiwei[0], Body.DISCIPLINE, [Section.POLITICAL, Section.RESPONSIBILITY]),
        (work.zuzhi, Body.ORGANISATION, [Section.ORGANISATIONAL]),
        (work.staff[1], Body.OFFICE, [Section.IDEOLOGICAL, Section.CONDUCT]),
    ]


def _visit_of(county: County, round_key: str, index: int) -> Visit:
    work = county.work
    assert work is not None
    return work.visit(round_key, index)


def step_evaluations(ctx: DemoContext) -> None:
    counties = ctx.work_counties
    if len(counties) < 2:
        return
    a, b = counties[0], counties[1]
    _reported(ctx, b, _visit_of(b, "r1", 1))
    _tomorrow(ctx, a, _visit_of(a, "r2", 1))
    _on_site(ctx, a, _visit_of(a, "r2", 0))
    _inquiry(ctx, a, _visit_of(a, "r2", 3))


def _plan(ctx: DemoContext, county: County, visit: Visit, in_days: int) -> Evaluation:
    work = county.work
    assert work is not None
    return services.evaluation_plan(
        actor=work.staff[0], unit=visit.unit, inspection=visit.inspection,
        visit_date=ctx.today + days(in_days), leader=work.jiwei[0], members=_team(county))


def _survey(ctx: DemoContext, county: County, ev: Evaluation) -> None:
    """南岸: all the staff in one room, pen only, unsigned — here with one-time codes."""
    work = county.work
    assert work is not None
    survey = surveys.survey_open(actor=work.staff[0], evaluation=ev)
    codes = surveys.codes_issue(actor=work.staff[0], survey=survey, count=ANSWERS + 3)
    rng = ctx.rng
    weights = (5, 3, 1, 1)  # 满意, 比较满意, 基本满意, 不满意
    for code in codes[:ANSWERS]:
        answers: dict[str, str] = {"1": rng.choices(["知道", "知道一部分", "不知道"], (6, 3, 1))[0]}
        for q in range(2, 7):
            answers[str(q)] = rng.choices(RATING_OPTIONS, weights)[0]
        comment = rng.choice(texts.SURVEY_COMMENTS)
        if comment:
            answers["7"] = comment
        surveys.answer_submit(slug=survey.slug, code=code, answers=answers)
    surveys.paper_enter(actor=work.staff[1], survey=survey,
                        answers={"1": "知道", "2": "比较满意", "3": "满意", "4": "比较满意",
                                 "5": "基本满意", "6": "比较满意", "7": "希望评估后继续跟踪。"})
    surveys.survey_close(actor=work.staff[0], survey=survey)


def _reported(ctx: DemoContext, county: County, visit: Visit) -> None:
    work = county.work
    assert work is not None
    ev = _plan(ctx, county, visit, 0)
    services.evaluation_notify(actor=work.staff[0], evaluation=ev)
    _survey(ctx, county, ev)
    ev = services.evaluation_start(actor=work.jiwei[0], evaluation=ev)
    members = {Body.DISCIPLINE: work.jiwei[0], Body.ORGANISATION: work.zuzhi,
               Body.OFFICE: work.staff[1]}
    tasks = list(RectificationTask.objects.filter(plan=visit.plan).order_by("number")[:4])
    for i, task in enumerate(tasks):
        mark = Mark.DOUBTFUL if i == 1 else Mark.VERIFIED
        services.check_mark(actor=members[Body.OFFICE], evaluation=ev, task=task, mark=mark,
                            note="两名班子成员的组织生活会对照检查材料大段雷同。" if i == 1 else "")
    for item, score, reason in zip(ev.items.order_by("number"), SCORES, texts.SCORE_REASONS,
                                   strict=True):
        scorer = members[(Body.DISCIPLINE, Body.ORGANISATION, Body.OFFICE)[item.number % 3]]
        services.item_score(actor=scorer, item=item, score=Decimal(score), reason=reason)
    title, facts = texts.EVALUATION_FINDING
    ev = services.evaluation_report(
        actor=work.jiwei[0], evaluation=ev, summary=texts.EVALUATION_SUMMARY,
        findings=[{"category": ProblemCategory.objects.get(code="0203"), "title": title,
                   "facts": facts.format(y=ctx.today.year - 1), "deadline_days": 30}])
    head = head_of(ctx, county, visit.unit)
    when = ctx.today - days(1)
    services.consequence_add(actor=work.staff[0], evaluation=ev, kind=ConsequenceKind.BRIEFING,
                             person=f"{county.name}分管教育工作的副{county.name[-1]}长",
                             on_date=when, reason="评估发现领导责任倒查不够，在全县巡察整改推进会上通报。")
    services.consequence_add(actor=work.staff[0], evaluation=ev, kind=ConsequenceKind.TALK,
                             person=f"{head.name}（{visit.unit.name}{head.post}）", on_date=when,
                             reason="巡察整改存在领导责任倒查不够、佐证材料雷同等问题。",
                             content=texts.TALK_CONTENT)
    services.consequence_add(actor=work.staff[0], evaluation=ev, kind=ConsequenceKind.DEDUCTION,
                             person=visit.unit.name, on_date=when,
                             reason="巡察整改综合评估发现组织生活会材料雷同。", points=Decimal("2"),
                             year=ctx.today.year)
    # Demo data only: the visit was a week ago (see xuncha.demo.clock).
    visit_day = ctx.today - days(7)
    stamps = {"visit_date": visit_day, "notified_at": visit_day - days(1),
              "reported_at": visit_day + days(5), "created_at": visit_day - days(10)}
    if any(f.name == "visited_at" for f in Evaluation._meta.fields):
        stamps["visited_at"] = visit_day
    backdate(ev, **stamps)
    backdate(Problem.objects.filter(origin=ProblemOrigin.EVALUATION, unit=visit.unit),
             created_at=visit_day + days(5))


def _tomorrow(ctx: DemoContext, county: County, visit: Visit) -> None:
    """Planned for tomorrow: the scheduler's notify_due_visits tells the unit today."""
    _plan(ctx, county, visit, 1)


def _on_site(ctx: DemoContext, county: County, visit: Visit) -> None:
    work = county.work
    assert work is not None
    ev = _plan(ctx, county, visit, 0)
    services.evaluation_notify(actor=work.staff[0], evaluation=ev)
    backdate(ev, notified_at=ctx.today - days(1))
    ev = services.evaluation_start(actor=work.jiwei[0], evaluation=ev)
    tasks = RectificationTask.objects.filter(plan=visit.plan).order_by("number")
    marks = {TaskStatus.CLOSED: (Mark.VERIFIED, ""),
             TaskStatus.CLOSURE_REQUESTED: (Mark.DOUBTFUL, "佐证材料只有文字说明，现场未见制度印发文件。"),
             TaskStatus.IN_PROGRESS: (Mark.NOT_DONE, "超过完成时限仍未完成，未说明原因。"),
             TaskStatus.NOT_STARTED: (Mark.NOT_DONE, "尚未启动整改。")}
    for i, task in enumerate(tasks[:5]):
        mark, note = marks[task.status]
        reviewer = (work.staff[1], work.zuzhi, work.jiwei[0])[i % 3]
        services.check_mark(actor=reviewer, evaluation=ev, task=task, mark=mark, note=note)


def _inquiry(ctx: DemoContext, county: County, visit: Visit) -> None:
    """质询会 (昆明): 对账, 交账, 销账, 清账 — questions to the units, a follow-up into the ledger."""
    work = county.work
    assert work is not None and ctx.city is not None
    held = ctx.today - days(20)
    meeting = inquiry.meeting_record(actor=work.staff[0], committee=county.unit, held_on=held,
                                     title=f"{county.name}巡察整改和问题线索办理情况质询会",
                                     reporting_units=[visit.unit, _visit_of(county, "r2", 2).unit])
    head = head_of(ctx, county, visit.unit)
    city = ctx.people["jiangcheng_director"]
    inquiry.question_add(actor=work.staff[0], meeting=meeting,
                         asked_by=f"{city.name}（市委巡察办主任、统合巡察组组长）",
                         respondent=f"{head.name}（{visit.unit.name}{head.post}）",
                         question=texts.INQUIRY_QUESTION, answer=texts.INQUIRY_ANSWER)
    inquiry.question_add(actor=work.staff[0], meeting=meeting,
                         asked_by=f"{work.fushuji.name}（{county.committee}副书记、巡察工作领导小组组长）",
                         respondent=f"{work.jiwei[0].name}（{work.jiwei[0].post}）",
                         question=texts.INQUIRY_QUESTION_2,
                         answer="初步核实中发现部分问题已在巡察后自行纠正，但涉及金额以巡察认定为准，"
                                "已责成重新核实。")
    title, facts = texts.INQUIRY_FOLLOW_UP
    inquiry.follow_up(actor=work.staff[0], meeting=meeting, unit=visit.unit,
                      category=ProblemCategory.objects.get(code="0302"), title=title, facts=facts,
                      deadline_days=30)


STEPS = [step_evaluations]
