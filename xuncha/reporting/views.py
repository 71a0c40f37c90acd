"""Pages of the monthly returns (三本账) and the city's assigned matters.

Every figure of a return is compiled by the system (reporting.services.compile_data) and frozen on
submission; the pages only show it. Reads go through ``scope.visible``; writes through the services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, require, visible
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.reporting import services
from xuncha.reporting.forms import (
    AnswerForm,
    AssignmentForm,
    OverviewForm,
    PrepareForm,
    SubmitForm,
)
from xuncha.reporting.models import (
    AssignmentStatus,
    CityAssignment,
    MonthlyReturn,
    ReturnLevel,
    ReturnStatus,
)
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted
from xuncha.web.http import AuthedRequest

SUBMIT = "reporting.submit_return"
VIEW = "reporting.view_monthlyreturn"


def _mark(obj: Any, **attrs: Any) -> None:
    """Puts values on a row for its template only (never saved)."""
    for name, value in attrs.items():
        setattr(obj, name, value)


def _status(form: Any, conflict: Any = None) -> int:
    return 409 if conflict else (422 if form.errors else 200)


def last_month() -> date:
    return services.first_of_month(timezone.localdate()) - relativedelta(months=1)


def _labels(choices: Any) -> dict[str, str]:
    return {k: str(v) for k, v in choices}


def return_sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The compiled figures as readable tables (label, value), in the order of the printed form."""
    from xuncha.findings.models import RecommendationStatus
    from xuncha.leads.models import LeadStage

    if not data:
        return []
    p = data.get("problems", {})
    rate = p.get("rate") or {}
    pct = rate.get("percent")
    sections = [{"title": _("问题整改"), "rows": [
        (_("反馈问题"), p.get("fed_back", 0)),
        (_("已整改"), p.get("rectified", 0)),
        (_("整改率"), f"{pct:.2f}%" if pct is not None else "—"),
        (_("未销号任务"), p.get("open_tasks", 0)),
        (_("逾期任务"), p.get("overdue_tasks", 0)),
        (_("本月销号"), p.get("closed_this_month", 0)),
    ]}]
    o = data.get("outcomes", {})
    sections.append({"title": _("整改成果"), "rows": [
        (_("建章立制(项)"), o.get("institutions", 0)),
        (_("收回资金(元)"), _money(o.get("funds_yuan", "0"))),
        (_("问责(人次)"), o.get("accountability", 0)),
    ]})
    if "leads" in data:
        leads = data["leads"]
        stages = _labels(LeadStage.choices)
        rows = [(_("线索总数"), leads.get("total", 0)), (_("本月新增"), leads.get("this_month", 0))]
        rows += [(stages.get(k, k), n) for k, n in sorted(
            leads.get("by_stage", {}).items(), key=lambda kv: list(stages).index(kv[0])
            if kv[0] in stages else 99)]
        sections.append({"title": _("问题线索"), "rows": rows})
    if "recommendations" in data:
        recs = data["recommendations"]
        statuses = _labels(RecommendationStatus.choices)
        rows = [(_("专项治理建议总数"), recs.get("total", 0))]
        rows += [(statuses.get(k, k), n) for k, n in recs.items() if k != "total"]
        sections.append({"title": _("专项治理建议"), "rows": rows})
    if "city_assignments" in data:
        a = data["city_assignments"]
        sections.append({"title": _("市级交办事项"), "rows": [
            (_("交办总数"), a.get("total", 0)), (_("已办结"), a.get("done", 0)),
            (_("办理中"), a.get("open", 0)), (_("逾期未办结"), a.get("overdue", 0)),
        ]})
    return sections


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def compiled_at(data: dict[str, Any]) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(data["compiled_at"]))
    except (KeyError, TypeError, ValueError):
        return None


def _reporters(user: Any) -> list[Unit]:
    """Where the user reports from: the counties in reach, else their own unit."""
    counties = list(visible(user, Unit, SUBMIT).filter(level=UnitLevel.COUNTY).order_by("path"))
    if counties:
        return counties
    return [user.unit] if has(user, SUBMIT, user.unit) else []


