"""Planning rounds, teams and targets; conflicts of interest; the inspection's transitions.

Rules and where they come from:
- 全覆盖 (party regulations on inspection work): every party organisation under the committee is
  inspected once within the five-year term; the office may include or exclude a unit, with a reason.
- 回避 (任职回避、公务回避): an inspector may not inspect a unit they work in, worked in, or where a
  close relative works; the director may approve an exception in writing, which is audited.
- 一次一授权: a team and its leader are authorised for one round only — team membership is per round.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.core.tree import subtree_q
from xuncha.inspections.models import (
    ChecklistTemplate,
    ConflictDeclaration,
    ConflictKind,
    ConflictOverride,
    CoverageEntry,
    CoveragePlan,
    Inspection,
    InspectionStatus,
    Position,
    Round,
    RoundChecklistItem,
    RoundKind,
    Team,
    TeamMember,
)
from xuncha.organisations.models import Term, Unit, UnitKind, UnitLevel

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# Kinds of unit that the coverage plan includes by default (the committee's own working organs are
# added by hand when a committee inspects them).
COVERED_KINDS = (
    UnitKind.DEPARTMENT, UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.STATE_FIRM,
    UnitKind.SCHOOL, UnitKind.HOSPITAL, UnitKind.VILLAGE, UnitKind.COMMUNITY,
)
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (team names 第一巡察组 …)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return f"{head}十{CN_DIGITS[ones] if ones else ''}"


def _fail(message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


# --- Coverage -------------------------------------------------------------------------------------

@transaction.atomic
def coverage_plan_build(*, actor: User, term: Term, planned_rounds: int | None = None) -> CoveragePlan:
    """Creates the term's plan (or adds units created since) from the unit tree."""
    scope.require(actor, "inspections.manage_coverage", term.unit)
    plan, created = CoveragePlan.objects.get_or_create(
        term=term, defaults={"planned_rounds": planned_rounds or 10}
    )
    if planned_rounds and not created and plan.planned_rounds != planned_rounds:
        plan.planned_rounds = planned_rounds
        plan.save(update_fields=["planned_rounds", "updated_at"])
    have = set(plan.entries.values_list("unit_id", flat=True))
    units = Unit.objects.filter(subtree_q(term.unit.path), kind__in=COVERED_KINDS, is_active=True)
    new = [CoverageEntry(plan=plan, unit_id=uid)
           for uid in units.values_list("id", flat=True) if uid not in have]
    CoverageEntry.objects.bulk_create(new, batch_size=1000)
    record(actor=actor, action="coverage.build", obj=plan,
           changes={"added": len(new), "planned_rounds": plan.planned_rounds})
    return plan


@transaction.atomic
def coverage_entry_set(*, actor: User, plan: CoveragePlan, unit: Unit, included: bool,
                       reason: str) -> CoverageEntry:
    """Includes or excludes one unit; the reason is required and audited."""
    scope.require(actor, "inspections.manage_coverage", plan.term.unit)
    if not unit.path.startswith(plan.term.unit.path) or unit.pk == plan.term.unit_id:
        raise _fail(_("“%(u)s”不在本届党委的管辖范围内。") % {"u": unit.name}, "unit")
    reason = reason.strip()
    if not reason:
        raise _fail(_("调整全覆盖范围须写明理由。"), "reason")
    entry, _created = CoverageEntry.objects.select_for_update().get_or_create(plan=plan, unit=unit)
    before = entry.included
    entry.included = included
    entry.reason = reason[:200]
    entry.adjusted_by = actor
    entry.save()
    record(actor=actor, action="coverage.adjust", obj=plan,
           changes={"unit": unit.name, "included": [before, included], "reason": reason})
    return entry


# --- Rounds and teams -----------------------------------------------------------------------------

