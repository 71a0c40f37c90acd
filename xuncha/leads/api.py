"""Leads through the API: the same scope, every read audited, content only to those who may see it.
Roles that see counts only get numbers from /lead-counts."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible
from xuncha.api.schemas import ErrorOut
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.inspections.selectors import inspection_get
from xuncha.leads import selectors, services

router = Router(tags=["问题线索"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PersonIO(Schema):
    name: str = Field(min_length=1, max_length=60)
    id_number: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)
    post: str = Field("", max_length=120)
    is_village_cadre: bool = False


class LeadOut(Schema):
    id: int
    inspection_id: int
    unit_id: int
    number: int
    category_id: int | None
    summary: str
    facts: str
    source_problem_id: int | None
    persons: list[PersonIO]
    created_at: datetime
    version: int

    @staticmethod
    def resolve_persons(obj: object) -> list[object]:
        return list(obj.persons.all())  # type: ignore[attr-defined]


class LeadIn(Schema):
    summary: str = Field(min_length=1, max_length=200)
    facts: str = Field(min_length=1)
    category_id: int | None = None
    concerns_poverty_alleviation: bool = False
    persons: list[PersonIO]


class ConvertIn(Schema):
    persons: list[PersonIO]
    summary: str = ""
    note: str = ""


class CountOut(Schema):
    inspection_id: int
    count: int


@router.get("/leads", response={200: list[LeadOut], **ERRORS}, summary="问题线索(仅限授权人员)")
def list_leads(request: HttpRequest, inspection_id: int | None = None,
               person_name: str = "") -> object:
    return selectors.lead_list(user=request.user, inspection_id=inspection_id,
                               person_name=person_name, request=request)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS}, summary="线索详情")
def get_lead(request: HttpRequest, lead_id: int) -> object:
    return selectors.lead_get(user=request.user, lead_id=lead_id, request=request)


@router.post("/inspections/{inspection_id}/leads", response={201: LeadOut, **ERRORS},
             summary="登记问题线索")
def register_lead(request: HttpRequest, inspection_id: int, payload: LeadIn) -> Status[object]:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    category = ProblemCategory.objects.filter(pk=payload.category_id).first() \
        if payload.category_id else None
    return Status(201, services.lead_register(
        actor=request.user, inspection=insp, summary=payload.summary, facts=payload.facts,
        persons=[p.dict() for p in payload.persons], category=category,
        concerns_poverty_alleviation=payload.concerns_poverty_alleviation))


@router.post("/problems/{problem_id}/convert-to-lead", response={201: LeadOut, **ERRORS},
             summary="将问题转为线索")
def convert(request: HttpRequest, problem_id: int, payload: ConvertIn) -> Status[object]:
    problem = get_visible(request.user, Problem.objects.select_related("inspection", "category"),
                          pk=problem_id)
    return Status(201, services.problem_convert_to_lead(
        actor=request.user, problem=problem, persons=[p.dict() for p in payload.persons],
        summary=payload.summary, note=payload.note))


@router.get("/lead-counts", response={200: list[CountOut], **ERRORS},
            summary="线索数量(不含内容)")
def counts(request: HttpRequest) -> object:
    return [{"inspection_id": k, "count": v}
            for k, v in sorted(selectors.lead_counts(user=request.user).items())]


# --- Hand-over and handling (issue: leads lifecycle) ----------------------------------------------

class TransferIn(Schema):
    receiving_body_id: int | None = None
    priority: bool = True
    fast_track: bool = False
    escalation: str = ""
    escalation_reason: str = ""


class StageOut(Schema):
    id: int
    number: int
    stage: str
    receiving_body_id: int | None
    priority: bool
    fast_track: bool
    fast_track_deadline: date | None
    escalation: str
    escalation_reason: str
    result_summary: str
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: object) -> bool:
        return obj.is_overdue()  # type: ignore[attr-defined]


class AdvanceIn(Schema):
    action: str
    on_date: date
    note: str = Field(min_length=1)
    result_summary: str = ""


class SanctionIn(Schema):
    person_index: int = Field(0, ge=0)
    kind: str
    detail: str = Field(min_length=1, max_length=120)
    decided_on: date


class StepOut(Schema):
    from_stage: str
    to_stage: str
    on_date: date
    handler_id: int
    note: str


class TrackingOut(Schema):
    id: int
    number: int
    unit: str
    round: int
    stage: str
    stage_label: str
    receiving_body: str
    priority: bool
    fast_track: bool
    fast_track_deadline: date | None
    escalation: str
    transferred_at: datetime | None
    concluded_at: datetime | None
    result: str
    overdue: bool


def _lead_for_handling(request: HttpRequest, lead_id: int) -> object:
    return selectors.lead_get(user=request.user, lead_id=lead_id, request=request)


@router.post("/leads/{lead_id}/transfer", response={200: StageOut, **ERRORS}, summary="移交线索")
def transfer(request: HttpRequest, lead_id: int, payload: TransferIn) -> object:
    from xuncha.leads import handling
    from xuncha.organisations.models import Unit

    lead = _lead_for_handling(request, lead_id)
    body = get_visible(request.user, Unit, pk=payload.receiving_body_id) \
        if payload.receiving_body_id else None
    return handling.lead_transfer(actor=request.user, lead=lead, receiving_body=body,
                                  priority=payload.priority, fast_track=payload.fast_track,
                                  escalation=payload.escalation,
                                  escalation_reason=payload.escalation_reason)


@router.post("/leads/{lead_id}/receive", response={200: StageOut, **ERRORS}, summary="签收线索")
def receive(request: HttpRequest, lead_id: int) -> object:
    from xuncha.leads import handling

    return handling.lead_receive(actor=request.user, lead=_lead_for_handling(request, lead_id))


@router.post("/leads/{lead_id}/advance", response={200: StageOut, **ERRORS},
             summary="办理(谈话函询、初步核实、立案、审理、处分、了结、办结)")
def advance(request: HttpRequest, lead_id: int, payload: AdvanceIn) -> object:
    from xuncha.leads import handling

    return handling.lead_advance(actor=request.user, lead=_lead_for_handling(request, lead_id),
                                 **payload.dict())


@router.post("/leads/{lead_id}/sanctions", response={201: None, **ERRORS}, summary="登记处分决定")
def add_sanction(request: HttpRequest, lead_id: int, payload: SanctionIn) -> Status[dict]:
    from xuncha.leads import handling

    lead = _lead_for_handling(request, lead_id)
    persons = list(lead.persons.all())  # type: ignore[attr-defined]
    if payload.person_index >= len(persons):
        from xuncha.core.errors import ValidationFailed

        raise ValidationFailed("被处分人不存在。", details=[{"field": "person_index", "message": ""}])
    s = handling.lead_sanction_add(actor=request.user, lead=lead,  # type: ignore[arg-type]
                                   person=persons[payload.person_index], kind=payload.kind,
                                   detail=payload.detail, decided_on=payload.decided_on)
    return Status(201, {"id": s.pk})


@router.get("/leads/{lead_id}/steps", response={200: list[StepOut], **ERRORS}, summary="办理记录")
def steps(request: HttpRequest, lead_id: int) -> object:
    lead = _lead_for_handling(request, lead_id)
    return selectors.lead_steps(user=request.user, lead=lead)  # type: ignore[arg-type]


@router.get("/lead-tracking", response={200: list[TrackingOut], **ERRORS},
            summary="移交线索办理进度(不含线索内容)")
def tracking(request: HttpRequest) -> object:
    return selectors.lead_tracking(user=request.user)