@login_required
def returns(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, VIEW)
    reporters = _reporters(user)
    form = PrepareForm(posted(request), reporters=[(str(u.pk), u.name) for u in reporters],
                       initial={"month": last_month()})
    if request.method == "POST":
        require(user, SUBMIT)
        if form.is_valid():
            reporter = next(u for u in reporters if str(u.pk) == form.cleaned_data["reporter"])
            try:
                ret = services.return_prepare(actor=user, reporter=reporter,
                                              month=form.cleaned_data["month"])
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("reporting:return", return_id=ret.pk)
    qs = visible(user, MonthlyReturn).select_related("reporter", "recipient", "submitted_by")
    level = request.GET.get("level", "")
    if level in ReturnLevel.values:
        qs = qs.filter(level=level)
    today = timezone.localdate()
    page = paginate(request, qs)
    for r in page.object_list:
        _mark(r, overdue=r.status != ReturnStatus.SUBMITTED and today > r.due_on)
    return render(request, "reporting/returns.html", {
        "form": form if reporters else None, "page": page, "level": level,
        "levels": ReturnLevel.choices,
        "can_overview": has(user, "reporting.view_city_returns"),
        "can_assignments": has(user, "reporting.view_cityassignment"),
    }, status=_status(form))


def _return(user: Any, return_id: int) -> MonthlyReturn:
    return get_visible(user, MonthlyReturn.objects.select_related(
        "reporter", "recipient", "submitted_by"), pk=return_id)


@login_required
def return_detail(request: AuthedRequest, return_id: int, form: SubmitForm | None = None
                  ) -> HttpResponse:
    user = request.user
    ret = _return(user, return_id)
    can_submit = ret.status == ReturnStatus.DRAFT and has(user, SUBMIT, ret.reporter)
    _mark(ret, overdue=ret.status != ReturnStatus.SUBMITTED and timezone.localdate() > ret.due_on)
    return render(request, "reporting/return.html", {
        "ret": ret, "sections": return_sections(ret.data), "can_submit": can_submit,
        "compiled_at": compiled_at(ret.data),
        "form": form or SubmitForm(initial={"note": ret.note}),
        "overdue": getattr(ret, "overdue", False),
        "frozen": ret.status == ReturnStatus.SUBMITTED,
    }, status=_status(form) if form else 200)


@login_required
@require_POST
def return_refresh(request: AuthedRequest, return_id: int) -> HttpResponse:
    """Recompiles a draft from the records (a submitted return is never recompiled)."""
    user = request.user
    ret = _return(user, return_id)
    try:
        services.return_prepare(actor=user, reporter=ret.reporter, month=ret.month)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        if ret.status == ReturnStatus.SUBMITTED:
            messages.info(request, _("报表已报送并冻结,数据不再重新汇总。"))
        else:
            messages.success(request, _("已按最新台账重新汇总。"))
    return redirect("reporting:return", return_id=ret.pk)


@login_required
@require_POST
def return_submit(request: AuthedRequest, return_id: int) -> HttpResponse:
    user = request.user
    ret = _return(user, return_id)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            ret = services.return_submit(actor=user, ret=ret, note=form.cleaned_data["note"])
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            if ret.is_late:
                messages.warning(request, _("已报送并冻结。本次报送晚于截止日期 %(d)s,已标记为逾期报送。")
                                 % {"d": ret.due_on})
            else:
                messages.success(request, _("已报送并冻结。"))
        return redirect("reporting:return", return_id=ret.pk)
    return return_detail(request, return_id, form=form)