def _check_round_fields(term: Term, kind: str, theme: str, coordinated_form: str,
                        co_organiser: Unit | None, entry_date: date, exit_date: date) -> None:
    errors = []
    if kind not in RoundKind.values:
        errors.append({"field": "kind", "message": _("巡察类型无效。")})
    if kind == RoundKind.THEMATIC and not theme.strip():
        errors.append({"field": "theme", "message": _("专项巡察须填写专项主题。")})
    if kind == RoundKind.COORDINATED:
        if not coordinated_form:
            errors.append({"field": "coordinated_form",
                           "message": _("市县统合巡察须选择组织形式(板块式、联动式、菜单式)。")})
        city_level = co_organiser is not None and (
            co_organiser.level <= UnitLevel.CITY
            or (co_organiser.parent is not None and co_organiser.parent.level <= UnitLevel.CITY))
        if not city_level:
            errors.append({"field": "co_organiser",
                           "message": _("市县统合巡察须指定市级协同组织单位(市委巡察办)。")})
    if exit_date < entry_date:
        errors.append({"field": "exit_date", "message": _("撤出日期不能早于进驻日期。")})
    if not (term.start_date <= entry_date <= term.end_date):
        errors.append({"field": "entry_date", "message": _("进驻日期须在本届任期(%(a)s 至 %(b)s)内。")
                       % {"a": term.start_date, "b": term.end_date}})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)


@transaction.atomic
def round_create(
    *, actor: User, term: Term, kind: str, entry_date: date, exit_date: date, theme: str = "",
    coordinated_form: str = "", co_organiser: Unit | None = None, notes: str = "",
    number: int | None = None, checklist_template: ChecklistTemplate | None = None,
) -> Round:
    scope.require(actor, "inspections.manage_round", term.unit)
    _check_round_fields(term, kind, theme, coordinated_form, co_organiser, entry_date, exit_date)
    if number is None:
        number = (Round.objects.filter(term=term).aggregate(m=Max("number"))["m"] or 0) + 1
    if Round.objects.filter(term=term, number=number).exists():
        raise _fail(_("本届已有第%(n)s轮。") % {"n": number}, "number")
    rnd = Round.objects.create(
        term=term, number=number, kind=kind, theme=theme.strip(),
        coordinated_form=coordinated_form if kind == RoundKind.COORDINATED else "",
        co_organiser=co_organiser if kind == RoundKind.COORDINATED else None,
        entry_date=entry_date, exit_date=exit_date, notes=notes, created_by=actor,
    )
    template = checklist_template or ChecklistTemplate.objects.filter(
        committee=term.unit, is_default=True
    ).first()
    if template is not None:
        RoundChecklistItem.objects.bulk_create([
            RoundChecklistItem(round=rnd, number=i.number, title=i.title, guidance=i.guidance)
            for i in template.items.all()
        ])
    record(actor=actor, action="round.create", obj=rnd,
           changes={"kind": kind, "number": number, "theme": theme,
                    "entry_date": str(entry_date), "exit_date": str(exit_date)})
    return rnd


@transaction.atomic
def round_update(*, actor: User, rnd: Round, expected_version: int, **fields: object) -> Round:
    scope.require(actor, "inspections.manage_round", rnd.term.unit)
    allowed = {"kind", "theme", "coordinated_form", "co_organiser", "entry_date", "exit_date",
               "notes"}
    if set(fields) - allowed:
        raise ValueError("unknown fields")
    before = {f: str(getattr(rnd, f)) for f in allowed}
    for f, v in fields.items():
        setattr(rnd, f, v)
    _check_round_fields(rnd.term, rnd.kind, rnd.theme, rnd.coordinated_form, rnd.co_organiser,
                        rnd.entry_date, rnd.exit_date)
    rnd.save_versioned(expected_version=expected_version, update_fields=list(fields))
    record(actor=actor, action="round.update", obj=rnd,
           changes={f: [before[f], str(getattr(rnd, f))] for f in fields
                    if before[f] != str(getattr(rnd, f))})
    return rnd


@transaction.atomic
def team_create(*, actor: User, rnd: Round, name: str = "") -> Team:
    scope.require(actor, "inspections.manage_round", rnd.term.unit)
    number = (rnd.teams.aggregate(m=Max("number"))["m"] or 0) + 1
    team = Team.objects.create(round=rnd, number=number,
                               name=name.strip() or f"第{chinese_number(number)}巡察组")
    record(actor=actor, action="team.create", obj=team, changes={"round": str(rnd)})
    return team


