from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from xuncha.accounts.scope import get_visible
from xuncha.accounts.selectors import user_get
from xuncha.api.schemas import ErrorOut
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.inspections.selectors import inspection_get
from xuncha.organisations.selectors import unit_get
from xuncha.rectification import excel, ledger, plans, report, selectors
from xuncha.rectification.models import (
    MeasureKind,
    ReviewDecision,
    VerificationMethod,
    VerificationResult,
)

router = Router(tags=["整改"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class LedgerQuery(Schema):
    under_id: int | None = None
    plan_id: int | None = None
    status: str = ""
    kind: str = ""
    category_id: int | None = None
    q: str = ""
    round_id: int | None = None
    due_before: date | None = None

    def to_filter(self) -> selectors.LedgerFilter:
        return selectors.LedgerFilter(**self.dict())


class TaskOut(Schema):
    id: int
    plan_id: int
    unit_id: int
    problem_id: int
    problem_number: int
    problem_title: str
    number: int
    measure: str
    kind: str
    deadline: date | None
    responsible_leader: str
    responsible_person: str
    responsible_department: str
    responsible_user_id: int | None
    expected_evidence: str
    status: str
    progress: int
    overdue: bool
    is_relapse: bool
    closed_at: datetime | None
    version: int

    @staticmethod
    def resolve_problem_number(obj: object) -> int:
        return obj.problem.number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_problem_title(obj: object) -> str:
        return obj.problem.title  # type: ignore[attr-defined]

    @staticmethod
    def resolve_overdue(obj: object) -> bool:
        return obj.is_overdue()  # type: ignore[attr-defined]


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


TASK_OUT_FIELDS = tuple(TaskOut.model_fields)


class TaskIn(Schema):
    problem_id: int
    measure: str = ""
    kind: MeasureKind = MeasureKind.DEADLINE
    deadline: date | None = None
    responsible_leader: str = Field("", max_length=60)
    responsible_person: str = Field("", max_length=60)
    responsible_department: str = Field("", max_length=80)
    responsible_user_id: int | None = None
    expected_evidence: str = Field("", max_length=300)


class TaskPatch(Schema):
    version: int
    measure: str | None = None
    kind: MeasureKind | None = None
    deadline: date | None = None
    responsible_leader: str | None = Field(None, max_length=60)
    responsible_person: str | None = Field(None, max_length=60)
    responsible_department: str | None = Field(None, max_length=80)
    expected_evidence: str | None = Field(None, max_length=300)


class PlanOut(Schema):
    id: int
    inspection_id: int
    unit_id: int
    first_responsible_id: int
    group_leader: str
    group_members: str
    guiding_text: str
    period_start: date
    period_end: date
    status: str
    submitted_count: int
    version: int


class PlanIn(Schema):
    inspection_id: int
    first_responsible_id: int
    group_leader: str = Field(min_length=1, max_length=60)
    group_members: str = ""
    guiding_text: str = ""
    period_end: date | None = None


class CheckOut(Schema):
    criterion: str
    criterion_label: str
    message: str
    problem_number: int | None
    task_number: int | None


class SnapshotOut(Schema):
    id: int
    number: int
    content: dict[str, object]
    content_hash: str
    submitted_at: datetime


class ReviewIn(Schema):
    decision: ReviewDecision
    direction_unclear: str = ""
    missing_items: str = ""
    vague_measures: str = ""
    comment: str = ""


class ReviewOut(Schema):
    id: int
    body: str
    decision: str
    direction_unclear: str
    missing_items: str
    vague_measures: str
    comment: str
    decided_at: datetime


class OwnProblemIn(Schema):
    category_id: int
    title: str = Field(min_length=1, max_length=200)
    facts: str = Field(min_length=1)


class ProgressOut(Schema):
    id: int
    task_id: int
    text: str
    percent: int
    reported_on: date


class ClosureIn(Schema):
    note: str = Field(min_length=1)


class VerifyIn(Schema):
    method: VerificationMethod
    result: VerificationResult
    note: str = Field(min_length=1)
    sampled: bool = False


class ReasonIn(Schema):
    reason: str = Field(min_length=1)
    relapse: bool = False


class SampleIn(Schema):
    county_id: int
    percent: int | None = Field(None, ge=1, le=100)


class SampleOut(Schema):
    id: int
    percent: int
    population: int
    task_ids: list[int]

    @staticmethod
    def resolve_task_ids(obj: object) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())  # type: ignore[attr-defined]


class ReportIn(Schema):
    unit_text: str = Field(min_length=1)
    head_text: str = Field(min_length=1)
    public_text: str = ""


class ReportOut(Schema):
    id: int
    plan_id: int
    unit_text: str
    head_text: str
    public_text: str
    compiled: dict[str, object]
    content_hash: str
    status: str


class SignIn(Schema):
    content_hash: str = Field(min_length=64, max_length=64)
    opinion: str = ""


# --- Plans ----------------------------------------------------------------------------------------

@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="整改方案列表")
def list_plans(request: HttpRequest, status: str = "", under_id: int | None = None) -> object:
    return list(selectors.plan_list(user=request.user, status=status, under_id=under_id))


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="建立整改方案")
def open_plan(request: HttpRequest, payload: PlanIn) -> Status[object]:
    insp = inspection_get(user=request.user, inspection_id=payload.inspection_id)
    head = user_get(user=request.user, user_id=payload.first_responsible_id)
    return Status(201, plans.plan_open(
        actor=request.user, inspection=insp, first_responsible=head,
        group_leader=payload.group_leader, group_members=payload.group_members,
        guiding_text=payload.guiding_text, period_end=payload.period_end))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="整改方案详情")
