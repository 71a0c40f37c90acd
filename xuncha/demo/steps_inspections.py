"""Demo steps: the inspection work of a county, through the services (domain.md steps 1–5).

Per county: the term's coverage plan and the 十二看 checklist; conflict declarations; four rounds of
different kinds (东湖区: 常规, 专项·优化营商环境, 市县统合·联动式 with the city office, 回头看 on
site now; 西山县: 常规, 专项·惠民惠农资金, 机动·村级三资, 常规 in 筹备), two teams of 5–7 each,
2–3 targets per team; 开单子 intake with follow-up marks; 5–9 problems per entered inspection;
recommendations; reports with annotations, one returned once, one problem turned into a lead by a
reviewer; the three-party sign-off (one list left in 反馈 with a signature voided by a change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from xuncha.core.errors import ValidationFailed
from xuncha.demo import texts
from xuncha.demo.clock import backdate, cn_date, days, moment
from xuncha.demo.context import County, CountyWork, DemoContext, Visit, unit_posts
from xuncha.findings import services as findings
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.inspections import conflicts, services
from xuncha.inspections.models import (
    ChecklistTemplate,
    ConflictDeclaration,
    ConflictKind,
    ConflictOverride,
    CoordinatedForm,
    Inspection,
    IntakeItem,
    IntakeStatus,
    Position,
    Round,
    RoundChecklistItem,
    RoundKind,
    Team,
    TeamMember,
)
from xuncha.reports import services as reports
from xuncha.reports.models import Annotation, FeedbackList, FeedbackSignature, ReportVersion

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit


@dataclass(frozen=True)
class RoundSpec:
    key: str
    kind: str
    anchor: str  # "term": days after the term started; "today": days from today
    offset: int
    length: int  # days on site
    teams: tuple[tuple[str, ...], ...]  # target keys (County.resolve) per team
    fate: str
    theme: str = ""
    fits: str = ""  # the kind of problem the theme looks for (texts.BUSINESS …)
    notes: str = ""
    fates: dict[str, str] = field(default_factory=dict)  # per target key, when not ``fate``


SCENARIOS: tuple[tuple[RoundSpec, ...], ...] = (
    (  # 东湖区
        RoundSpec("r1", RoundKind.REGULAR, "term", 215, 56,
                  (("township:0", "wjw", "village:0:0"), ("chengtou", "yizhong")), "old"),
        RoundSpec("r2", RoundKind.THEMATIC, "today", -430, 48,
                  (("scjgj", "fgw", "zrzyj"), ("swj", "gxj")), "mid", theme="优化营商环境",
                  fits=texts.BUSINESS,
                  notes="聚焦“放管服”改革、惠企政策落实、涉企执法和拖欠企业账款。"),
        RoundSpec("r3", RoundKind.COORDINATED, "today", -150, 45,
                  (("township:1", "township:5"), ("village:5:0", "village:5:1")), "recent",
                  notes="市委巡察办统筹指导，市县两级抽调人员混合编组，破解“熟人社会”监督难题。",
                  fates={"township:1": "feedback_voided"}),
        RoundSpec("r4", RoundKind.REVISIT, "today", -12, 45,
                  (("township:0", "wjw"), ("chengtou", "yizhong")), "on_site",
                  notes="对第一轮巡察反馈问题整改情况开展“回头看”。"),
    ),
    (  # 西山县
        RoundSpec("r1", RoundKind.REGULAR, "term", 230, 52,
                  (("township:0", "jyj", "village:0:0"), ("shuiwu", "renmin")), "old"),
        RoundSpec("r2", RoundKind.THEMATIC, "today", -410, 46,
                  (("nyj", "mzj", "township:2"), ("village:2:0", "village:2:1")), "mid",
                  theme="惠民惠农财政补贴资金管理使用", fits=texts.FUNDS,
                  notes="聚焦扶贫领域和惠民惠农补贴“一卡通”资金。"),
        RoundSpec("r3", RoundKind.SNAP, "today", -140, 40,
                  (("village:1:0", "village:1:1"), ("township:1", "village:3:0")), "recent",
                  fits=texts.ASSETS, notes="机动巡察：聚焦村级“三资”管理和村级工程项目。"),
        RoundSpec("r4", RoundKind.REGULAR, "today", 16, 60,
                  (("zjj", "jtj"), ("township:4", "zhongyi")), "preparing"),
    ),
)
REPORTED = ("old", "mid", "recent", "feedback_voided")
SIGNED = ("old", "mid", "recent")
KIND_FITS = {"department": texts.DEPT, "township": texts.TOWN, "street": texts.TOWN,
             "village": texts.VILLAGE, "community": texts.VILLAGE, "state_firm": texts.FIRM,
             "school": texts.SCHOOL, "hospital": texts.HOSPITAL}


def _flush_people(ctx: DemoContext, before_users: int, before_assignments: int) -> None:
    from xuncha.accounts.models import RoleAssignment, User

    User.objects.bulk_create(ctx.users[before_users:])
    RoleAssignment.objects.bulk_create(ctx.assignments[before_assignments:])


def _ensure_unit_people(ctx: DemoContext, county: County, units: list[Unit]) -> None:
    """Every target gets a first responsible person and a rectification contact (the demo's
    people step gives them to a few units only)."""
    n_users, n_assignments = len(ctx.users), len(ctx.assignments)
    for unit in units:
        slug = ctx.slug_of(unit)
        if f"{county.slug}_{slug}_head" in ctx.people:
            continue
        head_post, contact_post = unit_posts(unit)
        ctx.add_person(role="unit_head", username=f"{county.slug}_{slug}_head", unit=unit,
                       post=head_post)
        ctx.add_person(role="unit_contact", username=f"{county.slug}_{slug}_contact", unit=unit,
                       post=contact_post)
    _flush_people(ctx, n_users, n_assignments)


def head_of(ctx: DemoContext, county: County, unit: Unit) -> User:
    return ctx.people[f"{county.slug}_{ctx.slug_of(unit)}_head"]


def contact_of(ctx: DemoContext, county: County, unit: Unit) -> User:
    return ctx.people[f"{county.slug}_{ctx.slug_of(unit)}_contact"]


# --- setup ------------------------------------------------------------------------------------

def step_setup(ctx: DemoContext) -> None:
    """Per county: people by role, the coverage plan (10 rounds), the default 十二看 template,
    the inspectors' conflict declarations."""
    for index, county in enumerate(ctx.counties[:2]):
        s = county.slug
        p = ctx.people
        work = CountyWork(
            term=ctx.current_terms[county.unit.pk], director=p[f"{s}_director"],
            staff=[p[f"{s}_staff1"], p[f"{s}_staff2"]],
            leaders=[p[f"{s}_leader1"], p[f"{s}_leader2"]],
            inspectors=[p[f"{s}_member{i}"] for i in range(1, 13)],
            jiwei=[p[f"{s}_jiwei1"], p[f"{s}_jiwei2"]], zuzhi=p[f"{s}_zuzhi"],
            shuji=p[f"{s}_shuji"], fushuji=p[f"{s}_fushuji"])
        county.work = work
        targets = [county.resolve(k) for spec in SCENARIOS[index] for team in spec.teams
                   for k in team]
        _ensure_unit_people(ctx, county, list({u.pk: u for u in targets}.values()))
        services.coverage_plan_build(actor=work.director, term=work.term, planned_rounds=10)
        services.checklist_template_save(actor=work.director, committee=county.unit,
                                         name="政治监督“十二看”重点清单",
                                         items=services.TWELVE_LOOKS, is_default=True)
        _declarations(ctx, county, index)
        start = work.term.start_date
        backdate(work.term.coverage_plan, created_at=start + days(20))
        backdate(ChecklistTemplate.objects.filter(committee=county.unit), created_at=start + days(25))
        backdate(ConflictDeclaration.objects.filter(user__unit__county=county.unit),
                 created_at=start + days(40))