# --- Conflicts of interest ------------------------------------------------------------------------

def _same_branch(a: Unit, b: Unit) -> bool:
    """Whether one unit contains the other, below county level (everyone sits in the county)."""
    if a.path.startswith(b.path):
        outer = b
    elif b.path.startswith(a.path):
        outer = a
    else:
        return False
    return outer.level > UnitLevel.COUNTY


def conflict_reasons(user: User, unit: Unit) -> list[str]:
    """Why ``user`` should not inspect ``unit`` (empty when there is no conflict)."""
    reasons = []
    if _same_branch(user.unit, unit):
        reasons.append(_("现工作单位“%(u)s”与被巡察单位存在隶属关系") % {"u": user.unit.name})
    for d in ConflictDeclaration.objects.filter(user=user).select_related("unit"):
        if not _same_branch(d.unit, unit):
            continue
        if d.kind == ConflictKind.RELATIVE:
            reasons.append(_("%(rel)s%(name)s在“%(u)s”任职") % {
                "rel": d.relation or _("亲属"), "name": d.relative_name, "u": d.unit.name})
        elif d.kind == ConflictKind.WORKED_IN:
            reasons.append(_("曾在“%(u)s”任职%(p)s") % {
                "u": d.unit.name, "p": f"({d.period})" if d.period else ""})
        else:
            reasons.append(_("与“%(u)s”存在利害关系:%(d)s") % {"u": d.unit.name,
                                                              "d": d.description})
    return reasons


def _require_no_conflict(actor: User, member: TeamMember, unit: Unit, override_reason: str) -> None:
    reasons = conflict_reasons(member.user, unit)
    if not reasons:
        return
    if ConflictOverride.objects.filter(member=member, unit=unit).exists():
        return
    override_reason = override_reason.strip()
    if not override_reason:
        raise ValidationFailed(
            _("%(name)s须回避“%(unit)s”:%(why)s。如确需参加,须由巡察办主任书面批准。")
            % {"name": member.user.name, "unit": unit.name, "why": ";".join(reasons)},
            code="conflict_of_interest",
            details=[{"field": "user", "message": r} for r in reasons],
        )
    if not scope.has(actor, "inspections.override_conflict", unit):
        raise PermissionDenied(_("只有巡察办主任可以批准回避例外。"))
    ConflictOverride.objects.create(member=member, unit=unit, conflicts=reasons,
                                    reason=override_reason, approved_by=actor)
    record(actor=actor, action="conflict.override", obj=member,
           changes={"unit": unit.name, "conflicts": reasons, "reason": override_reason})


@transaction.atomic
def team_add_member(*, actor: User, team: Team, user: User, position: str,
                    override_reason: str = "") -> TeamMember:
    """Puts an inspector on a team; refused when a conflict with one of the team's targets exists
    unless the director approves in writing."""
    rnd = team.round
    scope.require(actor, "inspections.manage_round", rnd.term.unit)
    if position not in Position.values:
        raise _fail(_("职务无效。"), "position")
    if team.inspections.exclude(status=InspectionStatus.PREPARING).exists():
        raise Conflict(_("巡察组已进驻,不能增加成员;一次一授权,如需调整请重新授权。"))
    if TeamMember.objects.filter(team__round=rnd, user=user).exists():
        raise _fail(_("%(n)s已在本轮的其他巡察组。") % {"n": user.name}, "user")
    if position == Position.LEADER and team.members.filter(position=Position.LEADER).exists():
        raise _fail(_("%(t)s已有组长。") % {"t": team.name}, "position")
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(team=team, user=user, position=position)
    except IntegrityError:
        raise _fail(_("该人员已在本组。"), "user") from None
    for insp in team.inspections.select_related("unit"):
        _require_no_conflict(actor, member, insp.unit, override_reason)
    record(actor=actor, action="team.add_member", obj=team,
           changes={"user": user.username, "position": position})
    _forget_membership(user)
    return member


