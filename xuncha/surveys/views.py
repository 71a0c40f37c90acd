"""Pages of the anonymous satisfaction survey (满意度测评).

The office's pages (open, print codes, type in paper forms, results, close) are ordinary signed-in
pages, read through the scope check and audited by the services. The public answering page is
different on purpose (security.md, "anonymous surveys"): no login, no session, no cookie, no
messages, no audit row — nothing that could tie an answer to the request that carried it. The
one-time code is the only credential and it is checked by ``services.answer_submit``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts import scope
from xuncha.accounts.scope import get_visible, has
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.evaluation.models import Evaluation
from xuncha.surveys import services
from xuncha.surveys.forms import SLIPS_PER_PAGE, AnswersForm, CodesForm, PublicAnswerForm
from xuncha.surveys.models import ResponseSource, Survey, SurveyStatus
from xuncha.web.forms import apply_service_errors, posted
from xuncha.web.http import AuthedRequest

MANAGE = "surveys.manage_survey"


def _survey(user: Any, pk: int) -> Survey:
    return get_visible(user, Survey.objects.select_related("unit", "evaluation",
                                                           "evaluation__unit"), pk=pk)


def public_url(request: HttpRequest, survey: Survey, code: str = "") -> str:
    """The absolute answering address printed on the slips: https, except on a plain-http
    development server (DEBUG), where a phone on the same network can still open it."""
    path = reverse("survey_public:answer", args=[survey.slug])
    if code:
        path += "?" + urlencode({"c": code})
    url = request.build_absolute_uri(path)
    if not (settings.DEBUG and not request.is_secure()):
        url = "https://" + url.split("://", 1)[1]
    return url


# segno writes width/height but no viewBox; with one the code scales to the slip in print.
_SVG_SIZE = re.compile(r'^<svg width="(\d+)" height="(\d+)"')


def _qr(url: str) -> str:
    svg = _SVG_SIZE.sub(r'<svg viewBox="0 0 \1 \2" width="\1" height="\2" aria-hidden="true"',
                        services.qr_svg(url), count=1)
    return mark_safe(svg)  # noqa: S308 - segno's own drawing of our URL: paths only, no text


# --- the office's pages ----------------------------------------------------------------------

@login_required
@require_POST
def open_survey(request: AuthedRequest, evaluation_id: int) -> HttpResponse:
    ev = get_visible(request.user, Evaluation.objects.select_related("unit"), pk=evaluation_id)
    survey = services.survey_open(actor=request.user, evaluation=ev)
    messages.success(request, _("已开启满意度测评。请生成测评码并打印纸条,现场一人一张。"))
    return redirect("surveys:detail", survey_id=survey.pk)


@login_required
def detail(request: AuthedRequest, survey_id: int) -> HttpResponse:
    user = request.user
    survey = _survey(user, survey_id)
    r = services.results(survey)
    return render(request, "surveys/detail.html", {
        "survey": survey, "ev": survey.evaluation, "r": r,
        "url": public_url(request, survey), "can_manage": has(user, MANAGE, survey.unit),
        "is_open": survey.status == SurveyStatus.OPEN,
    })


@login_required
def codes(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Issues one-time codes and shows them on a printable sheet of slips — on this response only:
    the database keeps a keyed digest of each code, never the code."""
    user = request.user
    survey = _survey(user, survey_id)
    scope.require(user, MANAGE, survey.unit)
    form = CodesForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.codes_issue(actor=user, survey=survey,
                                          count=form.cleaned_data["count"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            slips = [{"code": c, "first": c[:5], "second": c[5:],
                      "svg": _qr(public_url(request, survey, c))} for c in issued]
            pages = [slips[i:i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
            response = render(request, "surveys/code_sheet.html", {
                "survey": survey, "pages": pages, "count": len(issued),
                "url": public_url(request, survey),
            })
            # The codes exist nowhere else: keep them out of every cache.
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "surveys/codes_form.html", {
        "survey": survey, "ev": survey.evaluation, "form": form,
        "r": services.results(survey),
    }, status=422 if form.errors else 200)


@login_required
def paper(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Types in one paper form at a time; counted the same way as the online answers."""
    user = request.user
    survey = _survey(user, survey_id)
    scope.require(user, MANAGE, survey.unit)
    form = AnswersForm(posted(request), questions=survey.questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_enter(actor=user, survey=survey, answers=form.answers())
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            n = survey.responses.filter(source=ResponseSource.PAPER).count()
            messages.success(request, _("已录入 1 份纸质测评表(纸质共 %(n)d 份)。请录入下一份。")
                             % {"n": n})
            return redirect("surveys:paper", survey_id=survey.pk)
    return render(request, "surveys/paper.html", {
        "survey": survey, "ev": survey.evaluation, "form": form,
        "is_open": survey.status == SurveyStatus.OPEN,
        "paper_count": survey.responses.filter(source=ResponseSource.PAPER).count(),
    }, status=422 if form.errors else 200)


def areas(r: services.SurveyResults) -> list[dict[str, Any]]:
    """Satisfaction (满意 + 比较满意) by area, over the rating questions of each area."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    order: list[str] = []
    for q in r.by_question:
        if "satisfied" not in q:
            continue
        area = q["area"] or q["text"]
        if area not in sums:
            order.append(area)
        sums[area][0] += q["satisfied"]
        sums[area][1] += q["total"]
    return [{"area": a, "satisfied": sums[a][0], "total": sums[a][1],
             "percent": round(100 * sums[a][0] / sums[a][1], 2) if sums[a][1] else None}
            for a in order]


@login_required
def results(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Counts by option, satisfaction by area, comments — nothing below the minimum count."""
    survey = _survey(request.user, survey_id)
    r = services.results(survey)
    return render(request, "surveys/results.html", {
        "survey": survey, "ev": survey.evaluation, "r": r, "areas": areas(r) if r.visible else [],
    })


@login_required
@require_POST
def close(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request.user, survey_id)
    if survey.status == SurveyStatus.OPEN:
        services.survey_close(actor=request.user, survey=survey)
        messages.success(request, _("测评已结束,测评码不再有效。"))
    return redirect("surveys:detail", survey_id=survey.pk)


# --- the public answering page ---------------------------------------------------------------

def _public(request: HttpRequest, template: str, context: dict[str, Any],
            status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The address carries the code: keep the page out of caches and out of Referer headers.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# CSRF: exempt on purpose. CSRF protects a credential the browser sends by itself (a session
# cookie); this form has none — its only credential is the one-time code typed into the body,
# which a forging site cannot know, and a forged post with the forger's own code is no more than
# the forger answering. Exempting also means the page sets no cookie at all (a CSRF cookie is
# random and unlinked, but a cookie-free page is simpler to reason about and works in in-app
# browsers that drop cookies).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Anonymous answering: no login, prefilled code from ?c=, every question on one page.

    Writes nothing but the answer (services.answer_submit): no audit call, no messages, no session.
    An unknown or closed survey is answered here with a 404 page rather than by raising, because
    the error middleware would write the refusal, with the address, to the audit trail.
    """
    survey = Survey.objects.filter(slug=slug, status=SurveyStatus.OPEN).first()
    if survey is None:
        return _public(request, "surveys/public_closed.html", {}, status=404)
    data = request.POST if request.method == "POST" else None
    form = PublicAnswerForm(data, questions=survey.questions,
                            initial={"code": request.GET.get("c", "")[:20]})
    if data is not None and form.is_valid():
        try:
            services.answer_submit(slug=slug, code=form.cleaned_data["code"],
                                   answers=form.answers())
        except ValidationFailed as exc:
            # The refusal as the service words it ("该测评码已经使用过…"), and each question or
            # the code marked where it is; what was answered stays selected.
            form.add_error(None, exc.message)
            for d in exc.details or []:
                if isinstance(d, dict) and d.get("message") and d.get("field") in form.fields:
                    form.add_error(d["field"], str(d["message"]))
        else:
            return redirect("survey_public:thanks", slug=slug)
    return _public(request, "surveys/public_answer.html", {
        "survey": survey, "form": form, "missing": form.missing() if form.errors else [],
    }, status=422 if form.errors else 200)


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = Survey.objects.filter(slug=slug).only("title").first()
    return _public(request, "surveys/public_thanks.html", {"survey": survey})
