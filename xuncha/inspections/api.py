from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible, visible
from xuncha.accounts.selectors import user_get
from xuncha.api.schemas import ErrorOut
from xuncha.inspections import selectors, services
from xuncha.inspections.models import (
    ConflictDeclaration,
    ConflictKind,
    CoordinatedForm,
    IntakeItem,
    IntakeSource,
    IntakeStatus,
    Position,
    RoundKind,
    TeamMember,
)
from xuncha.organisations.selectors import term_get, unit_get

router = Router(tags=["巡察工作"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RoundOut(Schema):
    id: int
    term_id: int
    number: int
    kind: str
    kind_label: str
    theme: str
    coordinated_form: str
    co_organiser_id: int | None
    entry_date: date
    exit_date: date
    notes: str
    version: int

    @staticmethod
    def resolve_kind_label(obj: object) -> str:
        return str(RoundKind(obj.kind).label)  # type: ignore[attr-defined]


class RoundIn(Schema):
    term_id: int
    kind: RoundKind
    entry_date: date
    exit_date: date
    theme: str = Field("", max_length=120)
    coordinated_form: CoordinatedForm | None = None
    co_organiser_id: int | None = None
    notes: str = ""


class RoundPatch(Schema):
    version: int
    theme: str | None = Field(None, max_length=120)
    entry_date: date | None = None
    exit_date: date | None = None
    notes: str | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    position: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return obj.user.name  # type: ignore[attr-defined]


class TeamOut(Schema):
    id: int
    round_id: int
    number: int
    name: str
    members: list[MemberOut]
    warnings: list[str]

    @staticmethod
    def resolve_members(obj: object) -> list[object]:
        return list(selectors.team_members(obj))  # type: ignore[arg-type]

    @staticmethod
    def resolve_warnings(obj: object) -> list[str]:
        return [str(w) for w in services.team_warnings(obj)]  # type: ignore[arg-type]


class TeamIn(Schema):
    name: str = Field("", max_length=40)


class MemberIn(Schema):
    user_id: int
    position: Position
    override_reason: str = ""


class InspectionOut(Schema):
    id: int
    round_id: int
    team_id: int
    team_name: str
    unit_id: int
    unit_name: str
    previous_id: int | None
    status: str
    status_label: str
    entered_at: datetime | None
    feedback_at: datetime | None
    version: int

    @staticmethod
    def resolve_team_name(obj: object) -> str:
        return obj.team.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_unit_name(obj: object) -> str:
        return obj.unit.name  # type: ignore[attr-defined]


class InspectionPage(Schema):
    count: int
    items: list[InspectionOut]


class AssignIn(Schema):
    unit_id: int
    previous_id: int | None = None
    override_reason: str = ""


class CoverageRowOut(Schema):
    label: str
    total: int
    covered: int
    planned: int
    not_yet: int
    rate: float


class CoverageOut(Schema):
    term_id: int
    planned_rounds: int
    rounds_held: int
    remaining_rounds: int
    per_round: float
    warning: str
    rows: list[CoverageRowOut]
    total: CoverageRowOut


class CoverageBuildIn(Schema):
    planned_rounds: int | None = Field(None, ge=1, le=60)


class CoverageEntryIn(Schema):
    unit_id: int
    included: bool
    reason: str = Field(min_length=1, max_length=200)


class ConflictOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    kind: str
    relative_name: str
    relation: str
    description: str
    period: str

    @staticmethod
    def resolve_unit_name(obj: object) -> str:
        return obj.unit.name  # type: ignore[attr-defined]


class ConflictIn(Schema):
    unit_id: int
    kind: ConflictKind
    relative_name: str = Field("", max_length=60)
    relation: str = Field("", max_length=30)
    description: str = Field("", max_length=300)
    period: str = Field("", max_length=60)


class IntakeOut(Schema):
    id: int
    round_id: int
    source_kind: str
    source_name: str
    content: str
    received_on: date
    target_unit_ids: list[int]
    status: str
    follow_up_note: str
    version: int

    @staticmethod
    def resolve_target_unit_ids(obj: object) -> list[int]:
        return [u.pk for u in obj.target_units.all()]  # type: ignore[attr-defined]


class IntakeIn(Schema):
    source_kind: IntakeSource
    source_name: str = Field(min_length=1, max_length=120)
    content: str = Field(min_length=1)
    target_unit_ids: list[int] = []
    received_on: date | None = None


class IntakeMarkIn(Schema):
    version: int
    status: IntakeStatus
    note: str = ""


class ChecklistItemIO(Schema):
    number: int | None = None
    title: str = Field(min_length=1, max_length=120)
    guidance: str = ""


# --- Rounds ---------------------------------------------------------------------------------------

@router.get("/rounds", response={200: list[RoundOut], **ERRORS}, summary="巡察轮次列表")
def list_rounds(request: HttpRequest, term_id: int | None = None) -> object:
    return list(selectors.round_list(user=request.user, term_id=term_id))


@router.post("/rounds", response={201: RoundOut, **ERRORS}, summary="新建巡察轮次")
def create_round(request: HttpRequest, payload: RoundIn) -> Status[object]:
    term = term_get(user=request.user, term_id=payload.term_id)
    co = unit_get(user=request.user, unit_id=payload.co_organiser_id) \
        if payload.co_organiser_id else None
    rnd = services.round_create(
        actor=request.user, term=term, kind=payload.kind, entry_date=payload.entry_date,
        exit_date=payload.exit_date, theme=payload.theme,
        coordinated_form=payload.coordinated_form or "", co_organiser=co, notes=payload.notes)
    return Status(201, rnd)


@router.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS}, summary="轮次详情")
def get_round(request: HttpRequest, round_id: int) -> object:
    return selectors.round_get(user=request.user, round_id=round_id)


