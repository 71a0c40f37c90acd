"""Every figure agrees with an independent count, and its items are exactly what it counts, in
every scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evaluation.helpers import approved_plan
from xuncha.dashboards import breakdowns, registry
from xuncha.dashboards.registry import Filters
from xuncha.findings.models import Problem
from xuncha.rectification import ledger

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def county(world):
    plan = approved_plan(world)
    task = plan.tasks.order_by("number").first()
    ledger.progress_report(actor=world.east_contact, task=task, text="已全部整改完成", percent=100,
                           files=[SimpleUploadedFile("a.pdf", PDF)])
    ledger.task_request_closure(actor=world.east_contact, task=task, note="完成并有佐证")
    ledger.task_verify(actor=world.east_office, task=task, method="document", result="passed",
                       note="材料齐全,予以销号")
    return plan


def test_rectification_rate_numerator_and_denominator(world, county):
    figs = registry.compute(world.east_office, Filters())
    r = figs["rectification_rate"]
    assert (r["numerator"], r["denominator"], str(r["percent"])) == (1, 2, "50.00")
    assert figs["problems_fed_back"]["numerator"] == 2


@pytest.mark.parametrize("who", ["east_office", "east_director", "east_leadership", "east_jiwei",
                                 "east_contact", "city_office", "west_office", "auditor"])
def test_clicking_through_lists_exactly_the_counted_items(world, county, who):
    user = world.users[who]
    for key, fig in registry.compute(user, Filters()).items():
        rows = registry.items(user, key, Filters())
        if registry.BY_KEY[key].amount_field:
            assert sum((r.amount for r in rows), 0) == fig["numerator"], key
        else:
            assert rows.count() == fig["numerator"], key
        if fig["denominator"] is not None:
            assert registry.items(user, key, Filters(), "denominator").count() == \
                fig["denominator"], key


def test_outsiders_count_nothing(world, county):
    for who in ("west_office", "auditor", "sysadmin"):
        figs = registry.compute(world.users[who], Filters())
        assert figs["problems_fed_back"]["numerator"] == 0


def test_filters_narrow_the_figures(world, county):
    f = Filters(under_id=world.units["east_village"].pk)
    assert registry.compute(world.east_office, f)["problems_fed_back"]["numerator"] == 0
    f = Filters(round_id=county.inspection.round_id)
    assert registry.compute(world.east_office, f)["problems_fed_back"]["numerator"] == 2


def test_breakdowns_and_board(world, county):
    cats = breakdowns.by_category(world.east_office, Filters())
    assert cats[0]["fed_back"] == 2
    places = breakdowns.by_place(world.east_office, Filters())
    assert places[0]["name"] == county.unit.name and places[0]["rate"] == 50.0
    groups = breakdowns.board(world.east_office, Filters())
    counts = breakdowns.board_counts(groups)
    assert counts.get("closed") == 1 and sum(counts.values()) == 2
    assert Problem.objects.count() == 2
