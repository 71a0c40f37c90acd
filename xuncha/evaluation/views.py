"""Pages of evaluation visits (综合评估, domain.md step 11), their consequences, inquiry meetings
(质询会) and the rubric.

Thin: parse the form, call the service, render. Visits are read through ``scope.get_visible`` (the
three parties' reviewers see the visits they sit on, whatever their scope); whether a write is
allowed is decided by the services (the office plans and notifies, members mark and score, the
leader reports). The check-list and the scoring page save one item at a time with htmx and work
as plain forms without it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts import scope
from xuncha.accounts.scope import get_visible, has, visible
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.core.tree import subtree_q
from xuncha.evaluation import inquiry, services
from xuncha.evaluation.forms import (
    DEFAULT_BODIES,
    ConsequenceForm,
    FindingFormSet,
    FollowUpForm,
    MarkForm,
    MeetingForm,
    MemberFormSet,
    PlanForm,
    QuestionForm,
    ReportForm,
    ScoreForm,
    inspection_choices,
    reviewer_choices,
)
from xuncha.evaluation.models import (
    CheckMark,
    Consequence,
    Evaluation,
    EvaluationItem,
    EvaluationMember,
    EvaluationStatus,
    Grade,
    InquiryMeeting,
    Mark,
    RubricTemplate,
    Section,
)
from xuncha.findings.forms import category_groups
from xuncha.findings.models import Problem, ProblemCategory, ProblemOrigin
from xuncha.organisations.forms import unit_options
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.web.forms import apply_service_errors, paginate, posted
from xuncha.web.http import AuthedRequest

VIEW = "evaluation.view_evaluation"
MANAGE = "evaluation.manage_evaluation"
STEPS = (EvaluationStatus.PLANNED, EvaluationStatus.NOTIFIED, EvaluationStatus.ON_SITE,
         EvaluationStatus.REPORTED)
FINDING_ROWS = 3


def annotate(obj: Any, **values: Any) -> Any:
    """Puts display-only values on a row for the template (a row is read, never saved here)."""
    for k, v in values.items():
        setattr(obj, k, v)
    return obj


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a primary key: the lookup answers "not found"


def _evaluation(user: Any, pk: int) -> Evaluation:
    return get_visible(user, Evaluation.objects.select_related(
        "unit", "leader", "inspection", "inspection__round"), pk=pk)


def of_visit(user: Any, model: type[Any], ev: Evaluation) -> Any:
    """The rows of one visit (items, marks, consequences) that the user may see. ``distinct``:
    the scope's membership grant joins the visit's members, which repeats each row once per
    member for a user who also reaches the unit (reported to the owners of evaluation.access)."""
    return visible(user, model.objects.filter(evaluation=ev).distinct())


def _membership(user: Any, ev: Evaluation) -> EvaluationMember | None:
    return EvaluationMember.objects.filter(evaluation=ev, user_id=user.pk).first()


def _detail_url(ev: Evaluation) -> str:
    return reverse("evaluation:detail", args=[ev.pk])


def _members(ev: Evaluation) -> list[EvaluationMember]:
    members = list(ev.members.select_related("user", "user__unit").order_by("id"))
    for m in members:
        annotate(m, section_labels=[Section(s).label for s in m.sections if s in Section.values])
    return members


# --- figures shown on several pages ----------------------------------------------------------

def steps_of(ev: Evaluation) -> list[dict[str, Any]]:
    """The status stepper 已计划 → 已通知 → 现场评估 → 已出报告, with the time of each step."""
    current = STEPS.index(EvaluationStatus(ev.status))
    when = {EvaluationStatus.PLANNED: ev.created_at, EvaluationStatus.NOTIFIED: ev.notified_at,
            EvaluationStatus.ON_SITE: ev.visit_date if current >= 2 else None,
            EvaluationStatus.REPORTED: ev.reported_at}
    return [{"label": s.label, "when": when[s],
             "state": "done" if i < current else "current" if i == current else "todo"}
            for i, s in enumerate(STEPS)]


def rate_view(ev: Evaluation) -> dict[str, Any] | None:
    """"before → after (+x.xx 个百分点)" from services.rate_before_after; None before the visit."""
    if ev.rate_denominator_at_visit is None:
        return None
    r = services.rate_before_after(ev)

    def pct(d: dict[str, Any]) -> str:
        return "—" if d["percent"] is None else f"{d['percent']:.2f}%"

    change = r["change"]
    return {"before": pct(r["before"]), "after": pct(r["after"]),
            "before_n": r["before"], "after_n": r["after"],
            "change": None if change is None else f"{change:+.2f}",
            "direction": "" if not change else ("up" if change > 0 else "down")}


def running_total(ev: Evaluation, items: list[EvaluationItem]) -> dict[str, Any]:
    """Σ score × weight / 100 over the items scored so far, and the grade once all are scored."""
    scored = [i for i in items if i.score is not None]
    total = sum((i.points or Decimal(0) for i in scored), Decimal(0))
    grade = ""
    if items and len(scored) == len(items):
        total, grade = services.total_and_grade(ev)
    return {"total": total, "scored": len(scored), "count": len(items),
            "missing": len(items) - len(scored),
            "weight": sum((i.weight for i in items), Decimal(0)),
            "grade": Grade(grade).label if grade else "",
            "second": grade in (Grade.PASS, Grade.POOR),
            "thresholds": thresholds(ev, grade)}


def thresholds(ev: Evaluation, grade: str = "") -> list[dict[str, Any]]:
    """The committee's grade thresholds copied onto the visit (好 / 较好 / 一般 / 差)."""
    def n(d: Decimal) -> str:
        return f"{d.normalize():f}"

    return [{"label": Grade.GOOD.label, "rule": f"≥ {n(ev.grade_good)}", "on": grade == Grade.GOOD},
            {"label": Grade.FAIR.label, "rule": f"≥ {n(ev.grade_fair)}", "on": grade == Grade.FAIR},
            {"label": Grade.PASS.label, "rule": f"≥ {n(ev.grade_pass)}", "on": grade == Grade.PASS},
            {"label": Grade.POOR.label, "rule": f"< {n(ev.grade_pass)}", "on": grade == Grade.POOR}]


