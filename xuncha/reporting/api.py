from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible, visible
from xuncha.api.schemas import ErrorOut
from xuncha.organisations.selectors import unit_get
from xuncha.reporting import services
from xuncha.reporting.models import CityAssignment, MonthlyReturn

router = Router(tags=["月度报送"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ReturnOut(Schema):
    id: int
    level: str
    reporter_id: int
    recipient_id: int
    month: date
    due_on: date
    status: str
    data: dict[str, object]
    content_hash: str
    note: str
    submitted_at: datetime | None
    is_late: bool


class PrepareIn(Schema):
    reporter_id: int
    month: date


class SubmitIn(Schema):
    note: str = ""


class OverviewRow(Schema):
    county_id: int
    county: str
    submitted: bool
    late: bool
    due_on: date
    data: dict[str, object] | None


class AssignmentOut(Schema):
    id: int
    county_id: int
    title: str
    content: str
    deadline: date
    status: str
    response: str
    version: int


class AssignmentIn(Schema):
    county_id: int
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1)
    deadline: date


class AnswerIn(Schema):
    version: int
    response: str = Field(min_length=1)
    done: bool = False


@router.get("/returns", response={200: list[ReturnOut], **ERRORS}, summary="月度报表")
def list_returns(request: HttpRequest, reporter_id: int | None = None) -> object:
    qs = visible(request.user, MonthlyReturn)
    return list(qs.filter(reporter_id=reporter_id) if reporter_id else qs)


@router.post("/returns", response={200: ReturnOut, **ERRORS}, summary="编制(刷新)月度报表")
def prepare(request: HttpRequest, payload: PrepareIn) -> object:
    unit = unit_get(user=request.user, unit_id=payload.reporter_id)
    return services.return_prepare(actor=request.user, reporter=unit, month=payload.month)


@router.post("/returns/{return_id}/submit", response={200: ReturnOut, **ERRORS},
             summary="报送月度报表(报送后冻结)")
def submit(request: HttpRequest, return_id: int, payload: SubmitIn) -> object:
    ret = get_visible(request.user, MonthlyReturn.objects.select_related("reporter"),
                      pk=return_id)
    return services.return_submit(actor=request.user, ret=ret, note=payload.note)


@router.get("/returns/city-overview", response={200: list[OverviewRow], **ERRORS},
            summary="各县区月报对比")
def overview(request: HttpRequest, city_id: int, month: date) -> object:
    city = unit_get(user=request.user, unit_id=city_id)
    return [{"county_id": r["county"].pk, "county": r["county"].name, "submitted": r["submitted"],
             "late": r["late"], "due_on": r["due_on"], "data": r["data"]}
            for r in services.city_overview(user=request.user, city=city, month=month)]


@router.get("/city-assignments", response={200: list[AssignmentOut], **ERRORS},
            summary="市级交办事项")
def list_assignments(request: HttpRequest) -> object:
    return list(visible(request.user, CityAssignment))


@router.post("/city-assignments", response={201: AssignmentOut, **ERRORS}, summary="交办事项")
def add_assignment(request: HttpRequest, payload: AssignmentIn) -> Status[object]:
    county = unit_get(user=request.user, unit_id=payload.county_id)
    return Status(201, services.city_assignment_add(
        actor=request.user, county=county, title=payload.title, content=payload.content,
        deadline=payload.deadline))


@router.post("/city-assignments/{assignment_id}/answer", response={200: AssignmentOut, **ERRORS},
             summary="报告办理情况")
def answer(request: HttpRequest, assignment_id: int, payload: AnswerIn) -> object:
    a = get_visible(request.user, CityAssignment.objects.select_related("county"),
                    pk=assignment_id)
    return services.city_assignment_answer(actor=request.user, assignment=a,
                                           response=payload.response, done=payload.done,
                                           expected_version=payload.version)
