"""Pages of the figures (issue "Figures leaders can trust"): the dashboard of the user's level, the
items behind every number, the Excel and CSV exports, and the "挂图作战" board.

Thin: parse the filters (forms.parse_filters), read through ``registry``/``breakdowns`` and
``views_data``, render. Every read is in the user's scope; a role without problems to read gets 403.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from xuncha.accounts.scope import require
from xuncha.core.errors import NotFound
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE, neutralise, write_rows
from xuncha.dashboards import breakdowns, registry, views_data
from xuncha.dashboards.forms import board_options, describe, parse_filters
from xuncha.dashboards.views_data import PERM
from xuncha.web.http import AuthedRequest

PAGE_SIZE = 50
RANKING_ROWS = 30  # rows of the ranking listed on the page when there are more than RANKING_MAX
RANKING_MAX = 40


def _query(f: registry.Filters, **extra: Any) -> str:
    q = {**f.as_query(), **{k: v for k, v in extra.items() if v not in (None, "")}}
    return urlencode(q)


def _chart_data(data: dict[str, Any], view: views_data.ViewLevel) -> dict[str, Any]:
    """What dashboards.js draws, as plain JSON (rendered with json_script, never executed)."""
    ev = data["evaluations"]
    places = data["by_place"][:20]
    return {
        "trend": {"months": [t["month"] for t in data["trend"]],
                  "fed_back": [t["fed_back"] for t in data["trend"]],
                  "closed": [t["closed"] for t in data["trend"]]},
        "category": {"names": [c["category"] for c in data["by_category"]],
                     "fed_back": [c["fed_back"] for c in data["by_category"]],
                     "rectified": [c["rectified"] for c in data["by_category"]]},
        "place": {"label": view.place_label, "names": [r["name"] or "—" for r in places],
                  "rate": [r["rate"] for r in places],
                  "overdue": [r["overdue"] for r in places]},
        "leads": {"names": [r["label"] for r in data["leads"]["rows"]],
                  "average": [r["average"] for r in data["leads"]["rows"]]},
        "grades": [{"name": g["label"], "value": g["count"]} for g in ev["grade_rows"]],
    }


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """数据看板: key figures as cards, trend, breakdowns and rankings for the user's level."""
    user = request.user
    require(user, PERM)
    form, f, view = parse_filters(user, request.GET)
    data = views_data.dashboard(user, f, view)
    cover = views_data.coverage(user, view, f)
    timely = views_data.timeliness(user, view)
    # A county of 1,500 units would render 1,500 ranking rows: the page lists the first ones and
    # links to the whole ranking (the Excel export always has it).
    places = data["by_place"]
    cut = len(places) > RANKING_MAX and request.GET.get("ranking") != "all"
    return render(request, "dashboards/index.html", {
        "ranking": places[:RANKING_ROWS] if cut else places, "ranking_cut": cut,
        "form": form, "filters": f, "view": view, "data": data, "cover": cover,
        "timely": timely, "query": _query(f), "filters_text": describe(form, f),
        "charts": _chart_data(data, view),
        "filtered": any(v not in (None, "") for v in f.as_query().values()),
    })


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    """The figures and breakdowns of the page, in Excel (text cells neutralised)."""
    user = request.user
    require(user, PERM)
    form, f, view = parse_filters(user, request.GET)
    data = views_data.dashboard(user, f, view)
    rows = views_data.workbook_rows(view, describe(form, f), data,
                                    views_data.coverage(user, view, f),
                                    views_data.timeliness(user, view))
    body = write_rows(_("巡察整改统计"), views_data.SHEET_HEADERS, rows,
                      widths=(14, 30, 14, 12, 12, 12, 12))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    name = _("巡察整改统计_%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")}
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _items(request: AuthedRequest, key: str) -> tuple[Any, ...]:
    user = request.user
    require(user, PERM)
    fig = registry.BY_KEY.get(key)
    part = request.GET.get("part") or "numerator"
    if fig is None or part not in ("numerator", "denominator") or (
            part == "denominator" and fig.denominator is None):
        raise NotFound()
    form, f, view = parse_filters(user, request.GET)
    qs = registry.items(user, key, f, part)
    qs, place = views_data.narrow_to_place(qs, request.GET, request.user)
    return fig, part, form, f, view, qs, place


