from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status, UploadedFile

from xuncha.accounts.scope import get_visible, visible
from xuncha.api.schemas import ErrorOut
from xuncha.core.errors import ValidationFailed
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE
from xuncha.findings import importing, services
from xuncha.findings.models import Problem, ProblemCategory, Recommendation, Severity
from xuncha.inspections.models import IntakeItem, RoundChecklistItem
from xuncha.inspections.selectors import inspection_get

router = Router(tags=["巡察发现"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    label: str
    parent_id: int | None
    is_active: bool


class ProblemOut(Schema):
    id: int
    inspection_id: int
    unit_id: int
    number: int
    category_id: int
    category: str
    title: str
    facts: str
    severity: str
    origin: str
    checklist_item_id: int | None
    intake_item_ids: list[int]
    is_common: bool
    names_people: bool
    state: str
    created_at: datetime
    version: int

    @staticmethod
    def resolve_category(obj: object) -> str:
        return obj.category.label  # type: ignore[attr-defined]

    @staticmethod
    def resolve_intake_item_ids(obj: object) -> list[int]:
        return [i.pk for i in obj.intake_items.all()]  # type: ignore[attr-defined]


class ProblemIn(Schema):
    category_id: int
    title: str = Field(min_length=1, max_length=200)
    facts: str = Field(min_length=1)
    severity: Severity = Severity.GENERAL
    checklist_item_id: int | None = None
    intake_item_ids: list[int] = []
    is_common: bool = False
    names_people: bool = False


class ProblemPatch(Schema):
    version: int
    category_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    facts: str | None = None
    severity: Severity | None = None
    is_common: bool | None = None
    names_people: bool | None = None


class WithdrawIn(Schema):
    reason: str = Field(min_length=1)


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class RecommendationOut(Schema):
    id: int
    inspection_id: int
    department_id: int
    title: str
    content: str
    status: str
    problem_ids: list[int]

    @staticmethod
    def resolve_problem_ids(obj: object) -> list[int]:
        return [p.pk for p in obj.problems.all()]  # type: ignore[attr-defined]


class RecommendationIn(Schema):
    department_id: int
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1)
    problem_ids: list[int] = []


def _category(pk: int) -> ProblemCategory:
    cat = ProblemCategory.objects.select_related("parent").filter(pk=pk).first()
    if cat is None:
        raise ValidationFailed("问题类别不存在。", details=[{"field": "category_id", "message": ""}])
    return cat


@router.get("/problem-categories", response={200: list[CategoryOut], **ERRORS},
            summary="问题类别字典")
def list_categories(request: HttpRequest) -> object:
    return list(visible(request.user, ProblemCategory).select_related("parent").order_by("code"))


@router.get("/inspections/{inspection_id}/problems", response={200: list[ProblemOut], **ERRORS},
            summary="本次巡察的问题")
def list_problems(request: HttpRequest, inspection_id: int) -> object:
    from xuncha.leads.selectors import audit_converted_problems

    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    rows = list(visible(request.user, Problem).filter(inspection=insp)
                .select_related("category", "category__parent", "lead")
                .prefetch_related("intake_items"))
    audit_converted_problems(user=request.user, problems=rows, request=request)
    return rows


@router.post("/inspections/{inspection_id}/problems", response={201: ProblemOut, **ERRORS},
             summary="登记问题")
def create_problem(request: HttpRequest, inspection_id: int, payload: ProblemIn) -> Status[object]:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    item = RoundChecklistItem.objects.filter(pk=payload.checklist_item_id,
                                             round=insp.round).first() \
        if payload.checklist_item_id else None
    intake = list(IntakeItem.objects.filter(pk__in=payload.intake_item_ids, round=insp.round))
    return Status(201, services.problem_create(
        actor=request.user, inspection=insp, category=_category(payload.category_id),
        title=payload.title, facts=payload.facts, severity=payload.severity,
        checklist_item=item, intake_items=intake, is_common=payload.is_common,
        names_people=payload.names_people))


@router.get("/problems/{problem_id}", response={200: ProblemOut, **ERRORS}, summary="问题详情")
def get_problem(request: HttpRequest, problem_id: int) -> object:
    from xuncha.leads.selectors import audit_converted_problems

    problem = get_visible(request.user, Problem.objects.select_related("category", "lead"),
                          pk=problem_id)
    audit_converted_problems(user=request.user, problems=[problem], request=request)
    return problem


@router.patch("/problems/{problem_id}", response={200: ProblemOut, **ERRORS}, summary="修改问题")
def update_problem(request: HttpRequest, problem_id: int, payload: ProblemPatch) -> object:
    problem = get_visible(request.user, Problem.objects.select_related("inspection"),
                          pk=problem_id)
    fields = payload.dict(exclude_unset=True, exclude={"version", "category_id"})
    if payload.category_id is not None:
        fields["category"] = _category(payload.category_id)
    return services.problem_update(actor=request.user, problem=problem,
                                   expected_version=payload.version, **fields)


@router.post("/problems/{problem_id}/withdraw", response={200: ProblemOut, **ERRORS},
             summary="撤销问题")
def withdraw_problem(request: HttpRequest, problem_id: int, payload: WithdrawIn) -> object:
    problem = get_visible(request.user, Problem.objects.select_related("inspection"),
                          pk=problem_id)
    return services.problem_withdraw(actor=request.user, problem=problem, reason=payload.reason)


@router.get("/inspections/{inspection_id}/problems.xlsx", response={200: None, **ERRORS},
            summary="导出问题清单(Excel)")
def export_problems(request: HttpRequest, inspection_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    data = importing.export_problems(user=request.user, inspection=insp)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="problems-{insp.pk}.xlsx"'
    return response


@router.get("/problem-template.xlsx", response={200: None, **ERRORS},
            summary="下载问题清单导入模板")
def problem_template(request: HttpRequest) -> HttpResponse:
    from xuncha.accounts.scope import require

    require(request.user, "findings.view_problem")
    response = HttpResponse(importing.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="problem-template.xlsx"'
    return response


@router.post("/inspections/{inspection_id}/problems/import", response={200: ImportOut, **ERRORS},
             summary="导入问题清单(全部成功或全部不导入)")
def import_problems(request: HttpRequest, inspection_id: int,
                    file: UploadedFile = File(...)) -> object:  # noqa: B008
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    from django.conf import settings

    if file.size and file.size > settings.XUNCHA_IMPORT_MAX_BYTES:
        raise ValidationFailed("文件超过大小上限。", code="import_failed",
                               details=[{"sheet": "", "row": 0, "column": "",
                                         "message": "文件超过大小上限。"}])
    return importing.import_problems(actor=request.user, inspection=insp, data=file.read(),
                                     filename=file.name or "")


@router.get("/inspections/{inspection_id}/recommendations",
            response={200: list[RecommendationOut], **ERRORS}, summary="专项治理建议")
def list_recommendations(request: HttpRequest, inspection_id: int) -> object:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return list(visible(request.user, Recommendation).filter(inspection=insp)
                .prefetch_related("problems"))


@router.post("/inspections/{inspection_id}/recommendations",
             response={201: RecommendationOut, **ERRORS}, summary="提出专项治理建议")
def create_recommendation(request: HttpRequest, inspection_id: int,
                          payload: RecommendationIn) -> Status[object]:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    # Departments of the committee are named by the team, which cannot browse the unit tree.
    from xuncha.core.errors import NotFound
    from xuncha.core.tree import subtree_q
    from xuncha.organisations.models import Unit

    department = Unit.objects.filter(subtree_q(insp.round.term.unit.path),
                                     pk=payload.department_id).first()
    if department is None:
        raise NotFound()
    problems = list(Problem.objects.filter(pk__in=payload.problem_ids, inspection=insp))
    return Status(201, services.recommendation_create(
        actor=request.user, inspection=insp, department=department, title=payload.title,
        content=payload.content, problems=problems))


@router.post("/recommendations/{recommendation_id}/send",
             response={200: RecommendationOut, **ERRORS}, summary="移交专项治理建议")
def send_recommendation(request: HttpRequest, recommendation_id: int) -> object:
    rec = get_visible(request.user, Recommendation.objects.select_related("inspection"),
                      pk=recommendation_id)
    return services.recommendation_send(actor=request.user, recommendation=rec)