@transaction.atomic
def team_remove_member(*, actor: User, member: TeamMember) -> None:
    scope.require(actor, "inspections.manage_round", member.team.round.term.unit)
    if member.team.inspections.exclude(status=InspectionStatus.PREPARING).exists():
        raise Conflict(_("巡察组已进驻,不能调整成员;如需调整请重新授权。"))
    team, user = member.team, member.user
    member.delete()
    record(actor=actor, action="team.remove_member", obj=team, changes={"user": user.username})
    _forget_membership(user)


def _forget_membership(user: User) -> None:
    for attr in ("_xuncha_memberships",):
        if hasattr(user, attr):
            delattr(user, attr)


@transaction.atomic
def inspection_assign(*, actor: User, team: Team, unit: Unit, previous: Inspection | None = None,
                      override_reason: str = "") -> Inspection:
    """Gives a team a target. For 回头看 the earlier inspection of the unit is linked."""
    rnd = team.round
    committee = rnd.term.unit
    scope.require(actor, "inspections.manage_round", committee)
    if not unit.path.startswith(committee.path) or unit.pk == committee.pk:
        raise _fail(_("“%(u)s”不在本届党委的巡察范围内。") % {"u": unit.name}, "unit")
    if Inspection.objects.filter(round=rnd, unit=unit).exists():
        raise _fail(_("“%(u)s”已是本轮的巡察对象。") % {"u": unit.name}, "unit")
    if rnd.kind == RoundKind.REVISIT:
        earlier = Inspection.objects.filter(unit=unit, round__entry_date__lt=rnd.entry_date).exclude(
            round__kind=RoundKind.REVISIT).order_by("-round__entry_date")
        previous = previous or earlier.exclude(status=InspectionStatus.PREPARING).first()
        if previous is not None and previous.status == InspectionStatus.PREPARING:
            raise _fail(_("回头看须针对已进驻过的巡察。"), "previous")
        if previous is None:
            raise _fail(_("回头看只能针对已巡察过的单位,“%(u)s”尚未被巡察。") % {"u": unit.name},
                        "unit")
    elif previous is not None:
        raise _fail(_("只有回头看需要关联原巡察。"), "previous")
    for member in team.members.select_related("user", "user__unit"):
        _require_no_conflict(actor, member, unit, override_reason)
    insp = Inspection.objects.create(round=rnd, team=team, unit=unit, previous=previous)
    record(actor=actor, action="inspection.assign", obj=insp,
           changes={"team": team.name, "unit": unit.name,
                    "previous": previous.pk if previous else None})
    return insp


def team_warnings(team: Team) -> list[str]:
    """Advice, not refusals: a team has 5–7 people, one leader, one or two deputies."""
    members = list(team.members.all())
    warnings = []
    if not 5 <= len(members) <= 7:
        warnings.append(_("巡察组一般为 5 至 7 人,当前 %(n)d 人。") % {"n": len(members)})
    if not any(m.position == Position.LEADER for m in members):
        warnings.append(_("尚未确定组长。"))
    deputies = sum(1 for m in members if m.position == Position.DEPUTY)
    if deputies > 2:
        warnings.append(_("副组长一般为 1 至 2 人。"))
    return warnings


# --- The inspection's transitions -----------------------------------------------------------------

def _transition(actor: User, inspection: Inspection, method: str, action: str) -> Inspection:
    insp = Inspection.objects.select_for_update().get(pk=inspection.pk)
    bound = getattr(insp, method)
    if not can_proceed(bound):
        raise Conflict(_("巡察当前状态为“%(s)s”,不能执行此操作。") % {"s": insp.status_label})
    before = insp.status
    bound()
    insp.version += 1
    insp.save()
    record(actor=actor, action=action, obj=insp, changes={"status": [before, insp.status]})
    return insp


