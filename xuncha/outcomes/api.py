from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible, visible
from xuncha.api.schemas import ErrorOut
from xuncha.findings.models import Problem
from xuncha.leads.models import Lead
from xuncha.organisations.selectors import unit_get
from xuncha.outcomes import services
from xuncha.outcomes.models import (
    AccountabilityRecord,
    FourForms,
    FundsRecovery,
    Institution,
    ResponsibilityKind,
)

router = Router(tags=["整改成果与问责"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class InstitutionOut(Schema):
    id: int
    unit_id: int
    name: str
    document_number: str
    issued_on: date
    problem_ids: list[int]

    @staticmethod
    def resolve_problem_ids(obj: object) -> list[int]:
        return [p.pk for p in obj.problems.all()]  # type: ignore[attr-defined]


class InstitutionIn(Schema):
    unit_id: int
    name: str = Field(min_length=1, max_length=200)
    document_number: str = Field("", max_length=80)
    issued_on: date
    problem_ids: list[int]


class FundsOut(Schema):
    id: int
    unit_id: int
    amount: Decimal
    kind: str
    payer_or_payee: str
    recorded_on: date
    problem_id: int | None
    lead_id: int | None


class FundsIn(Schema):
    unit_id: int
    amount: str
    kind: str = "recovered"
    payer_or_payee: str = Field(min_length=1, max_length=120)
    recorded_on: date
    problem_id: int | None = None
    lead_id: int | None = None


class AccountabilityOut(Schema):
    id: int
    unit_id: int
    person_name: str
    post: str
    is_organisation: bool
    problem_id: int | None
    lead_id: int | None
    responsibility: str
    form: str
    measure: str
    decided_on: date
    deciding_body: str


class AccountabilityIn(Schema):
    unit_id: int
    person_name: str = Field(min_length=1, max_length=60)
    post: str = Field("", max_length=120)
    is_organisation: bool = False
    problem_id: int | None = None
    lead_id: int | None = None
    responsibility: ResponsibilityKind
    form: FourForms
    measure: str = Field(min_length=1, max_length=120)
    decided_on: date
    deciding_body: str = Field(min_length=1, max_length=120)


class WarningOut(Schema):
    problem: int
    number: int
    title: str
    message: str


def _problem(request: HttpRequest, pk: int | None) -> Problem | None:
    return get_visible(request.user, Problem, pk=pk) if pk else None


def _lead(request: HttpRequest, pk: int | None) -> Lead | None:
    return get_visible(request.user, Lead, pk=pk) if pk else None


@router.get("/institutions", response={200: list[InstitutionOut], **ERRORS}, summary="建章立制")
def list_institutions(request: HttpRequest, unit_id: int | None = None) -> object:
    qs = visible(request.user, Institution).prefetch_related("problems")
    return list(qs.filter(unit_id=unit_id) if unit_id else qs)


@router.post("/institutions", response={201: InstitutionOut, **ERRORS}, summary="登记建章立制")
def add_institution(request: HttpRequest, payload: InstitutionIn) -> Status[object]:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    problems = [get_visible(request.user, Problem, pk=i) for i in payload.problem_ids]
    return Status(201, services.institution_add(
        actor=request.user, unit=unit, name=payload.name, issued_on=payload.issued_on,
        problems=problems, document_number=payload.document_number))


@router.get("/funds", response={200: list[FundsOut], **ERRORS}, summary="资金收回")
def list_funds(request: HttpRequest, unit_id: int | None = None) -> object:
    qs = visible(request.user, FundsRecovery)
    return list(qs.filter(unit_id=unit_id) if unit_id else qs)


@router.post("/funds", response={201: FundsOut, **ERRORS}, summary="登记资金收回")
def add_funds(request: HttpRequest, payload: FundsIn) -> Status[object]:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    return Status(201, services.funds_add(
        actor=request.user, unit=unit, amount=payload.amount, kind=payload.kind,
        payer_or_payee=payload.payer_or_payee, recorded_on=payload.recorded_on,
        problem=_problem(request, payload.problem_id), lead=_lead(request, payload.lead_id)))


@router.get("/accountability", response={200: list[AccountabilityOut], **ERRORS},
            summary="问责清单")
def list_accountability(request: HttpRequest, unit_id: int | None = None) -> object:
    qs = visible(request.user, AccountabilityRecord)
    return list(qs.filter(unit_id=unit_id) if unit_id else qs)


@router.post("/accountability", response={201: AccountabilityOut, **ERRORS}, summary="登记问责")
def add_accountability(request: HttpRequest, payload: AccountabilityIn) -> Status[object]:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    data = payload.dict(exclude={"unit_id", "problem_id", "lead_id"})
    return Status(201, services.accountability_add(
        actor=request.user, unit=unit, problem=_problem(request, payload.problem_id),
        lead=_lead(request, payload.lead_id), **data))


@router.get("/accountability/warnings", response={200: list[WarningOut], **ERRORS},
            summary="只追究直接责任的预警")
def accountability_warnings(request: HttpRequest) -> object:
    return services.accountability_warnings(
        visible(request.user, Problem).filter(names_people=True))
