"""Leads through the API: the same scope, every read audited, content only to those who may see it.
Roles that see counts only get numbers from /lead-counts."""

from __future__ import annotations

from datetime import datetime

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
        persons=[p.dict() for p in payload.persons], category=category))


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
