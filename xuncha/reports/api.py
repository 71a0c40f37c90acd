from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.scope import get_visible, visible
from xuncha.api.schemas import ErrorOut
from xuncha.findings.models import Problem
from xuncha.inspections.selectors import inspection_get
from xuncha.reports import services
from xuncha.reports.models import Annotation, FeedbackList, ReportVersion

router = Router(tags=["巡察报告与反馈"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AnnotationOut(Schema):
    id: int
    quote: str
    problem_id: int | None
    body: str
    author_id: int
    status: str
    reply: str
    created_at: datetime


class VersionOut(Schema):
    id: int
    inspection_id: int
    number: int
    title: str
    body: str
    status: str
    cited_problem_ids: list[int]
    to_city: bool
    submitted_at: datetime | None
    decided_at: datetime | None
    annotations: list[AnnotationOut]

    @staticmethod
    def resolve_cited_problem_ids(obj: object) -> list[int]:
        return [p.pk for p in obj.cited_problems.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_annotations(obj: object) -> list[object]:
        return list(obj.annotations.all())  # type: ignore[attr-defined]


class DraftIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    cited_problem_ids: list[int] = []


class AnnotationIn(Schema):
    body: str = Field(min_length=1)
    quote: str = ""
    problem_id: int | None = None


class ReplyIn(Schema):
    reply: str = Field(min_length=1)


class ReasonIn(Schema):
    reason: str = Field(min_length=1)


class SignatureOut(Schema):
    role: str
    signer_id: int
    signed_hash: str
    signed_at: datetime
    voided_at: datetime | None
    void_reason: str


class FeedbackOut(Schema):
    id: int
    inspection_id: int
    report_id: int
    items: list[dict[str, object]]
    content_hash: str
    generated_at: datetime
    completed_at: datetime | None
    signatures: list[SignatureOut]

    @staticmethod
    def resolve_signatures(obj: object) -> list[object]:
        return list(obj.signatures.all())  # type: ignore[attr-defined]


class SignIn(Schema):
    content_hash: str = Field(min_length=64, max_length=64)


def _version(request: HttpRequest, version_id: int) -> ReportVersion:
    return get_visible(request.user, ReportVersion.objects.select_related("inspection"),
                       pk=version_id)


@router.get("/inspections/{inspection_id}/report-versions", response={200: list[VersionOut],
                                                                      **ERRORS},
            summary="巡察报告各稿")
def list_versions(request: HttpRequest, inspection_id: int) -> object:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return list(visible(request.user, ReportVersion).filter(inspection=insp)
                .prefetch_related("cited_problems", "annotations"))


@router.post("/inspections/{inspection_id}/report-versions", response={200: VersionOut, **ERRORS},
             summary="保存报告草稿")
def save_draft(request: HttpRequest, inspection_id: int, payload: DraftIn) -> object:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    problems = list(Problem.objects.filter(pk__in=payload.cited_problem_ids, inspection=insp))
    return services.report_save_draft(actor=request.user, inspection=insp, title=payload.title,
                                      body=payload.body, cited_problems=problems)


@router.get("/report-versions/{version_id}", response={200: VersionOut, **ERRORS},
            summary="报告稿详情")
def get_version(request: HttpRequest, version_id: int) -> object:
    return _version(request, version_id)


@router.post("/report-versions/{version_id}/submit", response={200: VersionOut, **ERRORS},
             summary="报告送审")
def submit(request: HttpRequest, version_id: int) -> object:
    return services.report_submit(actor=request.user, version=_version(request, version_id))


@router.post("/report-versions/{version_id}/annotations", response={201: AnnotationOut, **ERRORS},
             summary="批注")
def annotate(request: HttpRequest, version_id: int, payload: AnnotationIn) -> Status[object]:
    version = _version(request, version_id)
    problem = Problem.objects.filter(pk=payload.problem_id,
                                     inspection=version.inspection).first() \
        if payload.problem_id else None
    return Status(201, services.annotation_add(actor=request.user, version=version,
                                               body=payload.body, quote=payload.quote,
                                               problem=problem))


@router.post("/annotations/{annotation_id}/reply", response={200: AnnotationOut, **ERRORS},
             summary="答复批注")
def reply(request: HttpRequest, annotation_id: int, payload: ReplyIn) -> object:
    a = get_visible(request.user, Annotation.objects.select_related("version__inspection"),
                    pk=annotation_id)
    return services.annotation_reply(actor=request.user, annotation=a, reply=payload.reply)


@router.post("/annotations/{annotation_id}/resolve", response={200: AnnotationOut, **ERRORS},
             summary="批注已解决")
def resolve(request: HttpRequest, annotation_id: int) -> object:
    a = get_visible(request.user, Annotation.objects.select_related("version__inspection"),
                    pk=annotation_id)
    return services.annotation_resolve(actor=request.user, annotation=a)


@router.post("/report-versions/{version_id}/return", response={200: VersionOut, **ERRORS},
             summary="退回修改")
def return_version(request: HttpRequest, version_id: int, payload: ReasonIn) -> object:
    return services.report_return(actor=request.user, version=_version(request, version_id),
                                  reason=payload.reason)


@router.post("/report-versions/{version_id}/approve", response={200: FeedbackOut, **ERRORS},
             summary="审定报告并生成反馈清单")
def approve(request: HttpRequest, version_id: int) -> object:
    return services.report_approve(actor=request.user, version=_version(request, version_id))


@router.get("/inspections/{inspection_id}/feedback", response={200: FeedbackOut, **ERRORS},
            summary="反馈问题清单")
def get_feedback(request: HttpRequest, inspection_id: int) -> object:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return get_visible(request.user, FeedbackList, inspection=insp)


@router.post("/feedback/{feedback_id}/sign", response={200: FeedbackOut, **ERRORS},
             summary="三方签字(须提交所核对清单的 SM3)")
def sign(request: HttpRequest, feedback_id: int, payload: SignIn) -> object:
    fb = get_visible(request.user, FeedbackList.objects.select_related("inspection"),
                     pk=feedback_id)
    services.feedback_sign(actor=request.user, feedback=fb, expected_hash=payload.content_hash)
    fb.refresh_from_db()
    return fb
