"""Demo steps: problem leads in every stage (domain.md step 9), through the services.

已登记, 已移交, 已受理, 谈话函询, 初步核实, 暂存待查, 予以了结, 立案审查调查, 审理, 处分决定 (with a
sanction) and 办结 all occur. Among them: village-cadre leads escalated to the county commission by
rule, one escalated to the city commission with a reason, two fast-track leads (one overdue), the
lead a reviewer made from a problem, a hand-over form on file, funds recovered after a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from xuncha.demo import texts
from xuncha.demo.clock import backdate, days
from xuncha.demo.context import County, DemoContext
from xuncha.demo.files import evidence
from xuncha.leads import handling
from xuncha.leads.models import Escalation, Lead, LeadStage, LeadStep
from xuncha.leads.services import lead_register
from xuncha.outcomes.services import funds_add

if TYPE_CHECKING:
    from xuncha.accounts.models import User


@dataclass(frozen=True)
class LeadSpec:
    round_key: str
    visit: int  # index of the visit in the round
    text: str  # key of texts.LEADS
    path: tuple[str, ...]  # handling actions after receipt
    transfer: bool = True
    receive: bool = True
    fast_track: str = ""  # "overdue" or "running"
    city: bool = False  # 提级至市纪委监委
    posts: tuple[str, ...] = ()  # instead of the text's posts
    handover_form: bool = False


SPECS: tuple[tuple[LeadSpec, ...], ...] = (
    (  # 东湖区
        LeadSpec("r1", 3, "project_meddling",
                 ("verify", "file_case", "to_trial", "sanction", "conclude"),
                 posts=("副总经理", "个体经营者"), handover_form=True),
        LeadSpec("r1", 1, "reimbursement", ("talk_inquiry", "close_no_action"),
                 posts=("党组书记、主任",)),
        LeadSpec("r2", 0, "banquet", ("verify", "file_case", "to_trial", "sanction")),
        LeadSpec("r2", 3, "on_site", ("verify", "file_case", "to_trial")),
        LeadSpec("r3", 1, "city_case", ("verify", "file_case"), city=True),
        LeadSpec("r3", 2, "housing_fraud", ("verify",), fast_track="overdue"),
        LeadSpec("r4", 0, "registered", (), transfer=False, posts=("社区居委会主任",)),
    ),
    (  # 西山县
        LeadSpec("r1", 2, "land_compensation",
                 ("verify", "file_case", "to_trial", "sanction", "conclude")),
        LeadSpec("r2", 2, "talk", ("talk_inquiry",)),
        LeadSpec("r2", 1, "shelved", ("shelve",)),
        LeadSpec("r3", 0, "fast_receive", (), fast_track="running"),
        LeadSpec("r3", 1, "transferred", (), receive=False),
        LeadSpec("r3", 3, "grain", ("verify",)),
        LeadSpec("r3", 2, "subsidy_fraud", (), transfer=False, posts=("镇农业服务中心主任",)),
    ),
)


def _id_number(ctx: DemoContext, born: date) -> str:
    """A made-up resident ID number of the right shape (GB 11643 check digit)."""
    body = f"5001{ctx.rng.randint(10, 99)}{born:%Y%m%d}{ctx.rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def step_leads(ctx: DemoContext) -> None:
    for index, county in enumerate(ctx.work_counties):
        for spec in SPECS[index]:
            _lead(ctx, county, spec)
        _converted(ctx, county)


def _lead(ctx: DemoContext, county: County, spec: LeadSpec) -> None:
    work = county.work
    assert work is not None
    rng = ctx.rng
    visit = work.visit(spec.round_key, spec.visit)
    insp = visit.inspection
    text = texts.LEADS[spec.text]
    posts = spec.posts or text.posts
    villages = text.village or tuple(False for _ in posts)
    persons = []
    for i, post in enumerate(posts):
        person = {"name": ctx.person_name(), "post": post, "is_village_cadre": villages[i]}
        if i == 0:
            person["id_number"] = _id_number(ctx, date(rng.randint(1965, 1985), rng.randint(1, 12),
                                                       rng.randint(1, 28)))
            person["phone"] = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        persons.append(person)
    year = insp.round.entry_date.year - 1
    mo1 = rng.randint(1, 8)
    values = {f"p{i}": p["name"] for i, p in enumerate(persons)} | {
        "y": year - 1, "y2": year, "n": rng.randint(2, 6), "k": rng.randint(2, 5),
        "amt": rng.randint(*text.amount) // 10 * 10, "mo1": mo1, "mo2": mo1 + 3}
    leader = ctx.people[insp.team.members.get(position="leader").user.username]
    lead = lead_register(actor=leader, inspection=insp, summary=text.summary,
                         facts=text.facts.format(**values), persons=persons)
    registered = min(insp.round.entry_date + days(rng.randint(10, 30)), insp.round.exit_date,
                     ctx.today - days(1))
    backdate(lead, created_at=registered)
    if not spec.transfer:
        return
    _handle(ctx, county, lead, spec, text, registered)


def _handle(ctx: DemoContext, county: County, lead: Lead, spec: LeadSpec, text: texts.LeadText,
            registered: date) -> None:
    work = county.work
    assert work is not None
    exit_ = lead.inspection.round.exit_date
    transferred = min(max(exit_ + days(5), registered + days(3)), ctx.today - days(1))
    if spec.fast_track == "running":
        transferred = ctx.today - days(12)
    form = evidence("问题线索移交函.pdf", f"handover {county.slug} {lead.inspection_id}-{lead.number}") \
        if spec.handover_form else None
    lead = handling.lead_transfer(
        actor=work.director, lead=lead, priority=True, fast_track=bool(spec.fast_track),
        escalation=Escalation.CITY if spec.city else "",
        escalation_reason=("涉及县管干部，与市委巡察组掌握的问题线索相互印证，案情重大，报请提级至"
                           "市纪委监委查办。") if spec.city else "",
        transferred_on=transferred, handover_form=form)
    backdate(lead, transferred_at=transferred)
    backdate(LeadStep.objects.filter(lead=lead), created_at=transferred)
    if not spec.receive:
        return
    handler: User = ctx.people["jiangcheng_jiwei"] if spec.city else work.jiwei[0]
    lead = handling.lead_receive(actor=handler, lead=lead)
    received = transferred + days(2)
    backdate(lead, received_at=received)
    backdate(LeadStep.objects.filter(lead=lead, to_stage=LeadStage.RECEIVED), on_date=received,
             created_at=received)
    day = received
    gap = max(3, min(20, (ctx.today - received).days // (len(spec.path) + 1)))
    for action in spec.path:
        day = min(day + days(gap), ctx.today - days(1))
        result = ""
        if action == "close_no_action":
            result = text.result or "经核实，反映问题不属实，予以了结"
        elif action == "conclude":
            result = (text.result or "依规依纪作出处理") + (
                f"{text.money}元" if text.money and ("追缴" in text.result or "收缴" in text.result)
                else "")
        lead = handling.lead_advance(actor=handler, lead=lead, action=action, on_date=day,
                                     note=texts.LEAD_STEP_NOTES[action], result_summary=result)
        if action == "sanction":
            kind, detail = text.sanction
            handling.lead_sanction_add(actor=handler, lead=lead, person=lead.persons.earliest("id"),
                                       kind=kind, detail=detail, decided_on=day)
        backdate(LeadStep.objects.filter(lead=lead).latest("id"), created_at=day)
        if action == "file_case":
            backdate(lead, case_filed_at=day)
        if action in ("close_no_action", "conclude"):
            backdate(lead, concluded_at=day)
    if spec.path and spec.path[-1] == "conclude" and text.money:
        funds_add(actor=handler, unit=lead.unit, amount=text.money, kind="recovered",
                  payer_or_payee=lead.persons.earliest("id").name,
                  recorded_on=day, lead=lead)


def _converted(ctx: DemoContext, county: County) -> None:
    """The lead a reviewer made from a problem goes to the commission like any other."""
    work = county.work
    assert work is not None
    for lead in ctx.notes.get("converted_leads", []):
        if lead.county_id != county.unit.pk:
            continue
        day = min(lead.inspection.round.exit_date + days(24), ctx.today - days(1))
        handling.lead_transfer(actor=work.director, lead=lead, priority=True, transferred_on=day)
        backdate(lead, created_at=day - days(4), transferred_at=day)
        backdate(LeadStep.objects.filter(lead=lead), created_at=day)


STEPS = [step_leads]
