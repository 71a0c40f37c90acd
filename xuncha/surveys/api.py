"""Surveys through the API. Answering is anonymous (no authentication at all, nothing logged);
everything else needs the office's rights."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible
from xuncha.api.schemas import ErrorOut
from xuncha.evaluation.models import Evaluation
from xuncha.surveys import services
from xuncha.surveys.models import Survey, SurveyStatus

router = Router(tags=["满意度测评"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class SurveyOut(Schema):
    id: int
    evaluation_id: int
    title: str
    slug: str
    status: str
    min_answers: int
    questions: list[dict[str, object]]


class CodesIn(Schema):
    count: int = Field(ge=1, le=2000)


class AnswerIn(Schema):
    code: str = Field(min_length=4, max_length=20)
    answers: dict[str, str]


class PaperIn(Schema):
    answers: dict[str, str]


class PublicSurveyOut(Schema):
    title: str
    questions: list[dict[str, object]]


@router.post("/evaluations/{evaluation_id}/surveys", response={201: SurveyOut, **ERRORS},
             summary="开启满意度测评")
def open_survey(request: HttpRequest, evaluation_id: int) -> Status[object]:
    ev = get_visible(request.user, Evaluation.objects.select_related("unit"), pk=evaluation_id)
    return Status(201, services.survey_open(actor=request.user, evaluation=ev))


def _survey(request: HttpRequest, pk: int) -> Survey:
    return get_visible(request.user, Survey.objects.select_related("unit"), pk=pk)


@router.post("/surveys/{survey_id}/codes", response={201: list[str], **ERRORS},
             summary="生成一次性测评码(只显示一次,用于打印)")
def codes(request: HttpRequest, survey_id: int, payload: CodesIn) -> Status[list[str]]:
    return Status(201, services.codes_issue(actor=request.user, survey=_survey(request, survey_id),
                                            count=payload.count))


@router.post("/surveys/{survey_id}/paper", response={201: None, **ERRORS}, summary="录入纸质测评表")
def paper(request: HttpRequest, survey_id: int, payload: PaperIn) -> Status[None]:
    services.paper_enter(actor=request.user, survey=_survey(request, survey_id),
                         answers=payload.answers)
    return Status(201, None)


@router.get("/surveys/{survey_id}/results", response={200: dict[str, object], **ERRORS},
            summary="测评结果(不足最少份数时不显示)")
def results(request: HttpRequest, survey_id: int) -> object:
    r = services.results(_survey(request, survey_id))
    return r.__dict__


@router.post("/surveys/{survey_id}/close", response={200: SurveyOut, **ERRORS}, summary="结束测评")
def close(request: HttpRequest, survey_id: int) -> object:
    return services.survey_close(actor=request.user, survey=_survey(request, survey_id))


@router.get("/public/surveys/{slug}", response={200: PublicSurveyOut, **ERRORS}, auth=None,
            summary="测评问卷(匿名)")
def public_survey(request: HttpRequest, slug: str) -> object:
    s = Survey.objects.filter(slug=slug, status=SurveyStatus.OPEN).first()
    if s is None:
        from xuncha.core.errors import NotFound

        raise NotFound()
    return {"title": s.title, "questions": s.questions}


@router.post("/public/surveys/{slug}/answers", response={201: None, **ERRORS}, auth=None,
             summary="提交测评(匿名,一码一次)")
def answer(request: HttpRequest, slug: str, payload: AnswerIn) -> Status[None]:
    services.answer_submit(slug=slug, code=payload.code, answers=payload.answers)
    return Status(201, None)
