"""The figures, the items behind them and the board as JSON — the same filters (forms.parse_filters),
the same scope and the same numbers as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from django.http import HttpRequest
from ninja import Query, Router, Schema

from xuncha.accounts.scope import require
from xuncha.api.schemas import ErrorOut
from xuncha.core.errors import NotFound
from xuncha.dashboards import registry, views_data
from xuncha.dashboards.forms import parse_filters
from xuncha.dashboards.views_data import PERM

if TYPE_CHECKING:
    from xuncha.accounts.models import User

router = Router(tags=["统计"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FiltersIn(Schema):
    under_id: int | None = None
    term_id: int | None = None
    round_id: int | None = None
    round_kind: str = ""
    team_id: int | None = None
    unit_kind: str = ""
    category_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict[str, str]:
        return {k: v.isoformat() if isinstance(v, date) else str(v)
                for k, v in self.dict().items() if v not in (None, "")}


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    numerator: float | int
    denominator: int | None
    percent: float | None
    definition: str


class RateOut(Schema):
    numerator: int
    denominator: int
    percent: float | None


class EvaluationOutcomesOut(Schema):
    count: int
    grades: dict[str, int]
    second_rectification: int
    rate_before: RateOut
    rate_after: RateOut
    rate_change: float | None


class DashboardOut(Schema):
    level: str
    scope: str
    # When the problem and task figures were counted, if they come from the worker's summary
    # (above county level, refreshed every few minutes); null when counted for this request.
    computed_at: datetime | None = None
    filters: dict[str, str]
    figures: list[FigureOut]
    by_category: list[dict[str, Any]]
    by_place: list[dict[str, Any]]
    place_group: str
    trend: list[dict[str, Any]]
    leads_by_round_kind: dict[str, Any]
    evaluation_outcomes: EvaluationOutcomesOut


class ItemOut(Schema):
    id: int
    label: str


class ItemsOut(Schema):
    key: str
    part: str
    count: int
    total_amount: float | None = None
    items: list[ItemOut]


class CellOut(Schema):
    id: int
    label: str
    title: str
    state: str
    deadline: date | None
    progress: int


class BoardRowOut(Schema):
    unit: str
    cells: list[CellOut]


class BoardGroupOut(Schema):
    group: str
    rows: list[BoardRowOut]


class BoardOut(Schema):
    group_by: str
    counts: dict[str, int]
    total: int
    too_many: bool
    groups: list[BoardGroupOut]


def _reader(request: HttpRequest) -> User:
    """The signed-in user (the API's auth ran), allowed to read figures or refused with 403."""
    user = cast("User", request.user)
    require(user, PERM)
    return user


def _number(value: Any, amount: bool) -> float | int:
    return float(value) if amount else int(value)


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, summary="数据看板:指标与分类统计")
def dashboard(request: HttpRequest, q: Query[FiltersIn]) -> object:
    user = _reader(request)
    _form, f, view = parse_filters(user, q.params())
    data = views_data.dashboard(user, f, view)
    places = [{k: v for k, v in r.items() if not k.endswith("_url")} for r in data["by_place"]]
    ev = data["evaluations"]
    return {
        "level": view.level, "scope": view.title, "filters": f.as_query(),
        "computed_at": data["computed_at"],
        "figures": [{**c, "numerator": _number(c["numerator"], c["is_amount"]),
                     "percent": float(c["percent"]) if c["percent"] is not None else None}
                    for c in data["cards"]],
        "by_category": [{k: v for k, v in r.items() if not k.endswith("_url")}
                        for r in data["by_category"]],
        "by_place": places,
        "place_group": view.place_group, "trend": data["trend"],
        "leads_by_round_kind": {k: v for k, v in data["leads"].items() if k != "rows"},
        "evaluation_outcomes": {
            "count": ev["count"], "grades": ev["grades"],
            "second_rectification": ev["second_rectification"],
            # Summed over every reported evaluation in scope: the rate kept at the visits, and
            # today's over the problems that existed then (docs/figures.md).
            "rate_before": ev["before_rate"].as_dict(), "rate_after": ev["after_rate"].as_dict(),
            "rate_change": float(ev["change"]) if ev["change"] is not None else None},
    }


@router.get("/dashboard/items/{key}", response={200: ItemsOut, **ERRORS},
            summary="指标明细:分子或分母所统计的事项(分页)")
def dashboard_items(request: HttpRequest, key: str, q: Query[FiltersIn],
                    part: Literal["numerator", "denominator"] = "numerator",
                    limit: int = Query(50, ge=1, le=500),  # type: ignore[assignment]
                    offset: int = Query(0, ge=0)) -> object:  # type: ignore[assignment]
    user = _reader(request)
    fig = registry.BY_KEY.get(key)
    if fig is None or (part == "denominator" and fig.denominator is None):
        raise NotFound()
    _form, f, _view = parse_filters(user, q.params())
    qs = registry.items(user, key, f, part)
    total_amount = None
    if fig.amount_field:
        from django.db.models import Sum

        total_amount = float(qs.aggregate(s=Sum(fig.amount_field))["s"] or 0)
    count = qs.count()
    rows = list(views_data.prepare(qs, fig.model_name)[offset:offset + limit])
    if fig.model_name == "leads.Lead":
        views_data.audit_lead_read(user, key, [r.pk for r in rows], request)
    return {"key": key, "part": part, "count": count, "total_amount": total_amount,
            "items": [{"id": r.pk, "label": views_data.item_label(r, fig.model_name)}
                      for r in rows]}


@router.get("/board", response={200: BoardOut, **ERRORS}, summary="挂图作战:按单位排列的整改任务")
def board(request: HttpRequest, q: Query[FiltersIn],
          group_by: Literal["round", "leader"] = "round",
          state: Literal["", "closed", "on_track", "due_soon", "overdue", "not_started"] = ""
          ) -> object:
    user = _reader(request)
    _form, f, _view = parse_filters(user, q.params())
    result = views_data.board(user, f, group_by, state)
    return {"group_by": group_by, "counts": result["counts"], "total": result["total"],
            "too_many": result["too_many"], "groups": result["groups"]}