def sections_of(category: ProblemCategory) -> set[str]:
    """The reviewers' sections a problem category falls in: its own name or its parent's matches
    the section label (组织建设; 全面从严治党 → 全面从严治党责任). Empty when none matches."""
    parent = category.parent if category.parent_id else None
    names = [n for n in (category.name, parent.name if parent else "") if n]
    return {s.value for s in Section
            if any(str(s.label) == n or str(s.label).startswith(n) for n in names)}


# --- list and planning -----------------------------------------------------------------------

@login_required
def evaluation_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    qs = visible(user, Evaluation)
    mine = EvaluationMember.objects.filter(user_id=user.pk)
    if not has(user, VIEW) and not mine.exists():
        scope.require(user, VIEW)  # a 403: nothing here is for this role
    status = request.GET.get("status", "")
    if request.GET.get("mine") == "1":
        qs = qs.filter(pk__in=mine.values("evaluation_id"))
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    if status in EvaluationStatus.values:
        qs = qs.filter(status=status)
    qs = qs.select_related("unit", "leader").order_by("-visit_date", "-id")
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values())}] + [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0)}
        for s in EvaluationStatus]
    return render(request, "evaluation/list.html", {
        "page": paginate(request, qs), "tabs": tabs, "status": status,
        "mine": request.GET.get("mine") == "1", "can_plan": has(user, MANAGE),
    })


def quiet(*forms: Any) -> None:
    """Binds without refusing: "add rows" re-renders what was typed, with no "required" errors."""
    for f in forms:
        if hasattr(f, "forms"):  # a formset
            quiet(*f.forms)
            f._non_form_errors = f.error_class()
        else:
            f.full_clean()
            f._errors = type(f.errors)()


