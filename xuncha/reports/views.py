"""Pages of the inspection report ("改卷子") and of the three-party feedback sign-off.

Thin: parse the form, call the service, render. The team drafts and submits; reviewers annotate a
quoted passage or a problem, the team answers, the director approves; the feedback list is signed
against the SM3 hash the signer was shown.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, permissions_of, visible
from xuncha.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem, ProblemState
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.services import is_team_member
from xuncha.inspections.views import inspection_shell
from xuncha.reports import rendering, services
from xuncha.reports.forms import (
    AnnotationForm,
    CompareForm,
    DraftForm,
    ReplyForm,
    ReturnForm,
    SignForm,
)
from xuncha.reports.models import (
    Annotation,
    AnnotationStatus,
    FeedbackList,
    ReportStatus,
    ReportVersion,
    SignatoryRole,
)
from xuncha.web.forms import apply_service_errors, posted
from xuncha.web.http import AuthedRequest

SKELETON = "# 一、基本情况\n\n\n# 二、发现的主要问题\n\n1. \n\n# 三、意见建议\n\n- \n"
_TAG = re.compile(r"(<[^>]+>)")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _require_report_reader(request: AuthedRequest, context: dict[str, Any]) -> None:
    if not (context["on_team"] or "reports.view_reportversion" in permissions_of(request.user)):
        raise PermissionDenied(_("您的角色无权查看巡察报告。"))


def _versions(user: Any, insp: Inspection) -> list[ReportVersion]:
    return list(visible(user, ReportVersion).filter(inspection=insp)
                .select_related("author", "decided_by").order_by("-number"))


def _can_edit(user: Any, insp: Inspection, latest: ReportVersion | None) -> bool:
    """The team (or the office) while on site or reporting, unless a version is under review."""
    if insp.status not in (InspectionStatus.ON_SITE, InspectionStatus.REPORTING):
        return False
    if latest is not None and latest.status == ReportStatus.SUBMITTED:
        return False
    return is_team_member(user, insp) or has(user, "inspections.manage_round", insp.unit)


def highlight(html: str, rows: list[dict[str, Any]]) -> SafeString:
    """Marks each annotated passage in the rendered report with its annotation's number.

    Only text between tags is searched (the rendering escapes all text and emits a fixed set of
    bare tags), and the passage is escaped exactly as the rendering escaped it. Sets ``anchored``
    on the rows whose passage was found."""
    for row in rows:
        a = row["a"]
        if not a.quote:
            continue
        needle = str(escape(a.quote))
        parts = _TAG.split(html)
        for i, part in enumerate(parts):
            if part.startswith("<") or needle not in part:
                continue
            marked = (f'<mark class="anno-mark anno-{a.status}" id="q-{a.pk}">{needle}'
                      f'<a class="anno-ref" href="#a-{a.pk}">{row["n"]}</a></mark>')
            parts[i] = part.replace(needle, marked, 1)
            row["anchored"] = True
            break
        html = "".join(parts)
    return mark_safe(html)  # noqa: S308 — only escaped text and our own fixed markup


def _version_page(request: AuthedRequest, insp: Inspection, version: ReportVersion | None,
                  *, annotation_form: AnnotationForm | None = None,
                  return_form: ReturnForm | None = None, open_return: bool = False,
                  status: int = 200) -> HttpResponse:
    user = request.user
    context = inspection_shell(request, insp, "report")
    _require_report_reader(request, context)
    versions = _versions(user, insp)
    latest = versions[0] if versions else None
    context.update(versions=versions, latest=latest, version=version,
                   can_edit=_can_edit(user, insp, latest))
    if version is not None:
        annotations = list(visible(user, Annotation).filter(version=version)
                           .select_related("author", "problem", "replied_by").order_by("id"))
        reviewer = has(user, "reports.review_report", insp.unit)
        submitted = version.status == ReportStatus.SUBMITTED
        rows: list[dict[str, Any]] = []
        for n, a in enumerate(annotations, start=1):
            open_ = a.status != AnnotationStatus.RESOLVED
            rows.append({
                "a": a, "n": n, "anchored": False,
                # Answering is the team's part; the office edits through the editor instead.
                "can_reply": context["on_team"] and open_ and submitted,
                "can_resolve": open_ and (a.author_id == user.pk or reviewer
                                          or context["on_team"]),
                "reply_form": ReplyForm(auto_id=f"r{a.pk}-%s"),
            })
        rendered = highlight(rendering.render(version.body), rows)
        on_team = context["on_team"] or has(user, "inspections.manage_round", insp.unit)
        problems = [(str(p.pk), f"{p.number}. {p.title}") for p in visible(user, Problem)
                    .filter(inspection=insp, state=ProblemState.ACTIVE).order_by("number")]
        context.update(
            rendered=rendered, annotations=rows,
            # A problem turned into a lead is read only through the lead pages (audited).
            cited=visible(user, Problem).filter(cited_in=version).exclude(
                state=ProblemState.CONVERTED).order_by("number"),
            open_count=sum(a.status == AnnotationStatus.OPEN for a in annotations),
            can_submit=(version.status == ReportStatus.DRAFT and version == latest and on_team),
            can_annotate=reviewer and submitted,
            can_return=reviewer and submitted,
            can_approve=submitted and has(user, "reports.approve_report", insp.unit),
            annotation_form=annotation_form or AnnotationForm(problems=problems),
            return_form=return_form or ReturnForm(),
            open_return=open_return or bool(return_form and return_form.errors),
        )
    if len(versions) > 1:
        choices = [(str(v.pk), _("第%(n)s稿") % {"n": v.number}) for v in versions]
        context["compare_form"] = CompareForm(
            initial={"a": versions[1].pk, "b": versions[0].pk}, versions=choices)
    return render(request, "reports/report.html", context, status=status)


@login_required
def report(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """The latest version the user may see, rendered with its annotations beside it."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    latest = visible(user, ReportVersion).filter(inspection=insp).order_by("-number").first()
    return _version_page(request, insp, latest)


