"""The auditor's pages: the event list with filters, chain verification and export.

Only holders of ``audit.view_auditevent`` (the 安全审计员 role) get in; everyone else, the system
and security administrators included, gets a 403 that is itself logged (三员分立).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from xuncha.accounts.scope import require
from xuncha.audit import export, selectors
from xuncha.audit.actions import ACTION_GROUPS, ACTION_LABELS, action_label
from xuncha.audit.forms import EventFilterForm
from xuncha.audit.models import AuditEvent
from xuncha.audit.services import record
from xuncha.audit.verify import VerifyResult, verify_chain

PERM = "audit.view_auditevent"
PER_PAGE = 50


def _filtered(request: HttpRequest) -> tuple[EventFilterForm, dict[str, Any], Any]:
    form = EventFilterForm(request.GET)
    filters = form.filters()
    return form, filters, selectors.event_list(user=request.user, **filters)  # type: ignore[arg-type]


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    require(request.user, PERM)  # type: ignore[arg-type]
    form, filters, qs = _filtered(request)
    page = Paginator(selectors.events_for_page(qs), PER_PAGE).get_page(request.GET.get("page"))
    for ev in page.object_list:
        ev.action_label = action_label(ev.action)  # type: ignore[attr-defined]
        ev.changes_pretty = (  # type: ignore[attr-defined]
            json.dumps(ev.changes, ensure_ascii=False, indent=2, sort_keys=True)
            if ev.changes else ""
        )
    context = {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "action_choices": [
            *((code, f"{label}（全部）") for code, label in ACTION_GROUPS.items()),
            *ACTION_LABELS.items(),
        ],
    }
    return render(request, "audit/events.html", context)


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    require(request.user, PERM)  # type: ignore[arg-type]
    result = verify_chain()
    _record_verification(request, result)
    template = "audit/_verify_result.html" if request.htmx else "audit/verify.html"  # type: ignore[attr-defined]
    return render(request, template, {"result": result})


@login_required
@require_GET
def export_events(request: HttpRequest) -> HttpResponseBase:
    require(request.user, PERM)  # type: ignore[arg-type]
    _form, filters, qs = _filtered(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    # The trail as it stood when the auditor asked, without the row about this export.
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    qs = qs.filter(seq__lte=newest)
    record(
        actor=request.user,  # type: ignore[arg-type]
        action="audit.export",
        object_type="audit.auditevent",
        object_repr="审计日志",
        changes={"format": fmt, "rows": qs.count(),
                 "filters": {k: v for k, v in filters.items() if v}},
        request=request,
    )
    filename = "audit-" + timezone.now().strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        return export.csv_response(qs, filename)
    return export.xlsx_response(qs, filename)


def _record_verification(request: HttpRequest, result: VerifyResult) -> None:
    """The auditor's own operations are part of the trail too."""
    record(
        actor=request.user,  # type: ignore[arg-type]
        action="audit.verify",
        object_type="audit.chain",
        object_repr="审计链",
        changes={"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq,
                 "broken_id": result.broken_id, "reason": result.reason},
        request=request,
    )
