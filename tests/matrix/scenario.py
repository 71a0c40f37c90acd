"""The east county's inspection work at every stage the API acts on, built through the services.

Mirror of tests/inspections/helpers.py, extended so that every object route of the API has an east
object in a state where the permitted roles succeed:

- ``site``  — 东湖区青石镇 on site (进驻): two draft problems, a lead registered by the team leader
  (naming 张建国), a problem the director converted into a lead (handed over to the county's
  discipline commission, awaiting receipt), a third lead the commission has carried to 审理, a
  draft report, a draft recommendation to the market bureau;
- ``fb``    — 柳树村 (a village under the town) in 反馈: an approved report and its feedback list;
- ``rep``   — the market bureau in 报告: a submitted report with an answered annotation;
- ``prep``  — a school in 筹备, held by a second team whose members can still change;
- the round's intake item, coverage plan, a conflict declaration, a notification, a token.

The west county gets a mirror inspection with problems and a lead of its own, so that "east sees
nothing of the west" is checked from the other side too.

Objects are looked up by the test through ``Scenario.ids``; everything is created once (module
scope) and each test runs in a savepoint rolled back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.world import World, _password_hash, _unit, build_world

# The confidential content planted in the scenario: none of it may reach a role outside the lead's
# readers (leader of the team, office director, discipline commission of the county).
LEAD_PERSON = {"name": "张建国", "id_number": "11010119800101123X", "phone": "13800000000",
               "post": "青石镇柳树村党支部书记", "is_village_cadre": True}
LEAD_SUMMARY = "张建国虚报冒领耕地地力保护补贴"
LEAD_FACTS = "张建国2022年以其亲属名义虚报冒领耕地地力保护补贴3.2万元,村务监督委员会未发现。"
CONVERTED_TITLE = "违规发展未满十八周岁人员入党"
CONVERTED_FACTS = "2023年青石镇党委发展党员时将未满十八周岁的王小明列为发展对象并吸收入党。"
CONVERTED_PERSON = {"name": "王某某", "post": "青石镇党委组织委员"}
HANDLED_PERSON = {"name": "刘建军", "post": "东湖区市场监管局副局长"}
HANDLED_SUMMARY = "刘建军违规兼职取酬"
HANDLED_FACTS = "刘建军2020年至2023年在辖区内企业违规兼职并领取报酬共计8.6万元。"
HANDLED_NOTE = "经初步核实,刘建军兼职取酬问题属实"
WEST_LEAD_FACTS = "李卫东2021年违规承揽本村道路硬化工程,从中获利5万元。"
WEST_PERSON = {"name": "李卫东", "post": "西山县青石镇柳树村村委会主任"}

ROLES = ("director", "office", "leader", "member", "head", "contact", "village_contact",
         "bureau_contact", "jiwei", "zzb", "leadership")
EAST = tuple(f"east_{r}" for r in ROLES)
WEST = tuple(f"west_{r}" for r in ROLES)
OTHERS = ("city_office", "sysadmin", "secadmin", "auditor", "nobody")
ACTORS = (*EAST, *WEST, *OTHERS)
# Who may read the east lead: the leader of the inspection's team, the office director and the
# discipline commission of the county.
LEAD_READERS = ("east_director", "east_leader", "east_jiwei")
NOT_LEAD_READERS = tuple(a for a in ACTORS if a not in LEAD_READERS)

REPORT_BODY = ("# 一、基本情况\n\n第一巡察组于2024年3月进驻。\n\n# 二、发现的问题\n\n"
               "- 党支部组织生活不规范\n- 发展党员程序不严格")


@dataclass
class Scenario:
    world: World
    # name → primary key of every object a route is exercised with
    ids: dict[str, int] = field(default_factory=dict)
    # name → model instance (read-only use: tests must not rely on their cached state)
    objs: dict[str, Any] = field(default_factory=dict)
    # actor → session key of a signed-in session, opened once with the scenario
    sessions: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def keep(self, name: str, obj: Any) -> Any:
        self.objs[name] = obj
        self.ids[name] = obj.pk
        return obj

    def user(self, name: str) -> Any:
        """A fresh copy of an actor (scope caches live on the instance)."""
        from xuncha.accounts.models import User

        return User.objects.select_related("unit").get(pk=self.world.users[name].pk)


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _plain_user(w: World, key: str, unit_key: str, name: str) -> Any:
    from django.utils import timezone

    from xuncha.accounts.models import User

    user = User.objects.create(username=key, password=_password_hash(), name=name,
                               unit=w.units[unit_key], password_changed_at=timezone.now())
    w.users[key] = user
    return user


def _fresh(w: World, name: str) -> Any:
    from xuncha.accounts.models import User

    return User.objects.select_related("unit").get(pk=w.users[name].pk)


def build_scenario(world: World | None = None) -> Scenario:
    """Creates the world (unless given) and the east work at every stage."""
    from xuncha.accounts.models import RoleAssignment
    from xuncha.accounts.services import token_create
    from xuncha.findings.models import ProblemCategory
    from xuncha.findings.services import problem_create, recommendation_create
    from xuncha.inspections import services as ins
    from xuncha.inspections.conflicts import declaration_add
    from xuncha.inspections.models import ConflictKind, IntakeSource, Position, RoundKind
    from xuncha.leads.services import lead_register, problem_convert_to_lead
    from xuncha.notifications.models import Notification
    from xuncha.organisations.models import UnitKind
    from xuncha.reports import services as rep

    w = world or build_world()
    s = Scenario(world=w)
    u = lambda name: _fresh(w, name)  # noqa: E731 — actors re-read so caches never go stale
    cat = ProblemCategory.objects.get(code="0203")
    s.ids["category"] = cat.pk

    # Units and people the scenario needs besides the world's.
    _unit(w, "east_school", "东湖区实验小学", UnitKind.SCHOOL, w.units["east"], "EAST-XX")
    _unit(w, "east_village2", "东湖区青石镇桃园村", UnitKind.VILLAGE, w.units["east_town"],
          "EAST-QS-TY")
    for key in ("east_inspector_a", "east_inspector_b", "east_inspector_c"):
        _plain_user(w, key, "east_office_unit", key)
    # An account that is none of the actors: the object of the account routes.
    _plain_user(w, "east_clerk", "east_office_unit", "巡察办文员")
    for key in ("east", "east_town", "east_village", "east_bureau", "east_school", "east_zzb",
                "east_village2", "west", "west_town"):
        s.ids[f"unit:{key}"] = w.units[key].pk
    s.ids["term"] = w.terms["east"].pk
    s.ids["term:west"] = w.terms["west"].pk
    for name in ("east_clerk", "east_member", "east_contact", "east_inspector_a", "east_inspector_c",
                 "sysadmin", "west_member"):
        s.ids[f"user:{name}"] = w.users[name].pk

    office = u("east_office")
    ins.coverage_plan_build(actor=office, term=w.terms["east"], planned_rounds=5)
    rnd = s.keep("round", ins.round_create(
        actor=office, term=w.terms["east"], kind=RoundKind.REGULAR,
        entry_date=date(2024, 3, 1), exit_date=date(2024, 4, 30)))
    ins.round_checklist_set(actor=office, rnd=rnd, items=[("看班子", "查阅会议记录"),
                                                          ("看作风", "")])
    team = s.keep("team", ins.team_create(actor=office, rnd=rnd))
    ins.team_add_member(actor=office, team=team, user=u("east_leader"), position=Position.LEADER)
    ins.team_add_member(actor=office, team=team, user=u("east_member"), position=Position.MEMBER)

    def target(unit_key: str) -> Any:
        return ins.inspection_assign(actor=u("east_office"), team=team, unit=w.units[unit_key])

    site = ins.inspection_enter(actor=u("east_office"), inspection=target("east_town"))
    fb = ins.inspection_enter(actor=u("east_office"), inspection=target("east_village"))
    rep_insp = ins.inspection_enter(actor=u("east_office"), inspection=target("east_bureau"))
    s.keep("insp:site", site)
    s.keep("insp:fb", fb)
    s.keep("insp:rep", rep_insp)

    # A second team, still preparing: its membership may change and its target may be entered.
    team2 = s.keep("team2", ins.team_create(actor=u("east_office"), rnd=rnd))
    ins.team_add_member(actor=u("east_office"), team=team2, user=u("east_inspector_a"),
                        position=Position.LEADER)
    s.keep("member:removable", ins.team_add_member(
        actor=u("east_office"), team=team2, user=u("east_inspector_b"), position=Position.MEMBER))
    s.keep("insp:prep", ins.inspection_assign(actor=u("east_office"), team=team2,
                                              unit=w.units["east_school"]))

    # Intake (开单子) about the town.
    s.keep("intake", ins.intake_item_create(
        actor=u("east_office"), rnd=rnd, source_kind=IntakeSource.BUSINESS_ASSOCIATION,
        source_name="区工商联", content="反映青石镇审批窗口办事推诿、多次跑腿。",
        target_units=[w.units["east_town"]]))

    # On site: draft problems, a lead, a problem converted into a lead, a draft report.
    member = u("east_member")
    s.keep("problem:draft", problem_create(
        actor=member, inspection=site, category=cat, title="基层党组织建设薄弱问题1",
        facts="2023年该单位党支部全年仅召开组织生活会1次,发展党员程序不规范。"))
    problem_create(actor=member, inspection=site, category=cat, title="基层党组织建设薄弱问题2",
                   facts="2023年该单位党支部全年仅召开组织生活会2次,发展党员程序不规范。")
    converted = problem_create(actor=member, inspection=site, category=cat,
                               title=CONVERTED_TITLE, facts=CONVERTED_FACTS)
    s.keep("lead", lead_register(actor=u("east_leader"), inspection=site, summary=LEAD_SUMMARY,
                                 facts=LEAD_FACTS, persons=[LEAD_PERSON]))
    s.keep("lead:converted", problem_convert_to_lead(
        actor=u("east_director"), problem=converted, persons=[CONVERTED_PERSON],
        note="违规发展未满18周岁人员入党,应作为线索移交。"))
    s.keep("problem:converted", converted)
    # Lead handling: the converted lead handed to the county commission (awaiting receipt), and a
    # third lead carried by the commission through to trial (审理).
    from xuncha.leads import handling

    s.ids["lead:transferred"] = handling.lead_transfer(
        actor=u("east_director"), lead=s.objs["lead:converted"]).pk
    handled = lead_register(actor=u("east_leader"), inspection=site, summary=HANDLED_SUMMARY,
                            facts=HANDLED_FACTS, persons=[HANDLED_PERSON])
    handling.lead_transfer(actor=u("east_director"), lead=handled)
    handling.lead_receive(actor=u("east_jiwei"), lead=handled)
    for action, note in (("verify", HANDLED_NOTE), ("file_case", "立案审查调查"),
                         ("to_trial", "移送审理")):
        handling.lead_advance(actor=u("east_jiwei"), lead=handled, action=action,
                              on_date=_today(), note=note)
    s.keep("lead:trial", handled)
    s.keep("version:draft", rep.report_save_draft(
        actor=u("east_leader"), inspection=site, title="关于巡察青石镇党委的情况报告",
        body=REPORT_BODY))
    s.keep("recommendation", recommendation_create(
        actor=u("east_office"), inspection=site, department=w.units["east_bureau"],
        title="规范政务服务窗口管理", content="建议市场监管局在全区开展审批窗口作风专项整治。"))

    # Feedback stage (the village): approved report, feedback list awaiting the three signatures.
    s.keep("problem:fed_back", problem_create(
        actor=member, inspection=fb, category=cat, title="村务公开不及时",
        facts="2023年柳树村村务公开栏连续五个月未更新,财务收支未按季度公开。"))
    v = rep.report_save_draft(actor=u("east_leader"), inspection=fb,
                              title="关于巡察柳树村党支部的情况报告", body=REPORT_BODY)
    v = rep.report_submit(actor=u("east_leader"), version=v)
    s.keep("feedback", rep.report_approve(actor=u("east_director"), version=v))
    s.keep("version:approved", v)

    # Reporting stage (the bureau): a submitted report with an annotation the team has answered.
    problem_create(actor=member, inspection=rep_insp, category=cat, title="行政审批超时限",
                   facts="2023年市场监管局有27件登记审批事项超过法定时限办结。")
    v3 = rep.report_save_draft(actor=u("east_leader"), inspection=rep_insp,
                               title="关于巡察市场监管局党组的情况报告", body=REPORT_BODY)
    v3 = rep.report_submit(actor=u("east_leader"), version=v3)
    s.keep("version:submitted", v3)
    a = rep.annotation_add(actor=u("east_director"), version=v3, body="把具体问题写实",
                           quote="党支部组织生活不规范")
    s.keep("annotation", rep.annotation_reply(actor=u("east_leader"), annotation=a,
                                              reply="已补充具体时间和次数"))

    # Personal records of single east actors.
    s.keep("declaration", declaration_add(actor=u("east_member"), unit=w.units["east_zzb"],
                                          kind=ConflictKind.WORKED_IN, period="2015-2018"))
    s.keep("notification", Notification.objects.create(
        recipient=w.users["east_leader"], title="巡察报告被退回修改", body="请修改后重新送审"))
    token, _raw = token_create(actor=u("east_office"), name="脚本")
    s.keep("token", token)
    s.keep("assignment", RoleAssignment.objects.get(user=w.users["east_zzb"]))
    from xuncha.accounts.models import Role

    s.ids["role:team_leader"] = Role.objects.get(code="team_leader").pk

    # The west county's own inspection with a problem and a lead (for the mirror checks).
    from tests.inspections.helpers import on_site_inspection

    west_site = on_site_inspection(_WorldFresh(w), "west_town", side="west")
    s.keep("insp:west", west_site)
    s.keep("problem:west", problem_create(
        actor=u("west_member"), inspection=west_site, category=cat, title="西山县青石镇问题",
        facts="2023年西山县青石镇党委理论学习中心组学习流于形式,记录雷同。"))
    s.keep("lead:west", lead_register(actor=u("west_leader"), inspection=west_site,
                                      summary="违规承揽工程", facts=WEST_LEAD_FACTS,
                                      persons=[WEST_PERSON]))
    return s


class _WorldFresh:
    """Gives the helpers of tests/inspections a world whose users are re-read on every access."""

    def __init__(self, w: World) -> None:
        self._w = w
        self.terms = w.terms
        self.units = w.units

    @property
    def users(self) -> dict[str, Any]:
        return {k: _fresh(self._w, k) for k in self._w.users}


def open_sessions(s: Scenario) -> None:
    """Signs every actor in once (force_login: no password hashing); tests reuse the cookie."""
    from django.conf import settings
    from django.test import Client

    for name in ACTORS:
        c = Client()
        c.force_login(s.world.users[name], backend="xuncha.accounts.backends.RoleBackend")
        s.sessions[name] = c.cookies[settings.SESSION_COOKIE_NAME].value


@contextmanager
def module_scenario(django_db_blocker: Any) -> Iterator[Scenario]:
    """Builds the scenario once inside a transaction that is rolled back when the module is done;
    each test's own ``db`` transaction nests in it as a savepoint."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            s = build_scenario()
            open_sessions(s)
            yield s
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
