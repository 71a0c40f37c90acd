from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible, visible
from xuncha.accounts.selectors import user_get
from xuncha.api.schemas import ErrorOut
from xuncha.evaluation import inquiry, services
from xuncha.evaluation.models import (
    Body,
    ConsequenceKind,
    Evaluation,
    EvaluationItem,
    InquiryMeeting,
    Mark,
)
from xuncha.findings.models import ProblemCategory
from xuncha.inspections.selectors import inspection_get
from xuncha.organisations.selectors import unit_get
from xuncha.rectification.models import RectificationTask

router = Router(tags=["整改评估"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class MemberIn(Schema):
    user_id: int
    body: Body
    sections: list[str] = []


class EvaluationIn(Schema):
    unit_id: int
    inspection_id: int | None = None
    is_revisit: bool = False
    visit_date: date
    leader_id: int
    members: list[MemberIn]


class ItemOut(Schema):
    id: int
    number: int
    title: str
    weight: Decimal
    auto_source: str
    prefill: Decimal | None
    prefill_basis: str
    score: Decimal | None
    reason: str


class EvaluationOut(Schema):
    id: int
    unit_id: int
    inspection_id: int | None
    is_revisit: bool
    visit_date: date
    leader_id: int
    status: str
    notified_at: datetime | None
    total_score: Decimal | None
    grade: str
    summary: str
    second_rectification: bool
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: object) -> list[object]:
        return list(obj.items.all())  # type: ignore[attr-defined]


class ScoreIn(Schema):
    score: Decimal = Field(ge=0, le=100)
    reason: str = Field(min_length=1)


class MarkIn(Schema):
    task_id: int
    mark: Mark
    note: str = ""


class FindingIn(Schema):
    category_id: int
    title: str = Field(min_length=1, max_length=200)
    facts: str = Field(min_length=1)


class ReportIn(Schema):
    summary: str = Field(min_length=1)
    findings: list[FindingIn] = []


class ConsequenceIn(Schema):
    kind: ConsequenceKind
    person: str = Field(min_length=1, max_length=120)
    on_date: date
    reason: str = Field(min_length=1)
    content: str = ""
    points: Decimal | None = None
    year: int | None = None


class MeetingIn(Schema):
    committee_id: int
    held_on: date
    title: str = Field(min_length=1, max_length=120)
    reporting_unit_ids: list[int]


class QuestionIn(Schema):
    asked_by: str = Field(min_length=1, max_length=60)
    respondent: str = Field(min_length=1, max_length=60)
    question: str = Field(min_length=1)
    answer: str = ""


class FollowUpIn(Schema):
    unit_id: int
    category_id: int
    title: str = Field(min_length=1, max_length=200)
    facts: str = Field(min_length=1)
    deadline_days: int = Field(30, ge=1, le=365)


def _ev(request: HttpRequest, pk: int) -> Evaluation:
    return get_visible(request.user, Evaluation.objects.select_related("unit"), pk=pk)


def _category(pk: int) -> ProblemCategory:
    from xuncha.core.errors import ValidationFailed

    cat = ProblemCategory.objects.filter(pk=pk).select_related("parent").first()
    if cat is None:
        raise ValidationFailed("问题类别不存在。", details=[{"field": "category_id", "message": ""}])
    return cat


@router.get("/evaluations", response={200: list[EvaluationOut], **ERRORS}, summary="整改评估")
def list_evaluations(request: HttpRequest, status: str = "") -> object:
    qs = visible(request.user, Evaluation).prefetch_related("items")
    return list(qs.filter(status=status) if status else qs)


@router.post("/evaluations", response={201: EvaluationOut, **ERRORS}, summary="计划评估")
def plan(request: HttpRequest, payload: EvaluationIn) -> Status[object]:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    insp = inspection_get(user=request.user, inspection_id=payload.inspection_id) \
        if payload.inspection_id else None
    members = [(user_get(user=request.user, user_id=m.user_id), m.body, m.sections)
               for m in payload.members]
    leader = user_get(user=request.user, user_id=payload.leader_id)
    return Status(201, services.evaluation_plan(
        actor=request.user, unit=unit, inspection=insp, is_revisit=payload.is_revisit,
        visit_date=payload.visit_date, leader=leader, members=members))


@router.get("/evaluations/{evaluation_id}", response={200: EvaluationOut, **ERRORS},
            summary="评估详情")
def get_evaluation(request: HttpRequest, evaluation_id: int) -> object:
    return _ev(request, evaluation_id)


@router.post("/evaluations/{evaluation_id}/notify", response={200: EvaluationOut, **ERRORS},
             summary="提前一天告知被评估单位")
def notify(request: HttpRequest, evaluation_id: int) -> object:
    return services.evaluation_notify(actor=request.user,
                                      evaluation=_ev(request, evaluation_id))


@router.post("/evaluations/{evaluation_id}/start", response={200: EvaluationOut, **ERRORS},
             summary="开始现场评估")
def start(request: HttpRequest, evaluation_id: int) -> object:
    return services.evaluation_start(actor=request.user, evaluation=_ev(request, evaluation_id))


@router.post("/evaluation-items/{item_id}/score", response={200: ItemOut, **ERRORS},
             summary="评分")
def score(request: HttpRequest, item_id: int, payload: ScoreIn) -> object:
    item = get_visible(request.user, EvaluationItem.objects.select_related("evaluation"),
                       pk=item_id)
    return services.item_score(actor=request.user, item=item, score=payload.score,
                               reason=payload.reason)


@router.post("/evaluations/{evaluation_id}/marks", response={201: None, **ERRORS},
             summary="台账逐项核查")
def mark(request: HttpRequest, evaluation_id: int, payload: MarkIn) -> Status[dict]:
    ev = _ev(request, evaluation_id)
    task = get_visible(request.user, RectificationTask.objects.select_related("unit"),
                       pk=payload.task_id)
    m = services.check_mark(actor=request.user, evaluation=ev, task=task, mark=payload.mark,
                            note=payload.note)
    return Status(201, {"id": m.pk})


@router.post("/evaluations/{evaluation_id}/report", response={200: EvaluationOut, **ERRORS},
             summary="出具评估报告(计分、定等次、反馈问题)")
def report(request: HttpRequest, evaluation_id: int, payload: ReportIn) -> object:
    ev = _ev(request, evaluation_id)
    findings = [{"category": _category(f.category_id), "title": f.title, "facts": f.facts}
                for f in payload.findings]
    return services.evaluation_report(actor=request.user, evaluation=ev,
                                      summary=payload.summary, findings=findings)


@router.post("/evaluations/{evaluation_id}/consequences", response={201: None, **ERRORS},
             summary="结果运用(通报、约谈、扣分)")
def consequence(request: HttpRequest, evaluation_id: int, payload: ConsequenceIn) -> Status[dict]:
    c = services.consequence_add(actor=request.user, evaluation=_ev(request, evaluation_id),
                                 **payload.dict())
    return Status(201, {"id": c.pk})


@router.get("/evaluations/{evaluation_id}/rate", response={200: dict[str, object], **ERRORS},
            summary="评估前后整改率")
def rate(request: HttpRequest, evaluation_id: int) -> object:
    return services.rate_before_after(_ev(request, evaluation_id))


@router.post("/inquiry-meetings", response={201: None, **ERRORS}, summary="记录质询会")
def meeting(request: HttpRequest, payload: MeetingIn) -> Status[dict]:
    committee = unit_get(user=request.user, unit_id=payload.committee_id)
    units = [unit_get(user=request.user, unit_id=i) for i in payload.reporting_unit_ids]
    m = inquiry.meeting_record(actor=request.user, committee=committee, held_on=payload.held_on,
                               title=payload.title, reporting_units=units)
    return Status(201, {"id": m.pk})


@router.post("/inquiry-meetings/{meeting_id}/questions", response={201: None, **ERRORS},
             summary="质询问题与答复")
def question(request: HttpRequest, meeting_id: int, payload: QuestionIn) -> Status[dict]:
    m = get_visible(request.user, InquiryMeeting, pk=meeting_id)
    q = inquiry.question_add(actor=request.user, meeting=m, **payload.dict())
    return Status(201, {"id": q.pk})


@router.post("/inquiry-meetings/{meeting_id}/follow-ups", response={201: None, **ERRORS},
             summary="质询会交办事项纳入台账")
def follow_up(request: HttpRequest, meeting_id: int, payload: FollowUpIn) -> Status[dict]:
    m = get_visible(request.user, InquiryMeeting, pk=meeting_id)
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    p = inquiry.follow_up(actor=request.user, meeting=m, unit=unit,
                          category=_category(payload.category_id), title=payload.title,
                          facts=payload.facts, deadline_days=payload.deadline_days)
    return Status(201, {"problem_id": p.pk})