@transaction.atomic
def inspection_enter(*, actor: User, inspection: Inspection) -> Inspection:
    """进驻: the office opens the on-site stage; the team needs a leader first."""
    scope.require(actor, "inspections.manage_round", inspection.round.term.unit)
    if not inspection.team.members.filter(position=Position.LEADER).exists():
        raise Conflict(_("%(t)s尚未确定组长,不能进驻。") % {"t": inspection.team.name})
    return _transition(actor, inspection, "enter", "inspection.enter")


def inspection_start_report(*, actor: User, inspection: Inspection) -> Inspection:
    """报告: called when the team submits its first report version."""
    return _transition(actor, inspection, "start_report", "inspection.start_report")


def inspection_approve_report(*, actor: User, inspection: Inspection) -> Inspection:
    return _transition(actor, inspection, "approve_report", "inspection.approve_report")


def inspection_start_rectification(*, actor: User, inspection: Inspection) -> Inspection:
    return _transition(actor, inspection, "start_rectification", "inspection.start_rectification")


def is_team_member(user: User, inspection: Inspection, *, leader: bool = False) -> bool:
    qs = TeamMember.objects.filter(team_id=inspection.team_id, user_id=user.pk)
    if leader:
        qs = qs.filter(position=Position.LEADER)
    return qs.exists()


def require_finding_writer(user: User, inspection: Inspection) -> None:
    """Findings are written by the inspection's own team while on site or reporting, or by the
    office (findings.manage_problem over the unit) at any stage before rectification."""
    open_stages = (InspectionStatus.ON_SITE, InspectionStatus.REPORTING, InspectionStatus.FEEDBACK)
    if inspection.status not in open_stages:
        raise Conflict(_("巡察当前状态为“%(s)s”,不能登记或修改问题。") % {"s": inspection.status_label})
    if is_team_member(user, inspection) and scope.has(user, "findings.manage_problem"):
        return
    scope.require(user, "findings.manage_problem", inspection.unit)


def teams_of(user: User) -> Iterable[Team]:
    return Team.objects.filter(members__user=user).select_related("round")


# --- Pre-inspection intake ("开单子") and the focus checklist -----------------------------------

TWELVE_LOOKS: tuple[tuple[str, str], ...] = (
    ("看贯彻落实党中央决策部署情况", "对照省市县委重点工作,查阅会议记录、督办台账。"),
    ("看落实意识形态工作责任制情况", "查阅专题研究记录、阵地管理台账。"),
    ("看履行全面从严治党主体责任情况", "查阅责任清单、约谈提醒记录。"),
    ("看落实中央八项规定精神情况", "抽查公务接待、公车使用、津补贴发放凭证。"),
    ("看领导班子和干部队伍建设情况", "个别谈话、民主测评、查阅民主生活会材料。"),
    ("看基层党组织建设情况", "查阅“三会一课”记录、发展党员档案。"),
    ("看选人用人和干部监督情况", "查阅干部选任档案、个人有关事项报告核查。"),
    ("看“放管服”改革和优化营商环境情况", "走访企业、商会,对照开单子收集的意见核查。"),
    ("看惠企惠民政策落实情况", "抽查补贴发放名册、政策兑现台账。"),
    ("看群众身边腐败和不正之风问题", "结合信访举报和村(社区)“三资”管理核查。"),
    ("看重大项目和资金管理使用情况", "查阅项目审批、招投标和资金拨付凭证。"),
    ("看巡视巡察、审计等监督发现问题整改情况", "对照上轮反馈问题和审计报告逐项核查。"),
)


@transaction.atomic
def checklist_template_save(*, actor: User, committee: Unit, name: str,
                            items: Iterable[tuple[str, str]], is_default: bool = False,
                            template: ChecklistTemplate | None = None) -> ChecklistTemplate:
    """Creates or replaces a focus checklist template of the committee (e.g. 十二看)."""
    scope.require(actor, "inspections.manage_round", committee)
    rows = [(t.strip(), g.strip()) for t, g in items if t.strip()]
    if not name.strip() or not rows:
        raise _fail(_("请填写模板名称和至少一项重点。"), "items")
    if template is None:
        template = ChecklistTemplate.objects.create(committee=committee, name=name.strip())
    else:
        template.name = name.strip()
        template.save(update_fields=["name", "updated_at"])
        template.items.all().delete()
    if is_default:
        ChecklistTemplate.objects.filter(committee=committee).exclude(pk=template.pk).update(
            is_default=False)
    template.is_default = is_default
    template.save(update_fields=["is_default"])
    from xuncha.inspections.models import ChecklistTemplateItem

    ChecklistTemplateItem.objects.bulk_create([
        ChecklistTemplateItem(template=template, number=i, title=t[:120], guidance=g)
        for i, (t, g) in enumerate(rows, start=1)
    ])
    record(actor=actor, action="checklist.save", obj=template, changes={"items": len(rows)})
    return template