@login_required
def items(request: AuthedRequest, key: str) -> HttpResponse:
    """The items behind one number: exactly ``registry.items`` for the same filters."""
    fig, part, form, f, view, qs, place = _items(request, key)
    model_name = fig.model_name
    total_amount = None
    if fig.amount_field:
        total_amount = qs.aggregate(s=Sum(fig.amount_field))["s"] or Decimal("0")
    page = Paginator(views_data.prepare(qs, model_name), PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    soon = views_data.soon_days(page.object_list, model_name)
    rows = [views_data.item_row(obj, model_name, today, soon) for obj in page.object_list]
    columns = views_data.item_columns(model_name)
    for r in rows:
        for cell, label in zip(r["cells"], columns, strict=False):
            cell["label"] = label
    if model_name == "leads.Lead":
        views_data.audit_lead_read(request.user, key, [r["id"] for r in rows], request)
    place_q = {k: request.GET.get(k) for k in ("place_unit", "place_county")
               if request.GET.get(k)}
    other = None
    if fig.denominator is not None:
        other_part = "denominator" if part == "numerator" else "numerator"
        other = f"{reverse('dashboards:items', args=[key])}?{_query(f, part=other_part, **place_q)}"
    part_label = (_("分子") if part == "numerator" else _("分母")) if fig.denominator else ""
    return render(request, "dashboards/items.html", {
        "fig": fig, "part": part, "part_label": part_label, "form": form, "filters": f,
        "view": view, "page": page, "rows": rows, "columns": columns,
        "count": page.paginator.count, "total_amount": total_amount,
        "total_amount_text": views_data.money(total_amount) if total_amount is not None else "",
        "place": place, "other_url": other, "filters_text": describe(form, f),
        "dashboard_url": f"{reverse('dashboards:index')}?{_query(f)}",
        "csv_url": f"{reverse('dashboards:items_csv', args=[key])}?"
                   f"{_query(f, part=part, **place_q)}",
        "definition": _definition(fig, part),
    })


def _definition(fig: registry.FigureDef, part: str) -> str:
    if fig.denominator is None:
        return fig.definition
    num, _sep, den = fig.definition.rstrip("。").partition(" / ")
    return (num if part == "numerator" else den) or fig.definition


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def items_csv(request: AuthedRequest, key: str) -> StreamingHttpResponse:
    """The same items as CSV (UTF-8 with BOM for Excel; text that could run as a formula is
    neutralised)."""
    fig, _part, _form, _f, _view, qs, _place = _items(request, key)
    model_name = fig.model_name
    objs = list(views_data.prepare(qs, model_name)) if model_name == "leads.Lead" else None
    if objs is not None:
        views_data.audit_lead_read(request.user, key, [o.pk for o in objs], request)
    today = timezone.localdate()
    soon = breakdowns.due_soon_days(set(qs.order_by().values_list("county_id", flat=True).distinct())
                                    ) if model_name == "rectification.RectificationTask" else {}

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(views_data.item_columns(model_name))
        source = objs if objs is not None else views_data.prepare(qs, model_name).iterator(
            chunk_size=1000)
        for obj in source:
            row = views_data.item_row(obj, model_name, today, soon)
            yield writer.writerow([neutralise(c["text"]) for c in row["cells"]])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"{fig.label}_{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """挂图作战: one row per unit, one cell per task, coloured by state; re-rendered every 30 s."""
    user = request.user
    require(user, PERM)
    form, f, view = parse_filters(user, request.GET)
    options, group_by, state = board_options(request.GET)
    result = views_data.board(user, f, group_by, state)
    legend = views_data.legend(result["counts"])
    for item in legend:
        item["url"] = "?" + _query(f, group_by=group_by, state=item["state"])
        item["current"] = item["state"] == state
    context: dict[str, Any] = {
        "form": form, "options": options, "filters": f, "view": view, "group_by": group_by,
        "state": state, "board": result, "legend": legend,
        "filters_text": describe(form, f), "now": timezone.localtime(),
        "query": _query(f, group_by=group_by, state=state),
        "dashboard_url": f"{reverse('dashboards:index')}?{_query(f)}",
        "group_links": [{"value": v, "label": lbl, "url": "?" + _query(f, group_by=v, state=state),
                         "current": v == group_by}
                        for v, lbl in (("round", _("按轮次")), ("leader", _("按责任领导")))],
        "all_states_url": "?" + _query(f, group_by=group_by),
    }
    template = "dashboards/_board.html" if request.htmx else "dashboards/board.html"
    return render(request, template, context)