def get_plan(request: HttpRequest, plan_id: int) -> object:
    return selectors.plan_get(user=request.user, plan_id=plan_id)


@router.get("/plans/{plan_id}/check", response={200: list[CheckOut], **ERRORS},
            summary="“三不过”自动检查")
def check_plan(request: HttpRequest, plan_id: int) -> object:
    return plans.check_as_dicts(selectors.plan_get(user=request.user, plan_id=plan_id))


@router.get("/plans/{plan_id}/tasks", response={200: list[TaskOut], **ERRORS},
            summary="方案中的任务(含编制中)")
def plan_tasks(request: HttpRequest, plan_id: int) -> object:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return list(plan.tasks.select_related("problem").order_by("problem__number", "number"))


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut, **ERRORS}, summary="认领问题、增加任务")
def add_task(request: HttpRequest, plan_id: int, payload: TaskIn) -> Status[object]:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    problem = get_visible(request.user, Problem, pk=payload.problem_id)
    fields = payload.dict(exclude={"problem_id", "responsible_user_id"})
    if payload.responsible_user_id:
        fields["responsible_user"] = user_get(user=request.user,
                                              user_id=payload.responsible_user_id)
    return Status(201, plans.task_add(actor=request.user, plan=plan, problem=problem, **fields))


@router.post("/plans/{plan_id}/problems", response={201: None, **ERRORS},
             summary="增加自查发现的问题")
def add_own_problem(request: HttpRequest, plan_id: int, payload: OwnProblemIn) -> Status[dict]:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    cat = ProblemCategory.objects.filter(pk=payload.category_id).first()
    if cat is None:
        from xuncha.core.errors import ValidationFailed

        raise ValidationFailed("问题类别不存在。", details=[{"field": "category_id", "message": ""}])
    p = plans.plan_add_own_problem(actor=request.user, plan=plan, category=cat,
                                   title=payload.title, facts=payload.facts)
    return Status(201, {"id": p.pk, "number": p.number})


@router.post("/plans/{plan_id}/submit", response={200: SnapshotOut, **ERRORS},
             summary="报送整改方案(先经“三不过”检查)")
def submit_plan(request: HttpRequest, plan_id: int) -> object:
    return plans.plan_submit(actor=request.user,
                             plan=selectors.plan_get(user=request.user, plan_id=plan_id))


@router.post("/plans/{plan_id}/reviews", response={201: ReviewOut, **ERRORS},
             summary="审核整改方案(同意或按三条标准退回)")
def review_plan(request: HttpRequest, plan_id: int, payload: ReviewIn) -> Status[object]:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return Status(201, plans.plan_review(actor=request.user, plan=plan, **payload.dict()))


@router.get("/plans/{plan_id}/versions", response={200: list[SnapshotOut], **ERRORS},
            summary="方案各版本")
def list_snapshots(request: HttpRequest, plan_id: int) -> object:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return list(plan.snapshots.order_by("number"))


@router.get("/plans/{plan_id}/compare", response={200: list[dict[str, object]], **ERRORS},
            summary="比较方案两个版本")
def compare(request: HttpRequest, plan_id: int, old: int, new: int) -> object:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return plans.snapshot_compare(get_visible(request.user, plan.snapshots.all(), number=old),
                                  get_visible(request.user, plan.snapshots.all(), number=new))


# --- Ledger ---------------------------------------------------------------------------------------

