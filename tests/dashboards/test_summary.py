"""The summary behind the dashboards above county level: read only when it says exactly what the
live count says (as of when it was computed), never for a county, never when stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.dashboards.test_figures import PDF, _approved_plan
from xuncha.dashboards import breakdowns, registry, summary
from xuncha.dashboards.models import SummaryRun
from xuncha.dashboards.registry import Filters
from xuncha.findings.models import ProblemCategory
from xuncha.rectification import ledger
from xuncha.rectification.models import RectificationTask


def _close(world, task, side="east"):
    contact = world.users[f"{side}_contact"]
    ledger.progress_report(actor=contact, task=task, text="已全部整改完成", percent=100,
                           files=[SimpleUploadedFile("a.pdf", PDF)])
    ledger.task_request_closure(actor=contact, task=task, note="完成并有佐证")
    ledger.task_verify(actor=world.users[f"{side}_office"], task=task, method="document",
                       result="passed", note="材料齐全,予以销号")


@pytest.fixture
def city(world):
    east = _approved_plan(world, "east")
    west = _approved_plan(world, "west")
    _close(world, east.tasks.order_by("number").first())
    # One overdue task in the west.
    RectificationTask.objects.filter(pk=west.tasks.order_by("number").last().pk).update(
        deadline=timezone.localdate() - timedelta(days=3))
    return east, west


def _page(user, f, use_summary=True):
    tally = registry.Tally(user, f, "county", use_summary=use_summary)
    return tally, {"figures": registry.compute(user, f, tally=tally),
                   "by_category": breakdowns.by_category(user, f, tally=tally),
                   "by_place": breakdowns.by_place(user, f, "county", tally=tally)}


def _top_category():
    return ProblemCategory.objects.get(code="0203").parent


def test_without_a_summary_the_city_is_counted_live(world, city):
    tally, _data = _page(world.city_office, Filters())
    assert tally.computed_at is None


@pytest.mark.parametrize("filters", [
    {}, {"round_kind": "regular"}, {"round_kind": "special"}, {"unit_kind": "township"},
    {"category": "top"}, {"under": "city"},
])
def test_the_summary_says_what_the_live_count_says(world, city, filters):
    run = summary.refresh()
    assert run.cells > 0
    f = Filters(round_kind=filters.get("round_kind", ""), unit_kind=filters.get("unit_kind", ""),
                category_id=_top_category().pk if "category" in filters else None,
                under_id=world.units["city"].pk if "under" in filters else None)
    tally, from_summary = _page(world.city_office, f)
    assert tally.computed_at == run.computed_at
    _live_tally, live = _page(world.city_office, f, use_summary=False)
    assert from_summary == live
    if not filters:
        figs = from_summary["figures"]
        assert figs["problems_fed_back"]["numerator"] == 4
        assert (figs["rectification_rate"]["numerator"], figs["tasks_overdue"]["numerator"]) == (1, 1)
        assert figs["on_time_rate"]["denominator"] == 1
        assert len(from_summary["by_place"]) == 2


@pytest.mark.parametrize("case", ["county_user", "county_place", "subcategory", "term",
                                  "date", "team_member"])
def test_the_summary_is_not_used_where_it_cannot_be_exact(world, city, case):
    summary.refresh()
    user, f = world.city_office, Filters()
    if case == "county_user":
        user = world.east_office
    elif case == "county_place":
        f = Filters(under_id=world.units["east"].pk)
    elif case == "subcategory":
        f = Filters(category_id=ProblemCategory.objects.get(code="0203").pk)
    elif case == "term":
        f = Filters(term_id=world.terms["east"].pk)
    elif case == "date":
        f = Filters(date_from=timezone.localdate() - timedelta(days=400))
    elif case == "team_member":
        from xuncha.inspections.models import TeamMember

        team = RectificationTask.objects.first().plan.inspection.team
        TeamMember.objects.create(team=team, user=user, position="member")
    tally, _data = _page(user, f)
    assert tally.computed_at is None


def test_a_stale_summary_is_not_read(world, city):
    run = summary.refresh()
    SummaryRun.objects.filter(pk=run.pk).update(computed_at=run.computed_at - summary.MAX_AGE
                                                - timedelta(seconds=1))
    assert summary.latest() is None
    run = summary.refresh()
    SummaryRun.objects.filter(pk=run.pk).update(as_of=run.as_of - timedelta(days=1))
    assert summary.latest() is None
    assert _page(world.city_office, Filters())[0].computed_at is None


def test_changes_show_after_the_next_refresh_and_the_items_are_live(world, city):
    east, _west = city
    summary.refresh()
    _close(world, east.tasks.order_by("number").last())
    tally, data = _page(world.city_office, Filters())
    assert tally.computed_at is not None
    assert data["figures"]["problems_rectified"]["numerator"] == 1
    assert registry.items(world.city_office, "problems_rectified", Filters()).count() == 2
    summary.refresh()
    assert _page(world.city_office, Filters())[1]["figures"]["problems_rectified"]["numerator"] == 2


def test_only_the_latest_run_is_kept(world, city):
    summary.refresh()
    summary.refresh()
    assert SummaryRun.objects.count() == 1


def test_the_worker_job_refreshes_and_the_page_and_api_say_when(world, city, client_for):
    from xuncha.dashboards.tasks import refresh_summary

    c = client_for("city_office")
    assert c.get("/api/v1/dashboard").json()["computed_at"] is None
    assert "data-summary-at" not in c.get("/dashboards/").content.decode()
    result = refresh_summary.call()
    assert result["cells"] > 0
    api = c.get("/api/v1/dashboard").json()
    assert api["computed_at"] is not None
    page = c.get("/dashboards/").content.decode()
    assert "data-summary-at" in page and "统计汇总" in page
    # A county's page is always counted live.
    assert client_for("east_office").get("/api/v1/dashboard").json()["computed_at"] is None
