"""Pages of the rectification plan (domain.md step 6): opening it, claiming problems with tasks,
the "三不过" check item by item, submission, versions and review by 巡察办 / 纪委 / 组织部. The
ledger's pages are in ``ledger_views``, the rectification report's in ``report_views``.

Thin: parse the form, call the service, render. Reads go through the selectors and
``scope.visible`` (missing and not-yours are both 404); writes are the services' decision, the
pages only hide what a role cannot use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, require, visible
from xuncha.accounts.selectors import user_get, user_list
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE
from xuncha.findings.models import Problem, ProblemCategory, ProblemState
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.selectors import inspection_get
from xuncha.organisations.models import Unit
from xuncha.organisations.rules import rules_for
from xuncha.rectification import plans, selectors
from xuncha.rectification.forms import (
    CompareForm,
    OwnProblemForm,
    PlanEditForm,
    PlanForm,
    ReviewForm,
    TaskEditForm,
    TaskForm,
)
from xuncha.rectification.measures import check_measure
from xuncha.rectification.models import (
    PlanReview,
    PlanSnapshot,
    PlanStatus,
    RectificationPlan,
    RectificationTask,
    ReviewBody,
    TaskStatus,
)
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted
from xuncha.web.http import AuthedRequest

PLAN = "rectification.view_rectificationplan"
TASK = "rectification.view_rectificationtask"
EDIT = "rectification.edit_plan"
VERIFY = "rectification.verify_closure"
PLAN_FIELDS = ("group_leader", "group_members", "guiding_text", "period_end")
TASK_FIELDS = ("measure", "kind", "deadline", "responsible_leader", "responsible_person",
               "responsible_department", "expected_evidence")
CRITERIA_ORDER = (plans.DIRECTION, plans.MISSING, plans.VAGUE)
DUE_SOON_DAYS = 7  # the ledger's "due soon" filter (selectors.ledger_queryset) uses a week
SNAPSHOT_LABELS = {
    "problem_title": _("问题"), "measure": _("整改措施"), "kind": _("整改类型"),
    "deadline": _("完成时限"), "leader": _("责任领导"), "person": _("具体责任人"),
    "department": _("责任部门"), "evidence": _("应提交的佐证材料"),
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _status(form: Any, conflict: Any = None) -> int:
    return 409 if conflict else (422 if form.errors else 200)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _people(user: Any, unit: Unit, *, subtree: bool) -> list[tuple[str, str]]:
    qs = user_list(user=user, under_id=unit.pk) if subtree else user_list(user=user,
                                                                          unit_id=unit.pk)
    return [(str(u.pk), f"{u.name}({u.unit.name})" if u.unit_id != unit.pk else u.name)
            for u in qs.filter(is_active=True)[:500]]


def mark(obj: Any, **attrs: Any) -> None:
    """Puts values on a row for its template only (never saved)."""
    for name, value in attrs.items():
        setattr(obj, name, value)


def decorate(tasks: list[RectificationTask]) -> list[RectificationTask]:
    """Overdue / due-soon from the deadline and today (never typed), for the colours of style.md."""
    today = timezone.localdate()
    for t in tasks:
        overdue_days, due_in = 0, None
        if t.status != TaskStatus.CLOSED and t.deadline is not None:
            days = (t.deadline - today).days
            if days < 0:
                overdue_days = -days
            elif days <= DUE_SOON_DAYS:
                due_in = days
        state = ("closed" if t.status == TaskStatus.CLOSED else "overdue" if overdue_days
                 else "due_soon" if due_in is not None else "open")
        mark(t, overdue_days=overdue_days, due_in=due_in, state=state)
    return tasks


# --- the plan's shell -----------------------------------------------------------------------------

def _can_edit(user: Any, plan: RectificationPlan) -> bool:
    return plan.status in plans.EDITABLE and has(user, EDIT, plan.unit)


def _latest_snapshot(user: Any, plan: RectificationPlan) -> PlanSnapshot | None:
    return visible(user, PlanSnapshot).filter(plan=plan).order_by("-number").first()


def _body_decisions(user: Any, plan: RectificationPlan,
                    snap: PlanSnapshot | None) -> list[dict[str, Any]]:
    """Each required body's decision on the latest version (all must approve the same one)."""
    required = [b.strip() for b in rules_for(plan.unit).plan_reviewers.split(",") if b.strip()]
    reviews = {r.body: r for r in visible(user, PlanReview).filter(snapshot=snap)
               .select_related("reviewer")} if snap else {}
    return [{"body": ReviewBody(b).label if b in ReviewBody.values else b, "review": reviews.get(b)}
            for b in required]