@transaction.atomic
def round_checklist_set(*, actor: User, rnd: Round, items: Iterable[tuple[str, str]]) -> None:
    """Edits this round's checklist; items that problems already cite keep their number."""
    scope.require(actor, "inspections.manage_round", rnd.term.unit)
    rows = [(t.strip(), g.strip()) for t, g in items if t.strip()]
    existing = {i.number: i for i in rnd.checklist.all()}
    for number, (title, guidance) in enumerate(rows, start=1):
        item = existing.pop(number, None)
        if item is None:
            RoundChecklistItem.objects.create(round=rnd, number=number, title=title[:120],
                                              guidance=guidance)
        elif (item.title, item.guidance) != (title, guidance):
            item.title, item.guidance = title[:120], guidance
            item.save()
    for leftover in existing.values():
        if leftover.problems.exists():
            raise _fail(_("第 %(n)s 项已被问题引用,不能删除。") % {"n": leftover.number}, "items")
        leftover.delete()
    record(actor=actor, action="round.checklist", obj=rnd, changes={"items": len(rows)})


def _require_intake_writer(actor: User, rnd: Round) -> None:
    if TeamMember.objects.filter(team__round=rnd, user=actor).exists():
        return
    scope.require(actor, "inspections.manage_intake", rnd.term.unit)


@transaction.atomic
def intake_item_create(*, actor: User, rnd: Round, source_kind: str, source_name: str,
                       content: str, target_units: Iterable[Unit] = (),
                       received_on: date | None = None) -> Any:
    from xuncha.inspections.models import IntakeItem, IntakeSource

    scope.require(actor, "inspections.manage_intake", rnd.term.unit)
    errors = []
    if source_kind not in IntakeSource.values:
        errors.append({"field": "source_kind", "message": _("来源类别无效。")})
    if not source_name.strip():
        errors.append({"field": "source_name", "message": _("请填写来源单位或个人。")})
    if len(content.strip()) < 5:
        errors.append({"field": "content", "message": _("请填写意见或信息的具体内容。")})
    units = list(target_units)
    if any(not u.path.startswith(rnd.term.unit.path) for u in units):
        errors.append({"field": "target_units", "message": _("涉及单位须在本级党委管辖范围内。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    item = IntakeItem.objects.create(
        round=rnd, source_kind=source_kind, source_name=source_name.strip(),
        content=content.strip(), created_by=actor,
        **({"received_on": received_on} if received_on else {}),
    )
    item.target_units.set(units)
    record(actor=actor, action="intake.create", obj=item,
           changes={"source": source_kind, "targets": len(units)})
    return item


@transaction.atomic
def intake_item_mark(*, actor: User, item: Any, status: str, note: str,
                     expected_version: int) -> Any:
    """The team records what it followed up and what it found."""
    from xuncha.inspections.models import IntakeStatus

    _require_intake_writer(actor, item.round)
    if status not in IntakeStatus.values:
        raise _fail(_("核查情况无效。"), "status")
    if status != IntakeStatus.PENDING and not note.strip():
        raise _fail(_("请写明核查情况。"), "follow_up_note")
    before = item.status
    item.status, item.follow_up_note = status, note.strip()
    item.save_versioned(expected_version=expected_version,
                        update_fields=["status", "follow_up_note"])
    record(actor=actor, action="intake.mark", obj=item, changes={"status": [before, status]})
    return item