@login_required
def plan(request: AuthedRequest) -> HttpResponse:
    """Plans a visit: unit, optional inspection, 回头看, date, leader and the three parties."""
    from xuncha.accounts.selectors import user_get
    from xuncha.inspections.selectors import inspection_get
    from xuncha.organisations.selectors import unit_get

    user = request.user
    scope.require(user, MANAGE)
    people = reviewer_choices(user)
    data = posted(request)
    adding = data is not None and "add_row" in data
    if adding:
        data = data.copy()
        data["m-TOTAL_FORMS"] = str(min(_int(data.get("m-TOTAL_FORMS")) + 1, 12))
    form = PlanForm(data, unit_choices=unit_options(user, MANAGE, is_active=True),
                    inspection_choices=inspection_choices(user), people=people,
                    initial={"unit": request.GET.get("unit", ""),
                             "inspection": request.GET.get("inspection", ""),
                             "is_revisit": request.GET.get("revisit") == "1"})
    members = MemberFormSet(data, prefix="m", initial=[{"body": b} for b in DEFAULT_BODIES],
                            form_kwargs={"people": people})
    member_errors: list[str] = []
    if adding:
        quiet(form, members)
    elif data is not None and form.is_valid() & members.is_valid():
        d = form.cleaned_data
        unit = unit_get(user=user, unit_id=_int(d["unit"]))
        inspection = inspection_get(user=user, inspection_id=_int(d["inspection"])) \
            if d["inspection"] else None
        team = [(user_get(user=user, user_id=_int(f.cleaned_data["user"])),
                 f.cleaned_data["body"], list(f.cleaned_data.get("sections") or []))
                for f in members.forms if f.cleaned_data.get("user")]
        if inspection is not None and inspection.unit_id != unit.pk:
            form.add_error("inspection", _("所选巡察的被巡察单位不是被评估单位。"))
        else:
            try:
                ev = services.evaluation_plan(
                    actor=user, unit=unit, inspection=inspection, is_revisit=d["is_revisit"],
                    visit_date=d["visit_date"],
                    leader=user_get(user=user, user_id=_int(d["leader"])), members=team)
            except ValidationFailed as exc:
                # Refusals about the team go above the member rows, the rest next to their field.
                details = [x for x in (exc.details or []) if isinstance(x, dict)]
                member_errors = [str(x.get("message") or exc.message) for x in details
                                 if x.get("field") in ("members", "weight")]
                rest = [x for x in details if x.get("field") not in ("members", "weight")]
                if rest or not member_errors:
                    apply_service_errors(form, ValidationFailed(exc.message, details=rest))
            else:
                messages.success(request, _("已计划对“%(u)s”的评估,评估日期 %(d)s。")
                                 % {"u": unit.name, "d": ev.visit_date})
                return redirect("evaluation:detail", evaluation_id=ev.pk)
    refused = bool(form.errors or member_errors or any(f.errors for f in members.forms))
    return render(request, "evaluation/plan.html", {
        "form": form, "members": members, "member_errors": member_errors,
    }, status=422 if refused else 200)


# --- detail and transitions ------------------------------------------------------------------

@login_required
def detail(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    from xuncha.surveys.models import Survey, SurveyStatus

    user = request.user
    ev = _evaluation(user, evaluation_id)
    me = _membership(user, ev)
    surveys = list(visible(user, Survey).filter(evaluation=ev).order_by("-created_at"))
    items = list(ev.items.all())
    marks = dict(of_visit(user, CheckMark, ev).values_list("mark")
                 .annotate(n=Count("id", distinct=True)).order_by())
    consequences = of_visit(user, Consequence, ev)
    return render(request, "evaluation/detail.html", {
        "ev": ev, "steps": steps_of(ev), "me": me,
        "members": _members(ev), "thresholds": thresholds(ev),
        "is_leader": ev.leader_id == user.pk,
        "can_manage": has(user, MANAGE, ev.unit),
        "can_survey": has(user, "surveys.manage_survey", ev.unit),
        "surveys": surveys,
        "open_survey": any(s.status == SurveyStatus.OPEN for s in surveys),
        "total": running_total(ev, items) if ev.status != EvaluationStatus.REPORTED else None,
        "marks": [{"label": m.label, "value": m.value, "count": marks.get(m.value, 0)}
                  for m in Mark],
        "marked": sum(marks.values()),
        "consequences": consequences.count(),
        "consequences_open": consequences.filter(done=False).count(),
        "rate": rate_view(ev),
    })


def _transition(request: AuthedRequest, evaluation_id: int, action: Any, done: str
                ) -> HttpResponse:
    ev = _evaluation(request.user, evaluation_id)
    try:
        action(actor=request.user, evaluation=ev)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_detail_url(ev))