def _declarations(ctx: DemoContext, county: County, index: int) -> None:
    """任职回避、公务回避: filed by the inspectors themselves before any round."""
    work = county.work
    assert work is not None
    if index == 0:
        # A relative in a unit the first round inspects: the director's written override follows.
        conflicts.declaration_add(actor=work.inspectors[4], unit=county.resolve("wjw"),
                                  kind=ConflictKind.RELATIVE, relative_name=ctx.person_name(),
                                  relation="配偶", description="在该单位疾病预防控制科工作")
        conflicts.declaration_add(actor=work.inspectors[5], unit=county.resolve("township:2"),
                                  kind=ConflictKind.WORKED_IN, period="2016年3月至2020年8月",
                                  description="曾任该街道党工委副书记")
    else:
        conflicts.declaration_add(actor=work.inspectors[6], unit=county.resolve("chengtou"),
                                  kind=ConflictKind.RELATIONSHIP,
                                  description="其弟经营的建筑公司承接该公司工程项目")
        conflicts.declaration_add(actor=work.inspectors[2], unit=county.resolve("township:3"),
                                  kind=ConflictKind.WORKED_IN, period="2013年至2018年",
                                  description="曾任该镇纪委书记")


# --- rounds, teams, targets, intake ----------------------------------------------------------

