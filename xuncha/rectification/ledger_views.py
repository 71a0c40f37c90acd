"""Pages of the rectification ledger (domain.md step 7, 整改台账): the dense filtered list and its
Excel export, one item with progress, evidence and 对账销号 (the office verifies, never the unit
that asked), progress import from Excel, and the random sample of closed items.

Thin: parse the form, call the service, render; reads through the selectors and ``scope.visible``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, require, visible
from xuncha.attachments.services import reused_elsewhere
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.findings.models import ProblemCategory
from xuncha.inspections.models import Round
from xuncha.organisations.forms import ImportForm, unit_options
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.organisations.rules import rules_for
from xuncha.rectification import excel, ledger, selectors
from xuncha.rectification.forms import (
    ClosureForm,
    LedgerFilterForm,
    ProgressForm,
    ReopenForm,
    SampleForm,
    VerifyForm,
)
from xuncha.rectification.models import (
    PlanStatus,
    ProgressReport,
    RectificationTask,
    SampleDraw,
    TaskStatus,
    Verification,
)
from xuncha.rectification.views import (
    EDIT,
    TASK,
    VERIFY,
    _int,
    _status,
    _xlsx,
    decorate,
    mark,
    plan_shell,
)
from xuncha.web.forms import apply_service_errors, paginate, posted, uploaded
from xuncha.web.http import AuthedRequest

# --- the ledger -------------------------------------------------------------------------------------

def _category_choices() -> list[Any]:
    """Top categories (covering their children) and the leaves under them."""
    cats = list(ProblemCategory.objects.filter(is_active=True).select_related("parent")
                .order_by("sort_order", "code"))
    groups: list[Any] = []
    for top in (c for c in cats if c.parent_id is None):
        leaves = [(str(c.pk), c.name) for c in cats if c.parent_id == top.pk]
        groups.append((top.name, [(str(top.pk), _("全部:%(n)s") % {"n": top.name}), *leaves]))
    return groups


def _ledger_filter(request: AuthedRequest) -> tuple[LedgerFilterForm, selectors.LedgerFilter]:
    user = request.user
    rounds = [(str(r.pk), str(r)) for r in visible(user, Round).order_by("-entry_date")[:200]]
    form = LedgerFilterForm(request.GET, units=unit_options(user, TASK),
                            categories=_category_choices(), rounds=rounds)
    mark(form, show_rounds=bool(rounds))
    form.is_valid()  # a refused value drops only its own filter, not the others
    data = getattr(form, "cleaned_data", {})
    f = selectors.LedgerFilter(
        under_id=_int(data.get("under")), plan_id=_int(request.GET.get("plan")),
        status=data.get("status") or "", kind=data.get("kind") or "",
        category_id=_int(data.get("category")), round_id=_int(data.get("round")),
        q=data.get("q") or "")
    return form, f


def _evidence_counts(user: Any, tasks: list[RectificationTask]) -> dict[int, int]:
    from django.contrib.contenttypes.models import ContentType

    from xuncha.attachments.models import Attachment

    ids = [t.pk for t in tasks]
    report_task = dict(visible(user, ProgressReport).filter(task_id__in=ids)
                       .values_list("id", "task_id"))
    counts: dict[int, int] = {}
    rows = Attachment.objects.filter(
        Q(owner_type=ContentType.objects.get_for_model(ProgressReport),
          owner_id__in=list(report_task))
        | Q(owner_type=ContentType.objects.get_for_model(RectificationTask), owner_id__in=ids)
    ).values_list("owner_type__model", "owner_id")
    for model, owner_id in rows:
        task_id = owner_id if model == "rectificationtask" else report_task.get(owner_id)
        if task_id is not None:
            counts[task_id] = counts.get(task_id, 0) + 1
    return counts


@login_required
def ledger_list(request: AuthedRequest) -> HttpResponse:
    """整改台账: 50 rows a page from selectors.ledger_page_tasks, filters kept in the query string."""
    user = request.user
    require(user, TASK)
    form, f = _ledger_filter(request)
    number = max(_int(request.GET.get("page")) or 1, 1)
    count, rows = selectors.ledger_page_tasks(user=user, f=f, offset=(number - 1) * 50, limit=50)
    page = Paginator(range(count), 50).get_page(number)
    if page.number != number:  # past the last page: show the last one
        count, rows = selectors.ledger_page_tasks(user=user, f=f, offset=(page.number - 1) * 50,
                                                  limit=50)
    tasks = decorate(rows)
    evidence = _evidence_counts(user, tasks)
    for t in tasks:
        mark(t, evidence_count=evidence.get(t.pk, 0))
    plan = selectors.plan_get(user=user, plan_id=f.plan_id) if f.plan_id else None
    return render(request, "rectification/ledger.html", {
        "form": form, "page": page, "tasks": tasks, "plan": plan,
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_sample": has(user, VERIFY),
    })


@login_required
def ledger_export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, TASK)
    _form, f = _ledger_filter(request)
    data = excel.export_ledger(user=user, tasks=selectors.ledger_queryset(user=user, f=f),
                               title=_("整改台账"))
    return _xlsx(data, _("整改台账_%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")})


# --- one item of the ledger -------------------------------------------------------------------------

def _timeline(user: Any, task: RectificationTask) -> list[dict[str, Any]]:
    from xuncha.attachments.services import attachments_of

    events: list[dict[str, Any]] = []
    for r in visible(user, ProgressReport).filter(task=task).select_related("reported_by"):
        events.append({"kind": "progress", "at": r.created_at, "obj": r,
                       "files": list(attachments_of(r))})
    for v in visible(user, Verification).filter(task=task).select_related("verifier"):
        events.append({"kind": "verification", "at": v.verified_at, "obj": v})
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _task_page(request: AuthedRequest, task: RectificationTask,
               **forms: Any) -> dict[str, Any]:
    user = request.user
    plan = task.plan
    editor = has(user, EDIT, task.unit) and plan.status == PlanStatus.APPROVED
    # The office verifies; never anyone of the unit that asked (the service refuses it too).
    verifier = has(user, VERIFY, task.unit) and not user.unit.path.startswith(task.unit.path)
    open_for_progress = task.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
    files = list(ledger.evidence_of(task).select_related("uploaded_by"))
    for a in files:
        mark(a, reused=reused_elsewhere(a))
    decorate([task])
    context = {
        "task": task, "plan": plan, "problem": task.problem, "files": files,
        "timeline": _timeline(user, task),
        "can_progress": editor and open_for_progress,
        "can_close": editor and open_for_progress,
        "can_verify": verifier and task.status == TaskStatus.CLOSURE_REQUESTED,
        "can_reopen": verifier and task.status == TaskStatus.CLOSED,
        "progress_form": ProgressForm(initial={"percent": task.progress}),
        "closure_form": ClosureForm(), "verify_form": VerifyForm(), "reopen_form": ReopenForm(),
        "samples": list(visible(user, SampleDraw).filter(tasks=task)),
    }
    context.update(forms)
    return context


@login_required
def task_detail(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    return render(request, "rectification/task.html", _task_page(request, task))


def _task_action(request: AuthedRequest, task_id: int, form_class: type, key: str,
                 act: Any, done: str) -> HttpResponse:
    """POST of one of the item's forms: on refusal the page comes back with the input kept."""
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(user, task, form.cleaned_data)
        except ValidationFailed as exc:
            if any(isinstance(d, dict) and d.get("field") == "file" for d in exc.details or []):
                form.add_error("evidence" if "evidence" in form.fields else None, exc.message)
            else:
                apply_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("rectification:task", task_id=task.pk)
        else:
            messages.success(request, done)
            return redirect("rectification:task", task_id=task.pk)
    return render(request, "rectification/task.html", _task_page(request, task, **{key: form}),
                  status=422)