def _version(user: Any, insp: Inspection, version_id: int) -> ReportVersion:
    return get_visible(user, ReportVersion.objects.select_related("inspection", "author"),
                       pk=version_id, inspection=insp)


@login_required
def version_detail(request: AuthedRequest, inspection_id: int, version_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    return _version_page(request, insp, _version(user, insp, version_id))


@login_required
def report_edit(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """The team's editor: saves the open draft (or starts the next version); may submit it."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "report")
    versions = _versions(user, insp)
    latest = versions[0] if versions else None
    if not _can_edit(user, insp, latest):
        if latest is not None and latest.status == ReportStatus.SUBMITTED:
            raise Conflict(_("第%(n)s稿正在送审,审阅结束前不能修改。") % {"n": latest.number})
        if insp.status not in (InspectionStatus.ON_SITE, InspectionStatus.REPORTING):
            raise Conflict(_("巡察当前状态为“%(s)s”,不能修改报告。") % {"s": insp.status_label})
        raise PermissionDenied(_("只有本组成员和巡察办可以修改报告。"))
    problems = list(visible(user, Problem).filter(inspection=insp, state=ProblemState.ACTIVE)
                    .order_by("number"))
    if latest is not None:
        initial = {"title": latest.title, "body": latest.body, "cited_problems": [
            str(p) for p in latest.cited_problems.values_list("id", flat=True)]}
    else:
        initial = {"title": _("关于巡察%(u)s的情况报告") % {"u": insp.unit.name}, "body": SKELETON}
    form = DraftForm(posted(request), initial=initial,
                     problems=[(str(p.pk), f"{p.number}. {p.title}") for p in problems])
    if request.method == "POST" and form.is_valid():
        cited = [p for p in problems if p.pk in set(form.cited_ids())]
        try:
            version = services.report_save_draft(
                actor=user, inspection=insp, title=form.cleaned_data["title"],
                body=form.cleaned_data["body"], cited_problems=cited)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            if request.POST.get("action") == "submit":
                return _submit(request, insp, version)
            messages.success(request, _("已保存第%(n)s稿草稿。") % {"n": version.number})
            return redirect("reports:report", inspection_id=insp.pk)
    context.update(form=form, latest=latest,
                   starts_new=latest is not None and latest.status != ReportStatus.DRAFT)
    return render(request, "reports/report_edit.html", context, status=422 if form.errors else 200)


def _submit(request: AuthedRequest, insp: Inspection, version: ReportVersion) -> HttpResponse:
    try:
        services.report_submit(actor=request.user, version=version)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("第%(n)s稿已送审,审阅人会收到通知。") % {"n": version.number})
    return redirect("reports:report", inspection_id=insp.pk)


@login_required
@require_POST
def version_submit(request: AuthedRequest, inspection_id: int, version_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return _submit(request, insp, _version(request.user, insp, version_id))


@login_required
@require_POST
def annotate(request: AuthedRequest, inspection_id: int, version_id: int) -> HttpResponse:
    """A reviewer's 批注 on a pasted passage or on one problem; a refusal keeps what they typed."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    version = _version(user, insp, version_id)
    problems = [(str(p.pk), f"{p.number}. {p.title}") for p in visible(user, Problem)
                .filter(inspection=insp, state=ProblemState.ACTIVE).order_by("number")]
    form = AnnotationForm(request.POST, problems=problems)
    if form.is_valid():
        problem_id = form.problem_id()
        problem = visible(user, Problem).filter(inspection=insp, pk=problem_id).first() \
            if problem_id else None
        try:
            a = services.annotation_add(actor=user, version=version, body=form.cleaned_data["body"],
                                        quote=form.cleaned_data["quote"], problem=problem)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已添加批注。"))
            return redirect(reverse("reports:version", args=[insp.pk, version.pk]) + f"#a-{a.pk}")
    return _version_page(request, insp, version, annotation_form=form, status=422)


def _annotation(user: Any, insp: Inspection, annotation_id: int) -> Annotation:
    return get_visible(user, Annotation.objects.select_related("version", "version__inspection"),
                       pk=annotation_id, version__inspection=insp)


@login_required
@require_POST
def annotation_reply(request: AuthedRequest, inspection_id: int, annotation_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    a = _annotation(user, insp, annotation_id)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("请填写答复。"))
        services.annotation_reply(actor=user, annotation=a, reply=form.cleaned_data["reply"])
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已答复批注。"))
    return redirect(reverse("reports:version", args=[insp.pk, a.version_id]) + f"#a-{a.pk}")


@login_required
@require_POST
def annotation_resolve(request: AuthedRequest, inspection_id: int,
                       annotation_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    a = _annotation(user, insp, annotation_id)
    services.annotation_resolve(actor=user, annotation=a)
    messages.success(request, _("批注已标为解决。"))
    return redirect(reverse("reports:version", args=[insp.pk, a.version_id]) + f"#a-{a.pk}")


@login_required
def version_return(request: AuthedRequest, inspection_id: int, version_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    version = _version(user, insp, version_id)
    form = ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(actor=user, version=version, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已退回第%(n)s稿,巡察组会收到通知。") % {"n": version.number})
            return redirect("reports:report", inspection_id=insp.pk)
    return _version_page(request, insp, version, return_form=form, open_return=True,
                         status=422 if form.errors else 200)


@login_required
@require_POST
def version_approve(request: AuthedRequest, inspection_id: int, version_id: int) -> HttpResponse:
    """审定: the director approves; the feedback list is generated from the approved version."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    version = _version(user, insp, version_id)
    try:
        fb = services.report_approve(actor=user, version=version)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("reports:version", inspection_id=insp.pk, version_id=version.pk)
    messages.success(request, _("已审定第%(n)s稿,生成反馈问题清单(%(c)d 个问题),等待三方签字。")
                     % {"n": version.number, "c": len(fb.items)})
    return redirect("reports:feedback", inspection_id=insp.pk)


@login_required
def compare(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """Line-by-line comparison of any two versions."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "report")
    _require_report_reader(request, context)
    versions = _versions(user, insp)
    choices = [(str(v.pk), _("第%(n)s稿") % {"n": v.number}) for v in versions]
    form = CompareForm(request.GET or None, versions=choices)
    if form.is_valid():
        old = _version(user, insp, _int(form.cleaned_data["a"]))
        new = _version(user, insp, _int(form.cleaned_data["b"]))
        context.update(old=old, new=new, diff=rendering.compare(
            f"# {old.title}\n{old.body}", f"# {new.title}\n{new.body}"))
    context.update(form=form, versions=versions)
    return render(request, "reports/compare.html", context)


@login_required
def report_print(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "report")
    _require_report_reader(request, context)
    if request.GET.get("v"):
        version = _version(user, insp, _int(request.GET["v"]))
    else:
        versions = _versions(user, insp)
        if not versions:
            raise NotFound()
        version = versions[0]
    context.update(version=version, rendered=rendering.render(version.body))
    return render(request, "reports/print_report.html", context)


# --- feedback -------------------------------------------------------------------------------------

def _feedback_context(request: AuthedRequest, insp: Inspection) -> dict[str, Any]:
    user = request.user
    context = inspection_shell(request, insp, "feedback")
    if not (context["on_team"] or "reports.view_feedbacklist" in permissions_of(user)):
        raise PermissionDenied(_("您的角色无权查看反馈问题清单。"))
    fb = visible(user, FeedbackList).filter(inspection=insp).select_related("report").first()
    context["fb"] = fb
    if fb is None:
        return context
    signatures = list(fb.signatures.select_related("signer", "signer__unit").order_by("signed_at"))
    valid = {s.role: s for s in signatures
             if s.voided_at is None and s.signed_hash == fb.content_hash}
    my_role = services.signatory_role_of(user, insp)
    context.update(
        slots=[{"role": r, "label": label, "sig": valid.get(r)} for r, label in
               SignatoryRole.choices],
        voided=[s for s in signatures if s.voided_at is not None],
        hash_groups=[fb.content_hash[i:i + 8] for i in range(0, len(fb.content_hash), 8)],
        my_role=my_role, my_role_label=SignatoryRole(my_role).label if my_role else "",
        can_sign=(insp.status == InspectionStatus.FEEDBACK and my_role is not None
                  and my_role not in valid),
        sign_form=SignForm(initial={"content_hash": fb.content_hash}),
        signed_count=len(valid),
    )
    return context


@login_required
def feedback(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return render(request, "reports/feedback.html", _feedback_context(request, insp))


@login_required
@require_POST
def feedback_sign(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """Signs the list the user was shown: the form carries the hash they saw."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    fb = get_visible(user, FeedbackList.objects.select_related("inspection"), inspection=insp)
    form = SignForm(request.POST)
    try:
        if not form.is_valid():
            raise Conflict(_("签字信息不完整,请刷新页面后核对清单再签字。"))
        sig = services.feedback_sign(actor=user, feedback=fb,
                                     expected_hash=form.cleaned_data["content_hash"])
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        fb.refresh_from_db()
        if fb.completed_at:
            messages.success(request, _(
                "三方签字完成,巡察进入整改阶段;被巡察单位、纪委监委和组织部已收到通知。"))
        else:
            messages.success(request, _("已以“%(r)s”身份签字。") % {"r": sig.get_role_display()})
    return redirect("reports:feedback", inspection_id=insp.pk)


@login_required
def feedback_print(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    context = _feedback_context(request, insp)
    if context["fb"] is None:
        return redirect("reports:feedback", inspection_id=insp.pk)
    return render(request, "reports/print_feedback.html", context)


def _legacy(name: str) -> Any:
    """The links that services put in notifications (/inspections/<id>/report/ …)."""
    @login_required
    def view(request: AuthedRequest, inspection_id: int) -> HttpResponse:
        return redirect(name, inspection_id=inspection_id)
    return view


legacy_report = _legacy("reports:report")
legacy_feedback = _legacy("reports:feedback")