@login_required
def city_overview(request: AuthedRequest) -> HttpResponse:
    """The city office's side-by-side view of all counties for one month."""
    user = request.user
    require(user, "reporting.view_city_returns")
    cities = list(visible(user, Unit).filter(level=UnitLevel.CITY).order_by("path"))
    form = OverviewForm(request.GET if "month" in request.GET else None,
                        cities=[(str(c.pk), c.name) for c in cities],
                        initial={"month": last_month(),
                                 "city": str(cities[0].pk) if cities else ""})
    city, month = (cities[0] if cities else None), last_month()
    if form.is_bound and form.is_valid():
        city = next(c for c in cities if str(c.pk) == form.cleaned_data["city"])
        month = form.cleaned_data["month"] or month
    rows = services.city_overview(user=user, city=city, month=month) if city else []
    for r in rows:
        r["sections"] = return_sections(r["data"]) if r["data"] else []
    counts = {"submitted": sum(1 for r in rows if r["submitted"]),
              "late": sum(1 for r in rows if r["submitted"] and r["late"]),
              "missing": sum(1 for r in rows if not r["submitted"] and r["late"]),
              "pending": sum(1 for r in rows if not r["submitted"] and not r["late"])}
    # The figure rows, transposed: one line per figure, one column per county.
    table: list[dict[str, Any]] = []
    for r in rows:
        for s in r["sections"]:
            for label, value in s["rows"]:
                key = (s["title"], label)
                line = next((t for t in table if t["key"] == key), None)
                if line is None:
                    line = {"key": key, "section": s["title"], "label": label, "values": {}}
                    table.append(line)
                line["values"][r["county"].pk] = value
    for line in table:
        line["cells"] = [line["values"].get(r["county"].pk) for r in rows]
    return render(request, "reporting/city_overview.html", {
        "form": form, "rows": rows, "table": table, "city": city, "month": month,
        "counts": counts,
    })


# --- city assignments (市级交办事项) ----------------------------------------------------------------

@login_required
def assignments(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "reporting.view_cityassignment")
    can_add = has(user, "reporting.add_cityassignment")
    counties = list(visible(user, Unit, "reporting.add_cityassignment")
                    .filter(level=UnitLevel.COUNTY).order_by("path")) if can_add else []
    form = AssignmentForm(posted(request), counties=[(str(c.pk), c.name) for c in counties])
    if request.method == "POST":
        require(user, "reporting.add_cityassignment")
        if form.is_valid():
            data = form.cleaned_data
            county = next(c for c in counties if str(c.pk) == data["county"])
            try:
                a = services.city_assignment_add(actor=user, county=county, title=data["title"],
                                                 content=data["content"],
                                                 deadline=data["deadline"])
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已向%(c)s交办“%(t)s”。") % {"c": county.name,
                                                                     "t": a.title})
                return redirect("reporting:assignments")
    qs = visible(user, CityAssignment).select_related("county")
    status = request.GET.get("status", "")
    if status in AssignmentStatus.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    page = paginate(request, qs)
    for a in page.object_list:
        _mark(a, overdue=a.status == AssignmentStatus.OPEN and a.deadline < today)
    return render(request, "reporting/assignments.html", {
        "form": form if can_add else None, "page": page, "status": status,
        "statuses": AssignmentStatus.choices,
    }, status=_status(form))


@login_required
def assignment_detail(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    user = request.user
    a = get_visible(user, CityAssignment.objects.select_related("county", "city", "assigned_by"),
                    pk=assignment_id)
    can_answer = has(user, SUBMIT, a.county)
    form = AnswerForm(posted(request), initial={"response": a.response,
                                                "done": a.status == AssignmentStatus.DONE,
                                                "version": a.version})
    conflict = None
    if request.method == "POST":
        require(user, SUBMIT, a.county)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.city_assignment_answer(actor=user, assignment=a,
                                                response=data["response"], done=data["done"],
                                                expected_version=data["version"])
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                a = get_visible(user, CityAssignment.objects.select_related("county", "city"),
                                pk=assignment_id)
                conflict = conflict_context(exc, form, a, ("response",), data)
            else:
                messages.success(request, _("已报告办理情况。"))
                return redirect("reporting:assignment", assignment_id=a.pk)
    _mark(a, overdue=a.status == AssignmentStatus.OPEN and a.deadline < timezone.localdate())
    return render(request, "reporting/assignment.html", {
        "a": a, "form": form, "can_answer": can_answer, "conflict": conflict,
    }, status=_status(form, conflict))