def _entry(spec: RoundSpec, term_start: date, today: date) -> date:
    return term_start + days(spec.offset) if spec.anchor == "term" else today + days(spec.offset)


def step_rounds(ctx: DemoContext) -> None:
    for index, county in enumerate(ctx.work_counties):
        for spec in SCENARIOS[index]:
            _round(ctx, county, spec)


def _round(ctx: DemoContext, county: County, spec: RoundSpec) -> None:
    work = county.work
    assert work is not None and ctx.city is not None
    office = work.staff[0]
    entry = _entry(spec, work.term.start_date, ctx.today)
    coordinated = spec.kind == RoundKind.COORDINATED
    rnd = services.round_create(
        actor=work.director, term=work.term, kind=spec.kind, entry_date=entry,
        exit_date=entry + days(spec.length), theme=spec.theme, notes=spec.notes,
        coordinated_form=CoordinatedForm.LINKED if coordinated else "",
        # The service accepts only a unit at city level or above, and the city's 巡察办 is a
        # committee office one level down (KIND_LEVEL): the city itself stands for its office.
        co_organiser=ctx.city if coordinated else None)
    work.rounds[spec.key] = rnd
    targets = [[county.resolve(k) for k in keys] for keys in spec.teams]
    pool = list(work.inspectors)
    ctx.rng.shuffle(pool)
    forced = work.inspectors[4] if (spec.key == "r1" and county is ctx.counties[0]) else None
    for number, units in enumerate(targets, start=1):
        team = services.team_create(actor=office, rnd=rnd)
        work.teams[(spec.key, number)] = team
        services.team_add_member(actor=office, team=team, user=work.leaders[number - 1],
                                 position=Position.LEADER)
        size = ctx.rng.randint(5, 7)
        chosen: list[User] = [forced] if (forced and number == 1) else []
        for user in list(pool):
            if len(chosen) >= size - 1:
                break
            if user in chosen or any(services.conflict_reasons(user, u) for u in units):
                continue
            chosen.append(user)
        for user in chosen:
            pool.remove(user)
        deputies = ctx.rng.randint(1, 2)
        for i, user in enumerate(chosen):
            services.team_add_member(actor=office, team=team, user=user,
                                     position=Position.DEPUTY if i < deputies else Position.MEMBER)
        key_of = dict(zip(units, spec.teams[number - 1], strict=True))
        for unit in units:
            fate = spec.fates.get(key_of[unit], spec.fate)
            try:
                insp = services.inspection_assign(actor=office, team=team, unit=unit)
            except ValidationFailed as exc:
                if getattr(exc, "code", "") != "conflict_of_interest":
                    raise
                # 回避例外: the director approves in writing, and it is audited.
                insp = services.inspection_assign(
                    actor=work.director, team=team, unit=unit,
                    override_reason="该同志配偶在被巡察单位非领导岗位工作，经研究同意其参加本轮巡察，"
                                    "仅负责财务资料核查，不参与涉及其配偶所在科室的个别谈话和核查。")
            work.visits.append(Visit(inspection=insp, round_key=spec.key, team_number=number,
                                     fate=fate, entered_on=entry))
    _intake(ctx, county, rnd, [u for units in targets for u in units], spec)
    # 进驻 (a 回头看 can only revisit an inspection that was entered, so each round enters before
    # the next is planned).
    for visit in work.visits:
        if visit.round_key == spec.key and visit.fate != "preparing":
            visit.inspection = services.inspection_enter(actor=office, inspection=visit.inspection)
            backdate(visit.inspection, entered_at=entry)
    # Demo data only: the round was planned about a month before entry (see xuncha.demo.clock).
    backdate(rnd, created_at=entry - days(35))
    backdate(Team.objects.filter(round=rnd), created_at=entry - days(30))
    backdate(TeamMember.objects.filter(team__round=rnd), created_at=entry - days(30))
    backdate(Inspection.objects.filter(round=rnd), created_at=entry - days(28))
    backdate(ConflictOverride.objects.filter(member__team__round=rnd), created_at=entry - days(28))
    for item in IntakeItem.objects.filter(round=rnd):
        backdate(item, created_at=item.received_on)


