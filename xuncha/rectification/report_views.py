"""Pages of the rectification report (domain.md step 10): the unit drafts it over the compiled
ledger, 纪委 and 组织部 sign off on the content hash they saw, the office receives it; a print view
of the report and of the public version (整改情况公开).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import has, require, visible
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.rectification import report, selectors
from xuncha.rectification.forms import ReportForm, SignoffForm
from xuncha.rectification.models import (
    PlanStatus,
    RectificationPlan,
    RectificationReport,
    RectReportStatus,
    ReportSignoff,
    SignoffBody,
    TaskStatus,
)
from xuncha.rectification.views import EDIT, VERIFY, _status, plan_shell
from xuncha.web.forms import apply_service_errors, posted
from xuncha.web.http import AuthedRequest

# --- the rectification report ----------------------------------------------------------------------

def _report_or_none(user: Any, plan: RectificationPlan) -> RectificationReport | None:
    return visible(user, RectificationReport).filter(plan=plan).first()


def _report_context(request: AuthedRequest, plan: RectificationPlan,
                    rpt: RectificationReport | None) -> dict[str, Any]:
    user = request.user
    editor = has(user, EDIT, plan.unit) and plan.status == PlanStatus.APPROVED
    signoffs = list(visible(user, ReportSignoff).filter(report=rpt).select_related("signer")) \
        if rpt else []
    body = report.signoff_body_of(user, rpt) if rpt else None
    signed = {s.body for s in signoffs if s.voided_at is None}
    compiled = rpt.compiled if rpt else report.compile_ledger(plan)
    slots = [{"label": label, "signoff": next((s for s in signoffs if s.body == b
                                               and s.voided_at is None), None)}
             for b, label in SignoffBody.choices]
    return {
        "report": rpt, "signoffs": signoffs, "slots": slots,
        "voided": [s for s in signoffs if s.voided_at is not None],
        "can_write": editor and (rpt is None or rpt.status in (RectReportStatus.DRAFT,
                                                               RectReportStatus.SIGNING)),
        "can_send": editor and rpt is not None and rpt.status == RectReportStatus.DRAFT,
        "can_sign": body is not None and rpt is not None
        and rpt.status == RectReportStatus.SIGNING and body not in signed,
        "sign_body": SignoffBody(body).label if body else "",
        "can_receive": rpt is not None and rpt.status == RectReportStatus.SUBMITTED
        and has(user, VERIFY, plan.unit),
        "compiled": compiled,
        "status_rows": [(label, compiled.get("tasks_by_status", {}).get(k, 0))
                        for k, label in TaskStatus.choices],
    }


@login_required
def report_page(request: AuthedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    require(user, "rectification.view_rectificationreport", plan.unit)
    rpt = _report_or_none(user, plan)
    context = plan_shell(request, plan, "report")
    context.update(_report_context(request, plan, rpt))
    initial = ({"unit_text": rpt.unit_text, "head_text": rpt.head_text,
                "public_text": rpt.public_text} if rpt else
               {"public_text": report.public_summary(plan)})
    form = ReportForm(posted(request), initial=initial)
    if request.method == "POST":
        if not context["can_write"]:
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        if form.is_valid():
            try:
                report.rect_report_save(actor=user, plan=plan, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存整改报告。"))
                return redirect("rectification:report", plan_id=plan.pk)
    context.update(form=form, sign_form=SignoffForm(initial={
        "content_hash": rpt.content_hash if rpt else ""}))
    return render(request, "rectification/report.html", context, status=_status(form))


def _report_action(request: AuthedRequest, plan_id: int, act: Any, done: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    rpt = selectors.report_get(user=user, plan_id=plan.pk)
    try:
        act(user, rpt)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rectification:report", plan_id=plan.pk)


@login_required
@require_POST
def report_send(request: AuthedRequest, plan_id: int) -> HttpResponse:
    return _report_action(request, plan_id,
                          lambda u, r: report.rect_report_send_for_signoff(actor=u, report=r),
                          _("已送纪委监委、组织部会签。"))


@login_required
@require_POST
def report_signoff(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Signs the content the signer was shown: the form carries its SM3 hash."""
    form = SignoffForm(request.POST)

    def act(user: Any, rpt: RectificationReport) -> None:
        if not form.is_valid():
            raise Conflict(_("会签信息不完整,请刷新页面后核对报告再会签。"))
        report.rect_report_signoff(actor=user, report=rpt,
                                   expected_hash=form.cleaned_data["content_hash"],
                                   opinion=form.cleaned_data["opinion"])

    return _report_action(request, plan_id, act, _("已会签。"))


@login_required
@require_POST
def report_receive(request: AuthedRequest, plan_id: int) -> HttpResponse:
    return _report_action(request, plan_id,
                          lambda u, r: report.rect_report_receive(actor=u, report=r),
                          _("已接收整改报告。"))


@login_required
def report_print(request: AuthedRequest, plan_id: int, public: bool = False) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    rpt = selectors.report_get(user=user, plan_id=plan.pk)
    context = {"plan": plan, **_report_context(request, plan, rpt)}
    template = "rectification/print_public.html" if public else "rectification/print_report.html"
    return render(request, template, context)


@login_required
def report_print_public(request: AuthedRequest, plan_id: int) -> HttpResponse:
    return report_print(request, plan_id, public=True)