def plan_shell(request: AuthedRequest, plan: RectificationPlan, tab: str) -> dict[str, Any]:
    user = request.user
    pid = plan.pk
    approved = plan.status == PlanStatus.APPROVED
    reviewer = plans.reviewer_body(user, plan)
    tabs = [("plan", _("整改方案"), reverse("rectification:plan", args=[pid])),
            ("versions", _("版本与比较"), reverse("rectification:plan_versions", args=[pid]))]
    if reviewer is not None:
        tabs.append(("review", _("审核"), reverse("rectification:plan_review", args=[pid])))
    if approved:
        tabs.append(("ledger", _("整改台账"), reverse("rectification:ledger") + f"?plan={pid}"))
        if has(user, EDIT, plan.unit):
            tabs.append(("import", _("进展导入"),
                         reverse("rectification:progress_import", args=[pid])))
        if has(user, "rectification.view_rectificationreport", plan.unit):
            tabs.append(("report", _("整改报告"), reverse("rectification:report", args=[pid])))
    return {
        "plan": plan, "tab": tab, "reviewer": reviewer,
        "tabs": [{"key": k, "label": label, "url": url, "active": k == tab}
                 for k, label, url in tabs],
        "can_edit": _can_edit(user, plan),
        "can_see_inspection": visible(user, Inspection).filter(pk=plan.inspection_id).exists(),
    }