def _intake(ctx: DemoContext, county: County, rnd: Round, units: list[Unit],
            spec: RoundSpec) -> None:
    """开单子: opinions from associations, firms and the public; what partner bodies know."""
    work = county.work
    assert work is not None and ctx.city is not None
    rng = ctx.rng
    opinions = list(texts.OPINIONS)
    if spec.fits != texts.BUSINESS:
        rng.shuffle(opinions)
    supervision = list(texts.SUPERVISION)
    rng.shuffle(supervision)
    picked = opinions[: 4 if spec.fits == texts.BUSINESS else 2] + supervision[:3]
    for i, (source, who, content) in enumerate(picked):
        unit = units[i % len(units)]
        values = {"county": county.name, "city": ctx.city.name, "unit": unit.short_name,
                  "n": rng.randint(3, 9), "k": rng.randint(1, 2), "y": rnd.entry_date.year - 1}
        services.intake_item_create(
            actor=work.staff[1], rnd=rnd, source_kind=source, source_name=who.format(**values),
            content=content.format(**values), target_units=[unit],
            received_on=rnd.entry_date - days(rng.randint(8, 25)))


# --- on site: entry, intake follow-up, problems, recommendations --------------------------------

def step_on_site(ctx: DemoContext) -> None:
    for county in ctx.work_counties:
        work = county.work
        assert work is not None
        categories = {c.code: c for c in ProblemCategory.objects.all()}
        for visit in work.visits:
            if visit.fate != "preparing":
                _problems(ctx, county, visit, categories)
        for visit in work.visits:
            if visit.fate != "preparing":
                _mark_intake(ctx, county, visit)
        _recommendations(ctx, county)


def _team(ctx: DemoContext, visit: Visit) -> list[User]:
    """The team, leader first, as the context's own user objects (their permissions are cached
    on them, which saves the services a few thousand queries)."""
    usernames = visit.inspection.team.members.order_by("id").values_list("user__username", flat=True)
    return [ctx.people[u] for u in usernames]