@router.patch("/rounds/{round_id}", response={200: RoundOut, **ERRORS}, summary="修改轮次")
def update_round(request: HttpRequest, round_id: int, payload: RoundPatch) -> object:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return services.round_update(actor=request.user, rnd=rnd, expected_version=payload.version,
                                 **fields)


@router.get("/rounds/{round_id}/checklist", response={200: list[ChecklistItemIO], **ERRORS},
            summary="本轮重点清单")
def get_checklist(request: HttpRequest, round_id: int) -> object:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    return list(rnd.checklist.all())


@router.put("/rounds/{round_id}/checklist", response={200: list[ChecklistItemIO], **ERRORS},
            summary="设置本轮重点清单")
def set_checklist(request: HttpRequest, round_id: int, payload: list[ChecklistItemIO]) -> object:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    services.round_checklist_set(actor=request.user, rnd=rnd,
                                 items=[(i.title, i.guidance) for i in payload])
    return list(rnd.checklist.all())


@router.get("/rounds/{round_id}/teams", response={200: list[TeamOut], **ERRORS},
            summary="本轮巡察组")
def list_teams(request: HttpRequest, round_id: int) -> object:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    from xuncha.inspections.models import Team

    return list(visible(request.user, Team).filter(round=rnd).order_by("number"))


@router.post("/rounds/{round_id}/teams", response={201: TeamOut, **ERRORS}, summary="新建巡察组")
def create_team(request: HttpRequest, round_id: int, payload: TeamIn) -> Status[object]:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    return Status(201, services.team_create(actor=request.user, rnd=rnd, name=payload.name))


@router.post("/teams/{team_id}/members", response={201: MemberOut, **ERRORS},
             summary="巡察组增加成员(回避检查)")
def add_member(request: HttpRequest, team_id: int, payload: MemberIn) -> Status[object]:
    team = selectors.team_get(user=request.user, team_id=team_id)
    user = user_get(user=request.user, user_id=payload.user_id)
    return Status(201, services.team_add_member(actor=request.user, team=team, user=user,
                                                position=payload.position,
                                                override_reason=payload.override_reason))


@router.delete("/team-members/{member_id}", response={204: None, **ERRORS}, summary="移出巡察组")
def remove_member(request: HttpRequest, member_id: int) -> Status[None]:
    member = get_visible(request.user, TeamMember.objects.select_related("team__round__term__unit",
                                                                         "user"), pk=member_id)
    services.team_remove_member(actor=request.user, member=member)
    return Status(204, None)


@router.post("/teams/{team_id}/inspections", response={201: InspectionOut, **ERRORS},
             summary="分配巡察对象(回避检查)")
def assign_target(request: HttpRequest, team_id: int, payload: AssignIn) -> Status[object]:
    team = selectors.team_get(user=request.user, team_id=team_id)
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    previous = selectors.inspection_get(user=request.user, inspection_id=payload.previous_id) \
        if payload.previous_id else None
    return Status(201, services.inspection_assign(actor=request.user, team=team, unit=unit,
                                                  previous=previous,
                                                  override_reason=payload.override_reason))


# --- Inspections ----------------------------------------------------------------------------------

@router.get("/inspections", response={200: InspectionPage, **ERRORS}, summary="巡察列表")
def list_inspections(request: HttpRequest, round_id: int | None = None, status: str = "",
                     unit_id: int | None = None, limit: int = 50, offset: int = 0) -> object:
    qs = selectors.inspection_list(user=request.user, round_id=round_id, status=status,
                                   unit_id=unit_id)
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": list(qs[max(offset, 0): max(offset, 0) + limit])}


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS},
            summary="巡察详情")
def get_inspection(request: HttpRequest, inspection_id: int) -> object:
    return selectors.inspection_get(user=request.user, inspection_id=inspection_id)


@router.post("/inspections/{inspection_id}/enter", response={200: InspectionOut, **ERRORS},
             summary="进驻")
def enter(request: HttpRequest, inspection_id: int) -> object:
    insp = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    return services.inspection_enter(actor=request.user, inspection=insp)


# --- Coverage -------------------------------------------------------------------------------------