def _grouped(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "三不过" findings grouped under the three criteria, in a fixed order."""
    groups = []
    for key in CRITERIA_ORDER:
        items = [d for d in details if d.get("field", d.get("criterion")) == key]
        groups.append({"key": key, "label": plans.CRITERIA[key], "items": items})
    return groups


def _check_details(plan: RectificationPlan) -> list[dict[str, Any]]:
    return [{"field": i.criterion, "criterion": i.criterion_label, "message": i.message,
             "problem": i.problem_number, "task": i.task_number} for i in plans.plan_check(plan)]


def _check_context(plan: RectificationPlan) -> dict[str, Any]:
    details = _check_details(plan)
    return {"check_groups": _grouped(details), "check_count": len(details)}


# --- plans ------------------------------------------------------------------------------------------

@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, PLAN)
    status = request.GET.get("status", "")
    if status not in PlanStatus.values:
        status = ""
    today = timezone.localdate()
    qs = selectors.plan_list(user=user, status=status).annotate(
        task_count=Count("tasks", distinct=True),
        closed_count=Count("tasks", filter=Q(tasks__status=TaskStatus.CLOSED), distinct=True),
        overdue_count=Count("tasks", filter=Q(tasks__deadline__lt=today)
                            & ~Q(tasks__status=TaskStatus.CLOSED), distinct=True))
    page = paginate(request, qs)
    # Inspections in 整改 whose unit has not opened its plan yet.
    waiting = [i for i in visible(user, Inspection).filter(
        status=InspectionStatus.RECTIFYING, plan__isnull=True).select_related("unit", "round")
        .order_by("rectification_started_at")[:50]]
    for i in waiting:
        start = timezone.localdate(i.rectification_started_at) if i.rectification_started_at \
            else today
        plan_due = start + timedelta(days=rules_for(i.unit).plan_due_days)
        mark(i, can_open=has(user, EDIT, i.unit), plan_due=plan_due, plan_late=plan_due < today)
    return render(request, "rectification/plans.html", {
        "page": page, "waiting": waiting, "status": status, "statuses": PlanStatus.choices,
    })


@login_required
def plan_open(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    require(user, EDIT, insp.unit)
    if hasattr(insp, "plan"):
        return redirect("rectification:plan", plan_id=insp.plan.pk)
    start = timezone.localdate(insp.rectification_started_at or timezone.now())
    from dateutil.relativedelta import relativedelta

    latest_end = start + relativedelta(months=rules_for(insp.unit).concentrated_months)
    period_help = _("自 %(a)s 起,最晚至 %(b)s(本级规则:集中整改期 %(m)s 个月);留空取最晚日期。") % {
        "a": start, "b": latest_end, "m": rules_for(insp.unit).concentrated_months}
    form = PlanForm(posted(request), people=_people(user, insp.unit, subtree=False),
                    period_help=period_help)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            head = user_get(user=user, user_id=form.first_responsible_id() or -1)
            plan = plans.plan_open(actor=user, inspection=insp, first_responsible=head,
                                   group_leader=data["group_leader"],
                                   group_members=data["group_members"],
                                   guiding_text=data["guiding_text"],
                                   period_end=data["period_end"])
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("整改方案已建立。请逐条认领问题、制定整改任务。"))
            return redirect("rectification:plan", plan_id=plan.pk)
    return render(request, "rectification/plan_form.html", {
        "form": form, "insp": insp, "period_start": start, "latest_end": latest_end,
    }, status=_status(form))


@login_required
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    context = plan_shell(request, plan, "plan")
    problems = list(visible(user, Problem).filter(inspection=plan.inspection,
                                                  state=ProblemState.ACTIVE)
                    .select_related("category", "category__parent").order_by("number"))
    tasks = decorate(list(visible(user, RectificationTask).filter(plan=plan)
                          .select_related("responsible_user").order_by("number")))
    by_problem: dict[int, list[RectificationTask]] = {}
    for t in tasks:
        by_problem.setdefault(t.problem_id, []).append(t)
    details = _check_details(plan)
    flagged: dict[int, list[str]] = {}
    for d in details if plan.status != PlanStatus.APPROVED else []:
        if d["problem"] is not None:
            flagged.setdefault(d["problem"], []).append(d["criterion"])
    for p in problems:
        mark(p, plan_tasks=by_problem.get(p.pk, []), flags=sorted(set(flagged.get(p.number, []))))
    snap = _latest_snapshot(user, plan)
    context.update(
        problems=problems, tasks=tasks, snapshot=snap,
        check_groups=_grouped(details), check_count=len(details),
        decisions=_body_decisions(user, plan, snap),
        unclaimed=sum(1 for p in problems if p.pk not in by_problem),
        closed=sum(1 for t in tasks if t.status == TaskStatus.CLOSED),
        overdue=sum(1 for t in tasks if getattr(t, "overdue_days", 0)),
        is_editor=has(user, EDIT, plan.unit),
    )
    return render(request, "rectification/plan.html", context)


@login_required
def plan_check(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """The "三不过" panel alone, refreshed by htmx."""
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return render(request, "rectification/_check_panel.html", {"plan": plan,
                                                                **_check_context(plan)})


@login_required
def measure_check(request: AuthedRequest) -> HttpResponse:
    """Whether a measure is specific, as the author types (the same rule as the plan check)."""
    require(request.user, EDIT)
    text = request.GET.get("measure", "")[:2000]
    verdict = check_measure(text) if text.strip() else None
    return render(request, "rectification/_measure_verdict.html", {"verdict": verdict})


@login_required
def plan_edit(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    initial = {f: getattr(plan, f) for f in PLAN_FIELDS} | {
        "first_responsible": str(plan.first_responsible_id), "version": plan.version}
    form = PlanEditForm(posted(request), initial=initial,
                        people=_people(user, plan.unit, subtree=False))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        head = user_get(user=user, user_id=form.first_responsible_id() or -1)
        try:
            plans.plan_update(actor=user, plan=plan, expected_version=version,
                              first_responsible=head, group_leader=data["group_leader"],
                              group_members=data["group_members"],
                              guiding_text=data["guiding_text"], period_end=data["period_end"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            current = selectors.plan_get(user=user, plan_id=plan_id)
            if current.version != version:
                conflict = conflict_context(exc, form, current, PLAN_FIELDS, data)
            else:
                form.add_error(None, exc.message)
            plan = current
        else:
            messages.success(request, _("已保存整改方案基本信息。"))
            return redirect("rectification:plan", plan_id=plan.pk)
    context = plan_shell(request, plan, "plan")
    context.update(form=form, conflict=conflict, editing=True)
    return render(request, "rectification/plan_form.html", context,
                  status=_status(form, conflict))


def _task_form_context(request: AuthedRequest, plan: RectificationPlan, form: Any,
                       problem: Problem) -> dict[str, Any]:
    form.fields["measure"].widget.attrs.update({
        "hx-get": reverse("rectification:measure_check"), "hx-target": "#measure-verdict",
        "hx-trigger": "load, input changed delay:600ms", "hx-swap": "innerHTML",
    })
    context = plan_shell(request, plan, "plan")
    context.update(form=form, problem=problem, **_check_context(plan))
    return context


def _task_values(user: Any, form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    values = {f: data[f] for f in TASK_FIELDS}
    uid = form.responsible_user_id()
    values["responsible_user"] = user_get(user=user, user_id=uid) if uid else None
    return values


@login_required
def task_add(request: AuthedRequest, plan_id: int, problem_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    problem = get_visible(user, Problem.objects.select_related("category"), pk=problem_id,
                          inspection_id=plan.inspection_id)
    form = TaskForm(posted(request), people=_people(user, plan.unit, subtree=True),
                    initial={"deadline": plan.period_end})
    conflict_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            task = plans.task_add(actor=user, plan=plan, problem=problem,
                                  **_task_values(user, form))
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            conflict_message = exc.message
        else:
            messages.success(request, _("已为第 %(p)s 条问题增加任务 %(t)s。")
                             % {"p": problem.number, "t": task.number})
            if "another" in request.POST:
                return redirect("rectification:task_add", plan_id=plan.pk, problem_id=problem.pk)
            return redirect(reverse("rectification:plan", args=[plan.pk]) + f"#p-{problem.number}")
    context = _task_form_context(request, plan, form, problem)
    return render(request, "rectification/task_form.html", context,
                  status=409 if conflict_message else _status(form))


@login_required
def task_edit(request: AuthedRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    plan = selectors.plan_get(user=user, plan_id=task.plan_id)
    plans.require_unit_editor(user, plan)
    initial = {f: getattr(task, f) for f in TASK_FIELDS} | {
        "responsible_user": str(task.responsible_user_id or ""), "version": task.version}
    form = TaskEditForm(posted(request), initial=initial,
                        people=_people(user, plan.unit, subtree=True))
    conflict = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        values = _task_values(user, form)
        try:
            plans.task_update(actor=user, task=task, expected_version=version, **values)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            current = selectors.task_get(user=user, task_id=task_id)
            if current.version != version:
                conflict = conflict_context(exc, form, current, TASK_FIELDS, values)
            else:
                form.add_error(None, exc.message)
            task = current
        else:
            messages.success(request, _("已保存任务 %(n)s。") % {"n": task.number})
            return redirect(reverse("rectification:plan", args=[plan.pk])
                            + f"#p-{task.problem.number}")
    context = _task_form_context(request, plan, form, task.problem)
    context.update(task=task, conflict=conflict)
    return render(request, "rectification/task_form.html", context,
                  status=_status(form, conflict))


@login_required
@require_POST
def task_remove(request: AuthedRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    plan_id, number = task.plan_id, task.problem.number
    try:
        plans.task_remove(actor=user, task=task)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除该任务。"))
    return redirect(reverse("rectification:plan", args=[plan_id]) + f"#p-{number}")


@login_required
def problem_add(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """The unit adds a problem it found itself (自查发现)."""
    from xuncha.findings.forms import category_groups

    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    form = OwnProblemForm(posted(request), categories=category_groups(user))
    if request.method == "POST" and form.is_valid():
        category = visible(user, ProblemCategory).filter(pk=form.category_id() or -1).first()
        try:
            if category is None:
                raise ValidationFailed(_("问题类别不存在。"), details=[{"field": "category",
                                                                  "message": ""}])
            problem = plans.plan_add_own_problem(actor=user, plan=plan, category=category,
                                                 title=form.cleaned_data["title"],
                                                 facts=form.cleaned_data["facts"])
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已增加自查发现的第 %(n)s 条问题,请为它制定整改任务。")
                             % {"n": problem.number})
            return redirect("rectification:task_add", plan_id=plan.pk, problem_id=problem.pk)
    context = plan_shell(request, plan, "plan")
    context.update(form=form)
    return render(request, "rectification/problem_form.html", context, status=_status(form))


@login_required
def plan_submit(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """GET: the "三不过" check before submission; POST: submit, or the refusal grouped by criterion."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    summary = ""
    status = 200
    if request.method == "POST":
        try:
            snap = plans.plan_submit(actor=user, plan=plan)
        except ValidationFailed as exc:
            details = [d for d in (exc.details or []) if isinstance(d, dict)]
            summary, status = exc.message, 422
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("rectification:plan", plan_id=plan.pk)
        else:
            messages.success(request, _("已报送第%(n)s版,等待巡察办、纪委监委和组织部审核。")
                             % {"n": snap.number})
            return redirect("rectification:plan", plan_id=plan.pk)
    else:
        details = _check_details(plan)
    context = plan_shell(request, plan, "plan")
    context.update(check_groups=_grouped(details), check_count=len(details), summary=summary,
                   task_count=visible(user, RectificationTask).filter(plan=plan).count())
    return render(request, "rectification/plan_submit.html", context, status=status)


def _snapshot_rows(snap: PlanSnapshot) -> list[dict[str, Any]]:
    return sorted(snap.content.get("tasks", []), key=lambda t: (t["problem"], t["number"]))


@login_required
def plan_versions(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    snaps = list(visible(user, PlanSnapshot).filter(plan=plan).select_related("submitted_by")
                 .prefetch_related("reviews__reviewer").order_by("number"))
    numbers = [s.number for s in snaps]
    rows: list[dict[str, Any]] = []
    form = None
    compared = None
    if len(snaps) >= 2:
        data = request.GET if "old" in request.GET else {"old": numbers[-2], "new": numbers[-1]}
        form = CompareForm(data, numbers=numbers)
        if form.is_valid():
            by_number = {s.number: s for s in snaps}
            old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
            compared = (old, new)
            for r in plans.snapshot_compare(old, new):
                r["field_rows"] = [{"label": SNAPSHOT_LABELS.get(f, f),
                                    "before": (r["before"] or {}).get(f, ""),
                                    "after": (r["after"] or {}).get(f, "")}
                                   for f in r["fields"] if f in SNAPSHOT_LABELS]
                rows.append(r)
    context = plan_shell(request, plan, "versions")
    context.update(snapshots=snaps, form=form, rows=rows, compared=compared)
    return render(request, "rectification/plan_versions.html", context)


@login_required
def plan_review(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """纪委 / 组织部 / 巡察办: approve or return the latest version with reasons per criterion."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    body = plans.reviewer_body(user, plan)
    if body is None:
        raise PermissionDenied(_("只有巡察办、纪委监委和组织部可以审核整改方案。"))
    snap = _latest_snapshot(user, plan)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = plans.plan_review(actor=user, plan=plan, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提交%(b)s意见:%(d)s。")
                             % {"b": review.get_body_display(), "d": review.get_decision_display()})
            return redirect("rectification:plan", plan_id=plan.pk)
    reviews = list(visible(user, PlanReview).filter(snapshot__plan=plan)
                   .select_related("snapshot", "reviewer").order_by("-snapshot__number",
                                                                     "decided_at"))
    mine = next((r for r in reviews if snap and r.snapshot_id == snap.pk and r.body == body), None)
    context = plan_shell(request, plan, "review")
    context.update(form=form, snapshot=snap, rows=_snapshot_rows(snap) if snap else [],
                   reviews=reviews, mine=mine, body_label=ReviewBody(body).label,
                   decisions=_body_decisions(user, plan, snap),
                   can_review=plan.status == PlanStatus.SUBMITTED and mine is None,
                   **_check_context(plan))
    return render(request, "rectification/plan_review.html", context, status=_status(form))