def _values(ctx: DemoContext, visit: Visit, text: texts.ProblemText) -> dict[str, Any]:
    rng = ctx.rng
    year = visit.inspection.round.entry_date.year - 1
    n = rng.randint(4, 12)
    m = rng.randint(2, max(2, n // 2))
    lo, hi = text.money or (1000, 9000)
    mo1 = rng.randint(1, 8)
    return {"y": year, "y1": year - 2, "y2": year + 1, "n": n, "m": m,
            "k": rng.randint(1, min(m, 3)), "n2": rng.randint(18, 60), "amt": rng.randint(lo, hi) // 10 * 10,
            "p": rng.randint(10, 35), "q": rng.randint(28, 45), "x": rng.randint(2, 9),
            "age": rng.randint(54, 62), "mo1": mo1, "mo2": mo1 + rng.randint(2, 4),
            "who": rng.choice(_SURNAMES) + rng.choice(("某某", "某")), "title": ""}


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"


def _texts_for(ctx: DemoContext, visit: Visit) -> list[texts.ProblemText]:
    spec = _spec_of(ctx, visit)
    kind = KIND_FITS[visit.unit.kind]
    themed = [t for t in texts.PROBLEMS if kind in t.fits and spec.fits and spec.fits in t.fits]
    plain = [t for t in texts.PROBLEMS if kind in t.fits and t not in themed]
    ctx.rng.shuffle(themed)
    ctx.rng.shuffle(plain)
    count = ctx.rng.randint(5, 8)
    chosen = (themed[:3] + plain)[:count]
    return chosen


def _spec_of(ctx: DemoContext, visit: Visit) -> RoundSpec:
    index = next(i for i, c in enumerate(ctx.counties) if c.work is not None
                 and visit in c.work.visits)
    return next(s for s in SCENARIOS[index] if s.key == visit.round_key)


def _problems(ctx: DemoContext, county: County, visit: Visit,
              categories: dict[str, ProblemCategory]) -> None:
    work = county.work
    assert work is not None
    insp = visit.inspection
    team = _team(ctx, visit)
    writers = team[1:] or team
    checklist = {i.number: i for i in RoundChecklistItem.objects.filter(round=insp.round)}
    chosen = _texts_for(ctx, visit)
    if visit.round_key == "r3" and county is ctx.counties[0] and visit.unit.kind == "township" \
            and visit.fate == "recent":
        chosen.insert(2, texts.UNDERAGE)  # missed by the team as "general": a reviewer will see
    earlier: Problem | None = None
    if insp.previous_id and visit is work.visits_in("on_site")[0]:
        # 回头看: the first problem fed back last time is found again (改后又犯).
        before = next(v for v in work.visits if v.inspection.pk == insp.previous_id)
        earlier = before.problems[0]
        chosen.insert(0, texts.RELAPSE)
    found = list(IntakeItem.objects.filter(round=insp.round, target_units=insp.unit).order_by("id"))
    entry, exit_ = insp.round.entry_date, insp.round.exit_date
    for i, text in enumerate(chosen):
        values = _values(ctx, visit, text)
        if text is texts.RELAPSE and earlier is not None:
            values["title"] = earlier.title
            values["y"] = earlier.inspection.round.exit_date.year
        intake = found[:1] if (i == 0 and found and ctx.rng.random() < 0.6) else []
        problem = findings.problem_create(
            actor=writers[i % len(writers)], inspection=insp, category=categories[text.category],
            title=text.title.format(**values), facts=text.facts.format(**values),
            severity=text.severity, checklist_item=checklist.get(text.look), intake_items=intake,
            is_common=text.common and ctx.rng.random() < 0.6, names_people=text.names_people)
        problem._demo_text = text  # type: ignore[attr-defined]
        problem._demo_values = values  # type: ignore[attr-defined]
        visit.problems.append(problem)
        if text is texts.RELAPSE:
            ctx.notes.setdefault("relapses", []).append((earlier, problem, visit))
        span = max(1, min((exit_ - entry).days, (ctx.today - entry).days) - 1)
        backdate(problem, created_at=moment(entry + days(ctx.rng.randint(1, span)), 15))


def _mark_intake(ctx: DemoContext, county: County, visit: Visit) -> None:
    """The team records what it followed up: found (linked to a problem), followed, not found."""
    insp = visit.inspection
    leader = _team(ctx, visit)[0]
    for item in IntakeItem.objects.filter(round=insp.round, target_units=insp.unit,
                                          status=IntakeStatus.PENDING).order_by("id"):
        linked = item.problems.exists()
        if visit.fate == "on_site" and not linked:
            continue  # still being checked
        status = IntakeStatus.FOUND if linked else ctx.rng.choice(
            [IntakeStatus.FOLLOWED, IntakeStatus.UNSUBSTANTIATED])
        services.intake_item_mark(actor=leader, item=item, status=status,
                                  note=texts.FOLLOW_UP[status], expected_version=item.version)


def _recommendations(ctx: DemoContext, county: County) -> None:
    """专项治理建议 to functional departments, from the first inspections of the first three
    rounds; the office sends most of them on."""
    work = county.work
    assert work is not None
    recs = list(texts.RECOMMENDATIONS)
    ctx.rng.shuffle(recs)
    for n, key in enumerate(("r1", "r2", "r3")):
        visit = work.visit(key, 0)
        for slug, title, content in recs[2 * n: 2 * n + 2]:
            if slug not in county.units:
                continue
            problems = visit.problems[:2]
            rec = findings.recommendation_create(actor=_team(ctx, visit)[0],
                                                 inspection=visit.inspection,
                                                 department=county.units[slug], title=title,
                                                 content=content, problems=problems)
            if key != "r3" or slug == recs[4][0]:
                findings.recommendation_send(actor=work.staff[0], recommendation=rec)
            backdate(rec, created_at=visit.inspection.round.exit_date - days(3))


# --- report, review, feedback -------------------------------------------------------------------

def step_reports(ctx: DemoContext) -> None:
    for county in ctx.work_counties:
        work = county.work
        assert work is not None
        returned = False
        for visit in work.visits:
            if visit.fate not in REPORTED:
                if visit is next(iter(work.visits_in("on_site")), None):
                    _draft_only(ctx, visit)
                continue
            exit_ = visit.inspection.round.exit_date
            visit.reported_on = exit_ + days(8)
            visit.approved_on = exit_ + days(20)
            visit.signed_on = exit_ + days(27)
            if visit.fate == "feedback_voided":
                visit.approved_on = ctx.today - days(9)
                visit.reported_on = visit.approved_on - days(10)
            return_it = not returned and visit.round_key == "r2"
            returned = returned or return_it
            _report(ctx, county, visit, return_it=return_it)
            _sign(ctx, county, visit)
            _backdate_visit(visit)


def _body(visit: Visit, problems: list[Problem]) -> tuple[str, str]:
    insp = visit.inspection
    rnd = insp.round
    term_unit = rnd.term.unit
    committee = f"中共{term_unit.name}委"  # 中共东湖区委, 中共西山县委
    kind = RoundKind(rnd.kind).label
    title = f"{committee}{insp.team.name}关于巡察{insp.unit.name}党组织的情况报告"
    lines = [
        "# 一、巡察工作基本情况", "",
        f"根据{committee}统一部署，{insp.team.name}于{cn_date(rnd.entry_date)}至"
        f"{cn_date(rnd.exit_date)}对{insp.unit.name}党组织开展了{kind}"
        + (f"（{rnd.theme}）" if rnd.theme else "") + "。巡察期间，共个别谈话"
        f"{28 + 3 * len(problems)}人次，受理来信来电来访{4 + len(problems)}件，查阅资料"
        f"{120 + 10 * len(problems)}份，下沉走访{6 + len(problems) // 2}个点位。", "",
        "# 二、发现的主要问题", "",
    ]
    for i, p in enumerate(problems, start=1):
        lines.append(f"{i}. {p.title}。{p.facts}")
    lines += ["", "# 三、意见建议", "",
              "- 压紧压实全面从严治党主体责任，主要负责人切实履行整改第一责任人职责。",
              "- 针对发现的问题深入剖析原因，举一反三，建章立制，防止边改边犯、改后又犯。",
              "- 对涉及具体人员的问题，既追究直接责任，也倒查领导责任和主体责任。", "",
              "# 四、问题线索", "",
              "巡察中发现的问题线索已按程序另行报送，不在本报告中列明。"]
    return title, "\n".join(lines)


def _draft_only(ctx: DemoContext, visit: Visit) -> None:
    """A report still being drafted on site (the team's working version)."""
    leader = _team(ctx, visit)[0]
    title, body = _body(visit, visit.problems)
    reports.report_save_draft(actor=leader, inspection=visit.inspection, title=title,
                              body=body.replace("# 三、意见建议", "# 三、意见建议（待补充）"),
                              cited_problems=visit.problems)


def _report(ctx: DemoContext, county: County, visit: Visit, *, return_it: bool) -> None:
    work = county.work
    assert work is not None
    team = _team(ctx, visit)
    leader = team[0]
    insp = visit.inspection
    reviewers = [work.director, work.shuji]
    if insp.round.kind == RoundKind.COORDINATED:
        reviewers.append(ctx.people["jiangcheng_director"])  # 双报告: the city office reviews too
    title, body = _body(visit, visit.problems)
    version = reports.report_save_draft(actor=leader, inspection=insp, title=title, body=body,
                                        cited_problems=visit.problems)
    version = reports.report_submit(actor=leader, version=version)
    rng = ctx.rng
    if return_it:
        reports.annotation_add(actor=work.director, version=version, body=texts.ANNOTATIONS[0],
                               quote=visit.problems[0].title, problem=visit.problems[0])
        reports.report_return(actor=work.director, version=version, reason=texts.RETURN_REASON)
        version = reports.report_save_draft(
            actor=leader, inspection=insp, title=title,
            body=body.replace("# 三、意见建议",
                              "（已按审阅意见补充具体时间、金额和责任人。）\n\n# 三、意见建议"),
            cited_problems=visit.problems)
        version = reports.report_submit(actor=leader, version=version)
    notes = list(texts.ANNOTATIONS[1:])
    rng.shuffle(notes)
    annotated = 0
    for n, reviewer in enumerate(reviewers):
        if n and rng.random() < 0.5 and reviewer is not reviewers[-1]:
            continue
        problem = visit.problems[(n + 1) % len(visit.problems)]
        a = reports.annotation_add(actor=reviewer, version=version, body=notes[n % len(notes)],
                                   quote=problem.title, problem=problem)
        reports.annotation_reply(actor=team[min(n, len(team) - 1)] if n else leader, annotation=a,
                                 reply=texts.REPLIES[annotated % len(texts.REPLIES)])
        annotated += 1
    underage = next((p for p in visit.problems if getattr(p, "_demo_text", None) is texts.UNDERAGE),
                    None)
    if underage is not None:
        _convert_underage(ctx, county, visit, underage)
    reports.report_approve(actor=work.director, version=version)


def _convert_underage(ctx: DemoContext, county: County, visit: Visit, problem: Problem) -> None:
    """昆明: the reviewer sees that a "general problem" names people and re-classifies it."""
    from xuncha.leads.services import problem_convert_to_lead

    work = county.work
    assert work is not None
    lead_text = texts.LEADS["underage"]
    persons = [{"name": ctx.person_name(), "post": post, "is_village_cadre": village}
               for post, village in zip(lead_text.posts, lead_text.village, strict=True)]
    lead = problem_convert_to_lead(
        actor=work.shuji, problem=problem, persons=persons, summary=lead_text.summary,
        note="审阅意见：该问题涉及具体人员违规违纪，不应作为一般问题反馈，转为问题线索移交纪委监委。")
    visit.problems.remove(problem)
    ctx.notes.setdefault("converted_leads", []).append(lead)


def _sign(ctx: DemoContext, county: County, visit: Visit) -> None:
    """三方签字背书: the unit's head, the team leader, the office director."""
    work = county.work
    assert work is not None
    leader = _team(ctx, visit)[0]
    head = head_of(ctx, county, visit.unit)
    fb = FeedbackList.objects.get(inspection=visit.inspection)
    if visit.fate == "feedback_voided":
        reports.feedback_sign(actor=leader, feedback=fb, expected_hash=fb.content_hash)
        # The team corrects a fact after the leader signed: the signature is void, and says why.
        problem = visit.problems[1]
        problem.refresh_from_db()
        findings.problem_update(actor=leader, problem=problem, expected_version=problem.version,
                                facts=problem.facts + "（经与被巡察单位核对，更正了涉及的数量。）")
        fb.refresh_from_db()
        reports.feedback_sign(actor=work.director, feedback=fb, expected_hash=fb.content_hash)
        return
    for who in (head, leader, work.director):
        fb.refresh_from_db()
        reports.feedback_sign(actor=who, feedback=fb, expected_hash=fb.content_hash)
    visit.inspection = Inspection.objects.select_related("round", "team", "unit").get(
        pk=visit.inspection.pk)


def _backdate_visit(visit: Visit) -> None:
    """Demo data only: the stage time stamps of the story (see xuncha.demo.clock)."""
    insp = visit.inspection
    assert visit.reported_on and visit.approved_on
    fields: dict[str, Any] = {"entered_at": insp.round.entry_date,
                              "reported_at": visit.reported_on, "feedback_at": visit.approved_on}
    if visit.fate in SIGNED:
        fields["rectification_started_at"] = visit.signed_on
    backdate(insp, **fields)
    versions = ReportVersion.objects.filter(inspection=insp).order_by("number")
    for i, v in enumerate(versions):
        submitted = visit.reported_on + days(6 * i)
        decided = visit.approved_on if i == len(versions) - 1 else submitted + days(4)
        backdate(v, created_at=submitted - days(2), submitted_at=submitted, decided_at=decided)
        backdate(Annotation.objects.filter(version=v), created_at=submitted + days(2),
                 replied_at=submitted + days(3))
    fb = FeedbackList.objects.get(inspection=insp)
    signatures = FeedbackSignature.objects.filter(feedback=fb)
    if visit.fate in SIGNED:
        backdate(fb, generated_at=visit.approved_on, completed_at=visit.signed_on)
        backdate(signatures, signed_at=visit.signed_on)
    else:
        # Signed by the leader three days after approval; voided when a fact was corrected the
        # week after; the director signed the corrected list.
        backdate(fb, generated_at=visit.approved_on + days(6))
        backdate(signatures.filter(voided_at__isnull=False), signed_at=visit.approved_on + days(3),
                 voided_at=visit.approved_on + days(6))
        backdate(signatures.filter(voided_at__isnull=True), signed_at=visit.approved_on + days(7))
    insp.refresh_from_db()


STEPS = [step_setup, step_rounds, step_on_site, step_reports]