@router.get("/ledger", response={200: TaskPage, **ERRORS}, summary="整改台账(分页)")
def list_ledger(request: HttpRequest, f: Query[LedgerQuery],
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> object:
    total, rows = selectors.ledger_page(user=request.user, f=f.to_filter(), offset=offset,
                                        limit=limit)
    # The rows are the database's typed values under TaskOut's own names (selectors.ledger_page):
    # rendered in TaskOut's field order by the API's own renderer, the same bytes as TaskPage
    # would give (tests/api/test_ledger_api.py) without building and re-validating 50 schema
    # objects a page. A field TaskOut gains and the rows lack fails here, loudly.
    from xuncha.api.main import api

    items = [{name: row[name] for name in TASK_OUT_FIELDS} for row in rows]
    return api.create_response(request, {"count": total, "items": items}, status=200)


@router.get("/ledger.xlsx", response={200: None, **ERRORS}, summary="导出整改台账(A3 横向打印版式)")
def export_ledger(request: HttpRequest, f: Query[LedgerQuery]) -> HttpResponse:
    data = excel.export_ledger(user=request.user,
                               tasks=selectors.ledger_queryset(user=request.user,
                                                               f=f.to_filter()),
                               title="整改台账")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ledger.xlsx"'
    return response


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="台账条目")
def get_task(request: HttpRequest, task_id: int) -> object:
    return selectors.task_get(user=request.user, task_id=task_id)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="修改任务(方案编制中)")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> object:
    task = selectors.task_get(user=request.user, task_id=task_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return plans.task_update(actor=request.user, task=task, expected_version=payload.version,
                             **fields)


@router.delete("/tasks/{task_id}", response={204: None, **ERRORS}, summary="删除任务(方案编制中)")
def remove_task(request: HttpRequest, task_id: int) -> Status[None]:
    plans.task_remove(actor=request.user,
                      task=selectors.task_get(user=request.user, task_id=task_id))
    return Status(204, None)


@router.post("/tasks/{task_id}/progress", response={201: ProgressOut, **ERRORS},
             summary="报送进展(可附佐证材料)")
def report_progress(request: HttpRequest, task_id: int, text: str = Form(...),
                    percent: int = Form(...),
                    files: list[UploadedFile] = File(default=None)) -> Status[object]:  # noqa: B008
    task = selectors.task_get(user=request.user, task_id=task_id)
    return Status(201, ledger.progress_report(actor=request.user, task=task, text=text,
                                              percent=percent, files=files or []))


@router.post("/tasks/{task_id}/request-closure", response={200: TaskOut, **ERRORS},
             summary="申请销号")
def request_closure(request: HttpRequest, task_id: int, payload: ClosureIn) -> object:
    task = selectors.task_get(user=request.user, task_id=task_id)
    return ledger.task_request_closure(actor=request.user, task=task, note=payload.note)


@router.post("/tasks/{task_id}/verify", response={200: TaskOut, **ERRORS}, summary="对账销号核验")
def verify(request: HttpRequest, task_id: int, payload: VerifyIn) -> object:
    task = selectors.task_get(user=request.user, task_id=task_id)
    ledger.task_verify(actor=request.user, task=task, **payload.dict())
    return selectors.task_get(user=request.user, task_id=task_id)


@router.post("/tasks/{task_id}/reopen", response={200: TaskOut, **ERRORS}, summary="重新打开")
def reopen(request: HttpRequest, task_id: int, payload: ReasonIn) -> object:
    task = selectors.task_get(user=request.user, task_id=task_id)
    return ledger.task_reopen(actor=request.user, task=task, reason=payload.reason,
                              relapse=payload.relapse)


@router.post("/samples", response={201: SampleOut, **ERRORS}, summary="随机抽取已销号事项实地核查")
def draw_sample(request: HttpRequest, payload: SampleIn) -> Status[object]:
    county = unit_get(user=request.user, unit_id=payload.county_id)
    return Status(201, ledger.sample_draw(actor=request.user, county=county,
                                          percent=payload.percent))


@router.post("/plans/{plan_id}/progress-import", response={200: dict[str, int], **ERRORS},
             summary="导入进展(全部成功或全部不导入)")
def import_progress(request: HttpRequest, plan_id: int,
                    file: UploadedFile = File(...)) -> dict[str, int]:  # noqa: B008
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return {"reported": excel.import_progress(actor=request.user, plan=plan, data=file.read(),
                                              filename=file.name or "")}


# --- Rectification report -------------------------------------------------------------------------

@router.put("/plans/{plan_id}/report", response={200: ReportOut, **ERRORS}, summary="起草整改报告")
def save_report(request: HttpRequest, plan_id: int, payload: ReportIn) -> object:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return report.rect_report_save(actor=request.user, plan=plan, **payload.dict())


@router.get("/plans/{plan_id}/report", response={200: ReportOut, **ERRORS}, summary="整改报告")
def get_report(request: HttpRequest, plan_id: int) -> object:
    return selectors.report_get(user=request.user, plan_id=plan_id)


@router.post("/plans/{plan_id}/report/send", response={200: ReportOut, **ERRORS},
             summary="送纪委、组织部会签")
def send_report(request: HttpRequest, plan_id: int) -> object:
    r = selectors.report_get(user=request.user, plan_id=plan_id)
    report.rect_report_send_for_signoff(actor=request.user, report=r)
    return selectors.report_get(user=request.user, plan_id=plan_id)


@router.post("/plans/{plan_id}/report/signoff", response={200: ReportOut, **ERRORS},
             summary="会签(须提交所核对内容的 SM3)")
def signoff(request: HttpRequest, plan_id: int, payload: SignIn) -> object:
    r = selectors.report_get(user=request.user, plan_id=plan_id)
    report.rect_report_signoff(actor=request.user, report=r, expected_hash=payload.content_hash,
                               opinion=payload.opinion)
    return selectors.report_get(user=request.user, plan_id=plan_id)


@router.post("/plans/{plan_id}/report/receive", response={200: ReportOut, **ERRORS},
             summary="巡察办接收整改报告")
def receive(request: HttpRequest, plan_id: int) -> object:
    r = selectors.report_get(user=request.user, plan_id=plan_id)
    return report.rect_report_receive(actor=request.user, report=r)