@login_required
@require_POST
def notify(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    """告知 the day before (the scheduler does it too); the time is recorded."""
    return _transition(request, evaluation_id, services.evaluation_notify,
                       _("已通知被评估单位主要负责人和整改联络员。"))


@login_required
@require_POST
def start(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    """On site: the rate at the visit is kept and the system's items are pre-filled."""
    return _transition(request, evaluation_id, services.evaluation_start,
                       _("现场评估已开始:已记录评估时的整改率,并按台账预填系统评分项。"))


# --- the reviewers' check-list ---------------------------------------------------------------

def _check_rows(user: Any, ev: Evaluation) -> list[Any]:
    """The unit's ledger (its subtree), problem by problem, with the latest progress report."""
    from xuncha.rectification.selectors import LedgerFilter, ledger_queryset

    tasks = list(
        ledger_queryset(user=user, f=LedgerFilter())
        .filter(subtree_q(ev.unit.path, "unit__path"))
        .select_related("problem", "problem__category", "problem__category__parent", "unit")
        .prefetch_related("progress_reports")
        .order_by("unit__path", "problem__inspection_id", "problem__number", "number"))
    for t in tasks:
        reports = list(t.progress_reports.all())
        annotate(t, latest=reports[-1] if reports else None,
                 sections=sections_of(t.problem.category), overdue=t.is_overdue())
    return tasks


def _evidence(task: Any) -> list[Any]:
    from xuncha.rectification.ledger import evidence_of

    return list(evidence_of(task)[:6])


def _check_context(request: AuthedRequest, ev: Evaluation,
                   bound: dict[int, MarkForm] | None = None) -> dict[str, Any]:
    user = request.user
    me = _membership(user, ev)
    mine = set(me.sections) if me else set()
    show_all = request.GET.get("all") == "1" or not mine
    rows = _check_rows(user, ev)
    shown = rows if show_all else [t for t in rows if not t.sections or t.sections & mine]
    if not shown:
        show_all, shown = True, rows  # nothing in the reviewer's sections: show everything
    marks = {m.task_id: m for m in of_visit(user, CheckMark, ev)
             .select_related("reviewer")}
    bound = bound or {}
    for t in shown:
        t.mark = marks.get(t.pk)
        t.form = bound.get(t.pk)
        t.evidence = _evidence(t)
    unclaimed = _unclaimed(user, ev, rows)
    return {
        "ev": ev, "me": me, "rows": shown, "total": len(rows), "hidden": len(rows) - len(shown),
        "show_all": show_all, "my_sections": [Section(s).label for s in me.sections] if me else [],
        "can_mark": me is not None and ev.status == EvaluationStatus.ON_SITE,
        "done": sum(1 for t in rows if t.pk in marks), "unclaimed": unclaimed,
        "counts": {m.value: sum(1 for x in marks.values() if x.mark == m.value) for m in Mark},
    }


def _unclaimed(user: Any, ev: Evaluation, rows: list[Any]) -> list[Problem]:
    """Fed-back problems with no task in the ledger (漏项), for the reviewers to ask about."""
    from xuncha.dashboards.figures import fed_back

    claimed = {t.problem_id for t in rows}
    problems = fed_back(visible(user, Problem).filter(subtree_q(ev.unit.path, "unit__path")))
    return [p for p in problems.select_related("category").order_by("number")
            if p.pk not in claimed][:200]


@login_required
def checklist(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    ev = _evaluation(request.user, evaluation_id)
    return render(request, "evaluation/checklist.html", _check_context(request, ev))


@login_required
@require_POST
def mark(request: AuthedRequest, evaluation_id: int, task_id: int) -> HttpResponse:
    """核实 / 存疑 / 未完成 with a note on one ledger item; htmx swaps the item in place."""
    from xuncha.rectification.models import RectificationTask

    user = request.user
    ev = _evaluation(user, evaluation_id)
    task = get_visible(user, RectificationTask.objects.select_related(
        "unit", "problem", "problem__category", "problem__category__parent"), pk=task_id)
    form = MarkForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.check_mark(actor=user, evaluation=ev, task=task,
                                mark=form.cleaned_data["mark"], note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            if not request.htmx:
                raise
            form.add_error(None, exc.message)
        else:
            saved = True
    if request.htmx:
        ctx = _check_context(request, ev, bound={} if saved else {task.pk: form})
        row = next((t for t in ctx["rows"] if t.pk == task.pk), None)
        if row is None:  # filtered out of this reviewer's view: render it anyway
            row = next(t for t in _check_rows(user, ev) if t.pk == task.pk)
            row.mark = of_visit(user, CheckMark, ev).filter(task=task).first()
            row.form = None if saved else form
            row.evidence = _evidence(row)
        return render(request, "evaluation/_check_item.html",
                      {**ctx, "t": row, "saved": saved, "oob_progress": True})
    if saved:
        return redirect(reverse("evaluation:checklist", args=[ev.pk]) + f"#task-{task.pk}")
    return render(request, "evaluation/checklist.html",
                  _check_context(request, ev, bound={task.pk: form}), status=422)


# --- scoring and the report ------------------------------------------------------------------

def _score_context(request: AuthedRequest, ev: Evaluation,
                   bound: dict[int, ScoreForm] | None = None) -> dict[str, Any]:
    user = request.user
    me = _membership(user, ev)
    items = list(of_visit(user, EvaluationItem, ev).select_related("scored_by")
                 .order_by("number"))
    bound = bound or {}
    for i in items:
        i.form = bound.get(i.pk) or ScoreForm(initial={"score": i.score, "reason": i.reason},
                                              auto_id=f"item{i.pk}_%s")
    return {"ev": ev, "me": me, "items": items, "total": running_total(ev, items),
            "can_score": me is not None and ev.status == EvaluationStatus.ON_SITE,
            "is_leader": ev.leader_id == user.pk}


@login_required
def scoring(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    ev = _evaluation(request.user, evaluation_id)
    return render(request, "evaluation/scoring.html", _score_context(request, ev))


@login_required
@require_POST
def score_item(request: AuthedRequest, evaluation_id: int, item_id: int) -> HttpResponse:
    """One item's score (0–100%) and reason; "采用系统预填" takes the system's figure."""
    user = request.user
    ev = _evaluation(user, evaluation_id)
    item = get_visible(user, EvaluationItem.objects.filter(evaluation=ev).distinct()
                       .select_related("evaluation"), pk=item_id)
    form = ScoreForm(request.POST, auto_id=f"item{item.pk}_%s")
    saved = False
    if form.is_valid():
        d = form.cleaned_data
        score, reason = d["score"], d["reason"]
        if "use_prefill" in request.POST and item.prefill is not None:
            score = item.prefill
            reason = reason.strip() or _("采用系统预填:%(b)s") % {"b": item.prefill_basis}
        try:
            services.item_score(actor=user, item=item, score="" if score is None else score,
                                reason=reason)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            if not request.htmx:
                raise
            form.add_error(None, exc.message)
        else:
            saved = True
    if request.htmx:
        ctx = _score_context(request, ev, bound={} if saved else {item.pk: form})
        row = next(i for i in ctx["items"] if i.pk == item.pk)
        return render(request, "evaluation/_score_item.html",
                      {**ctx, "i": row, "saved": saved, "oob_total": True})
    if saved:
        return redirect(reverse("evaluation:scoring", args=[ev.pk]) + f"#item-{item.pk}")
    return render(request, "evaluation/scoring.html",
                  _score_context(request, ev, bound={item.pk: form}), status=422)


def _findings(user: Any, ev: Evaluation) -> list[Problem]:
    """The problems this report fed back: evaluation findings of the unit made when it was issued
    (feed_back_finding runs in the report's transaction, before any later visit's)."""
    if ev.reported_at is None:
        return []
    qs = visible(user, Problem).filter(unit=ev.unit, origin=ProblemOrigin.EVALUATION,
                                       created_at__gte=ev.reported_at)
    later = (Evaluation.objects.filter(unit=ev.unit, reported_at__gt=ev.reported_at)
             .order_by("reported_at").values_list("reported_at", flat=True).first())
    if later is not None:
        qs = qs.filter(created_at__lt=later)
    return list(qs.select_related("category", "category__parent").prefetch_related("tasks")
                .order_by("number"))


@login_required
def report(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    """On site: the leader issues the report (summary and findings). Afterwards: the report."""
    user = request.user
    ev = _evaluation(user, evaluation_id)
    items = list(of_visit(user, EvaluationItem, ev).order_by("number"))
    if ev.status == EvaluationStatus.REPORTED:
        return render(request, "evaluation/report.html", {
            "ev": ev, "items": items, "rate": rate_view(ev), "findings": _findings(user, ev),
            "marks": _mark_summary(user, ev),
            "consequences": of_visit(user, Consequence, ev).order_by("on_date", "id"),
            "members": _members(ev),
        })
    categories = category_groups(user)
    data = posted(request)
    adding = data is not None and "add_rows" in data
    if adding:
        data = data.copy()
        data["f-TOTAL_FORMS"] = str(min(_int(data.get("f-TOTAL_FORMS")) + FINDING_ROWS, 30))
    form = ReportForm(data)
    findings = FindingFormSet(data, prefix="f", initial=[{}] * FINDING_ROWS,
                              form_kwargs={"categories": categories})
    if adding:
        quiet(form, findings)
    elif data is not None and form.is_valid() & findings.is_valid():
        found = [{"category": get_visible(user, ProblemCategory,
                                          pk=_int(f.cleaned_data["category"])),
                  "title": f.cleaned_data["title"], "facts": f.cleaned_data["facts"]}
                 for f in findings.forms if not f.is_blank]
        try:
            services.evaluation_report(actor=user, evaluation=ev,
                                       summary=form.cleaned_data["summary"], findings=found)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评估报告已出具,%(n)d 个问题已纳入被评估单位整改台账。")
                             % {"n": len(found)})
            return redirect("evaluation:report", evaluation_id=ev.pk)
    refused = bool(form.errors or any(f.errors for f in findings.forms))
    return render(request, "evaluation/report_form.html", {
        "ev": ev, "form": form, "findings": findings, "total": running_total(ev, items),
        "is_leader": ev.leader_id == user.pk,
        "can_report": ev.leader_id == user.pk and ev.status == EvaluationStatus.ON_SITE,
    }, status=422 if refused else 200)


def _mark_summary(user: Any, ev: Evaluation) -> list[dict[str, Any]]:
    marks = list(of_visit(user, CheckMark, ev)
                 .select_related("task", "task__problem", "reviewer").order_by("mark", "id"))
    return [{"label": m.label, "value": m.value,
             "rows": [x for x in marks if x.mark == m.value]} for m in Mark]


# --- consequences ----------------------------------------------------------------------------

@login_required
def consequences(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    """通报 / 约谈 / 年度考核扣分: recorded and tracked to done."""
    user = request.user
    ev = _evaluation(user, evaluation_id)
    can_manage = has(user, MANAGE, ev.unit)
    form = ConsequenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consequence_add(actor=user, evaluation=ev, kind=d["kind"],
                                     person=d["person"], on_date=d["on_date"],
                                     reason=d["reason"], content=d["content"],
                                     points=d["points"], year=d["year"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已记录。"))
            return redirect("evaluation:consequences", evaluation_id=ev.pk)
    rows = of_visit(user, Consequence, ev).order_by("on_date", "id")
    return render(request, "evaluation/consequences.html", {
        "ev": ev, "form": form, "rows": rows, "can_manage": can_manage,
    }, status=422 if form.errors else 200)


@transaction.atomic
@login_required
@require_POST
def consequence_done(request: AuthedRequest, evaluation_id: int,
                     consequence_id: int) -> HttpResponse:
    user = request.user
    ev = _evaluation(user, evaluation_id)
    c = get_visible(user, Consequence.objects.filter(evaluation=ev).distinct()
                    .select_related("evaluation__unit"), pk=consequence_id)
    try:
        services.consequence_done(actor=user, consequence=c)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已标记为已落实:%(k)s %(p)s。")
                         % {"k": c.get_kind_display(), "p": c.person})
    return redirect("evaluation:consequences", evaluation_id=ev.pk)


# --- inquiry meetings (质询会) ----------------------------------------------------------------

MEETING_VIEW = "evaluation.view_inquirymeeting"


@login_required
def meetings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require(user, MEETING_VIEW)
    qs = (visible(user, InquiryMeeting).select_related("committee")
          .annotate(n_questions=Count("questions", distinct=True),
                    n_units=Count("reporting_units", distinct=True))
          .order_by("-held_on", "-id"))
    return render(request, "evaluation/meetings.html", {
        "page": paginate(request, qs), "can_record": has(user, MANAGE),
    })


@login_required
def meeting_add(request: AuthedRequest) -> HttpResponse:
    from xuncha.organisations.selectors import unit_get

    user = request.user
    scope.require(user, MANAGE)
    committees = unit_options(user, MANAGE, level__lte=UnitLevel.COUNTY, is_active=True)
    units = unit_options(user, MANAGE, level__gt=UnitLevel.COUNTY, is_active=True)
    form = MeetingForm(posted(request), committees=committees, units=units,
                       initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = inquiry.meeting_record(
                actor=user, committee=unit_get(user=user, unit_id=_int(d["committee"])),
                held_on=d["held_on"], title=d["title"],
                reporting_units=[unit_get(user=user, unit_id=_int(u))
                                 for u in d["reporting_units"]])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已记录质询会“%(t)s”。") % {"t": m.title})
            return redirect("evaluation:meeting", meeting_id=m.pk)
    return render(request, "evaluation/meeting_form.html", {"form": form},
                  status=422 if form.errors else 200)


def _follow_ups(user: Any, m: InquiryMeeting, units: list[Unit]) -> list[Problem]:
    """Items put into the reporting units' ledgers since this meeting (until the committee's next
    one): follow_up records the meeting only in the audit trail, not on the problem."""
    qs = visible(user, Problem).filter(origin=ProblemOrigin.INQUIRY, unit__in=units,
                                       created_at__gte=m.created_at)
    later = (InquiryMeeting.objects.filter(committee=m.committee, created_at__gt=m.created_at)
             .order_by("created_at").values_list("created_at", flat=True).first())
    if later is not None:
        qs = qs.filter(created_at__lt=later)
    return list(qs.select_related("unit", "category", "category__parent")
                .prefetch_related("tasks").order_by("created_at"))


@login_required
def meeting(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The meeting: questions and answers, and follow-ups into a unit's ledger (two forms)."""
    from xuncha.organisations.selectors import unit_get

    user = request.user
    m = get_visible(user, InquiryMeeting.objects.select_related("committee", "recorded_by"),
                    pk=meeting_id)
    units = list(m.reporting_units.order_by("path"))
    which = request.POST.get("form") if request.method == "POST" else ""
    qform = QuestionForm(request.POST if which == "question" else None)
    fform = FollowUpForm(request.POST if which == "follow_up" else None, units=units,
                         categories=category_groups(user), auto_id="fu_%s")
    if which == "question" and qform.is_valid():
        try:
            inquiry.question_add(actor=user, meeting=m, **qform.cleaned_data)
        except ValidationFailed as exc:
            apply_service_errors(qform, exc)
        else:
            messages.success(request, _("已记录质询问题。"))
            return redirect(reverse("evaluation:meeting", args=[m.pk]) + "#questions")
    if which == "follow_up" and fform.is_valid():
        d = fform.cleaned_data
        try:
            p = inquiry.follow_up(
                actor=user, meeting=m, unit=unit_get(user=user, unit_id=_int(d["unit"])),
                category=get_visible(user, ProblemCategory, pk=_int(d["category"])),
                title=d["title"], facts=d["facts"], deadline_days=d["deadline_days"])
        except ValidationFailed as exc:
            apply_service_errors(fform, exc)
        except Conflict as exc:
            fform.add_error(None, exc.message)
        else:
            messages.success(request, _("已交办“%(t)s”,纳入%(u)s整改台账。")
                             % {"t": p.title, "u": p.unit.name})
            return redirect(reverse("evaluation:meeting", args=[m.pk]) + "#follow-ups")
    return render(request, "evaluation/meeting.html", {
        "m": m, "units": units, "questions": m.questions.all(), "qform": qform, "fform": fform,
        "follow_ups": _follow_ups(user, m, units), "can_manage": has(user, MANAGE, m.committee),
    }, status=422 if (qform.errors or fform.errors) else 200)


# --- rubric templates ------------------------------------------------------------------------

@login_required
def rubric(request: AuthedRequest) -> HttpResponse:
    """The "八查" rubric: items, weights (summing to 100) and the grade thresholds."""
    from xuncha.organisations.rules import committee_of

    user = request.user
    scope.require(user, "evaluation.view_rubrictemplate")
    templates = list(visible(user, RubricTemplate).select_related("committee")
                     .prefetch_related("items").order_by("committee__path", "-is_default", "name"))
    committee = committee_of(user.unit)
    if not any(t.committee_id == committee.pk for t in templates) \
            and has(user, "evaluation.view_rubrictemplate", committee):
        # The committee's default is made on first use (as planning a visit would).
        templates.insert(0, services.default_rubric(committee))
    for t in templates:
        rows = list(t.items.all())
        annotate(t, rows=rows, total_weight=sum((i.weight for i in rows), Decimal(0)))
    return render(request, "evaluation/rubric.html", {"templates": templates})