@login_required
@require_POST
def task_progress(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ProgressForm, "progress_form",
                        lambda u, t, d: ledger.progress_report(
                            actor=u, task=t, text=d["text"], percent=d["percent"],
                            files=d["evidence"]),
                        _("已报送整改进展。"))


@login_required
@require_POST
def task_closure(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ClosureForm, "closure_form",
                        lambda u, t, d: ledger.task_request_closure(actor=u, task=t,
                                                                    note=d["note"]),
                        _("已申请销号,等待巡察办核验。"))


@login_required
@require_POST
def task_verify(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, VerifyForm, "verify_form",
                        lambda u, t, d: ledger.task_verify(actor=u, task=t, **d),
                        _("已记录核验结果。"))


@login_required
@require_POST
def task_reopen(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ReopenForm, "reopen_form",
                        lambda u, t, d: ledger.task_reopen(actor=u, task=t, reason=d["reason"],
                                                           relapse=d["relapse"]),
                        _("已重新打开该事项。"))


# --- progress import ---------------------------------------------------------------------------------

@login_required
def progress_template(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return _xlsx(excel.progress_template(plan),
                 _("%(u)s_整改进展报送.xlsx") % {"u": plan.unit.short_name or plan.unit.name})


@login_required
def progress_import(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """All or nothing: every error listed (工作表/行/列/原因), or every filled row reported."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    require(user, EDIT, plan.unit)
    form = ImportForm(posted(request), uploaded(request))
    errors: list[dict[str, Any]] = []
    summary = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = excel.import_progress(actor=user, plan=plan, data=upload.read(),
                                      filename=upload.name or "")
        except ValidationFailed as exc:
            errors = [d for d in (exc.details or []) if isinstance(d, dict) and "row" in d]
            summary = exc.message
            if not errors:
                apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("导入完成:报送了 %(n)d 条整改进展。") % {"n": n})
            return redirect(reverse("rectification:ledger") + f"?plan={plan.pk}")
    context = plan_shell(request, plan, "import")
    context.update(form=form, errors=errors, summary=summary)
    return render(request, "rectification/progress_import.html", context,
                  status=422 if (errors or form.errors) else 200)


# --- sampling ---------------------------------------------------------------------------------------

@login_required
def samples(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, VERIFY)
    counties = list(visible(user, Unit, VERIFY).filter(level=UnitLevel.COUNTY).order_by("path"))
    form = SampleForm(posted(request), counties=[(str(c.pk), c.name) for c in counties])
    if request.method == "POST" and form.is_valid():
        county = next(c for c in counties if str(c.pk) == form.cleaned_data["county"])
        try:
            draw = ledger.sample_draw(actor=user, county=county,
                                      percent=form.cleaned_data["percent"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已从 %(p)d 项已销号事项中抽取 %(n)d 项。")
                             % {"p": draw.population, "n": draw.tasks.count()})
            return redirect("rectification:sample", draw_id=draw.pk)
    default_percent = rules_for(counties[0]).sample_percent if counties else 10
    draws = visible(user, SampleDraw).select_related("county", "drawn_by").annotate(
        size=Count("tasks")).order_by("-drawn_at")
    return render(request, "rectification/samples.html", {
        "form": form, "page": paginate(request, draws), "default_percent": default_percent,
    }, status=_status(form))


@login_required
def sample_detail(request: AuthedRequest, draw_id: int) -> HttpResponse:
    user = request.user
    draw = get_visible(user, SampleDraw.objects.select_related("county", "drawn_by"), pk=draw_id)
    tasks = decorate(list(visible(user, RectificationTask).filter(sample_draws=draw)
                          .select_related("problem", "unit").order_by("unit__path", "number")))
    checked = set(visible(user, Verification).filter(task__in=tasks, sampled=True,
                                                     verified_at__gte=draw.drawn_at)
                  .values_list("task_id", flat=True))
    for t in tasks:
        mark(t, checked=t.pk in checked)
    return render(request, "rectification/sample.html", {"draw": draw, "tasks": tasks})