def _coverage_out(summary: selectors.CoverageSummary) -> dict[str, object]:
    def row(r: selectors.CoverageRow) -> dict[str, object]:
        return {"label": str(r.label), "total": r.total, "covered": r.covered,
                "planned": r.planned, "not_yet": r.not_yet, "rate": r.rate}

    return {"term_id": summary.plan.term_id, "planned_rounds": summary.plan.planned_rounds,
            "rounds_held": summary.rounds_held, "remaining_rounds": summary.remaining_rounds,
            "per_round": summary.per_round, "warning": str(summary.warning),
            "rows": [row(r) for r in summary.rows], "total": row(summary.total)}


@router.get("/terms/{term_id}/coverage", response={200: CoverageOut, **ERRORS},
            summary="全覆盖情况")
def coverage(request: HttpRequest, term_id: int) -> object:
    term = term_get(user=request.user, term_id=term_id)
    return _coverage_out(selectors.coverage_summary(user=request.user, term=term))


@router.post("/terms/{term_id}/coverage", response={200: CoverageOut, **ERRORS},
             summary="生成或更新全覆盖计划")
def build_coverage(request: HttpRequest, term_id: int, payload: CoverageBuildIn) -> object:
    term = term_get(user=request.user, term_id=term_id)
    services.coverage_plan_build(actor=request.user, term=term,
                                 planned_rounds=payload.planned_rounds)
    return _coverage_out(selectors.coverage_summary(user=request.user, term=term))


@router.post("/terms/{term_id}/coverage/entries", response={200: CoverageOut, **ERRORS},
             summary="调整全覆盖对象")
def set_coverage_entry(request: HttpRequest, term_id: int, payload: CoverageEntryIn) -> object:
    term = term_get(user=request.user, term_id=term_id)
    summary = selectors.coverage_summary(user=request.user, term=term)
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    services.coverage_entry_set(actor=request.user, plan=summary.plan, unit=unit,
                                included=payload.included, reason=payload.reason)
    return _coverage_out(selectors.coverage_summary(user=request.user, term=term))


# --- Conflict declarations ------------------------------------------------------------------------

@router.get("/conflict-declarations", response={200: list[ConflictOut], **ERRORS},
            summary="回避申报")
def list_conflicts(request: HttpRequest, user_id: int | None = None) -> object:
    qs = visible(request.user, ConflictDeclaration).select_related("unit")
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return list(qs)


@router.post("/conflict-declarations", response={201: ConflictOut, **ERRORS},
             summary="申报回避情形(本人)")
def declare_conflict(request: HttpRequest, payload: ConflictIn) -> Status[object]:
    from xuncha.inspections.conflicts import declarable_unit, declaration_add

    unit = declarable_unit(user=request.user, unit_id=payload.unit_id)
    return Status(201, declaration_add(actor=request.user, unit=unit, kind=payload.kind,
                                       relative_name=payload.relative_name,
                                       relation=payload.relation,
                                       description=payload.description, period=payload.period))


@router.delete("/conflict-declarations/{declaration_id}", response={204: None, **ERRORS},
               summary="撤回回避申报(本人)")
def withdraw_conflict(request: HttpRequest, declaration_id: int) -> Status[None]:
    from xuncha.inspections.conflicts import declaration_remove

    d = get_visible(request.user, ConflictDeclaration, pk=declaration_id)
    declaration_remove(actor=request.user, declaration=d)
    return Status(204, None)


# --- Intake ---------------------------------------------------------------------------------------

@router.get("/rounds/{round_id}/intake", response={200: list[IntakeOut], **ERRORS},
            summary="巡前收集事项")
def list_intake(request: HttpRequest, round_id: int, unit_id: int | None = None) -> object:
    selectors.round_get(user=request.user, round_id=round_id)
    return list(selectors.intake_list(user=request.user, round_id=round_id, unit_id=unit_id))


@router.post("/rounds/{round_id}/intake", response={201: IntakeOut, **ERRORS},
             summary="登记巡前收集事项")
def create_intake(request: HttpRequest, round_id: int, payload: IntakeIn) -> Status[object]:
    rnd = selectors.round_get(user=request.user, round_id=round_id)
    units = [unit_get(user=request.user, unit_id=i) for i in payload.target_unit_ids]
    return Status(201, services.intake_item_create(
        actor=request.user, rnd=rnd, source_kind=payload.source_kind,
        source_name=payload.source_name, content=payload.content, target_units=units,
        received_on=payload.received_on))


@router.post("/intake/{item_id}/mark", response={200: IntakeOut, **ERRORS},
             summary="记录核查情况")
def mark_intake(request: HttpRequest, item_id: int, payload: IntakeMarkIn) -> object:
    item = get_visible(request.user, IntakeItem.objects.select_related("round__term__unit"),
                       pk=item_id)
    return services.intake_item_mark(actor=request.user, item=item, status=payload.status,
                                     note=payload.note, expected_version=payload.version)
