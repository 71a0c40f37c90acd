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


def _approved_plan(world, side):
    from datetime import timedelta

    from tests.evaluation.helpers import GOOD
    from tests.inspections.helpers import rectifying_inspection
    from xuncha.rectification import plans
    from xuncha.rectification.models import ReviewDecision

    insp, problems = rectifying_inspection(world, f"{side}_town", side)
    contact = world.users[f"{side}_contact"]
    plan = plans.plan_open(actor=contact, inspection=insp, first_responsible=world.users[f"{side}_head"],
                           group_leader="镇党委书记")
    for p in problems:
        plans.task_add(actor=contact, plan=plan, problem=p, measure=GOOD, kind="deadline",
                       deadline=plan.period_start + timedelta(days=30), responsible_leader="书记",
                       responsible_person="主任")
    plans.plan_submit(actor=contact, plan=plan)
    for who in ("office", "jiwei", "zzb"):
        plans.plan_review(actor=world.users[f"{side}_{who}"], plan=plan, decision=ReviewDecision.APPROVE)
    plan.refresh_from_db()
    return plan


def test_the_board_keeps_the_rounds_of_two_counties_apart(world):
    _approved_plan(world, "east")
    _approved_plan(world, "west")
    groups = breakdowns.board(world.city_office, Filters())
    labels = [g["group"] for g in groups]
    # Both counties are in their first round: two groups, each named with its county.
    assert sorted(label.split(" · ")[0] for label in labels) == ["东湖区", "西山县"], labels
    assert all(label.endswith("十二届第1轮常规巡察") for label in labels)
    assert all(len(g["rows"]) == 1 and len(g["rows"][0]["cells"]) == 2 for g in groups)
    by_leader = breakdowns.board(world.city_office, Filters(), group_by="leader")
    assert sorted(g["group"] for g in by_leader) == ["东湖区 · 书记", "西山县 · 书记"]
    # Within one county the labels need no county.
    (only,) = breakdowns.board(world.east_office, Filters())
    assert not only["group"].startswith("东湖区 ·") and "第1轮" in only["group"]


def test_the_board_uses_the_committees_due_soon_window(world):
    from datetime import timedelta

    from django.utils import timezone

    from xuncha.organisations.models import CommitteeRules
    from xuncha.rectification.models import RectificationTask

    plan = _approved_plan(world, "east")
    RectificationTask.objects.filter(plan=plan).update(
        deadline=timezone.localdate() + timedelta(days=10), status="in_progress")
    states = {c["state"] for g in breakdowns.board(world.east_office, Filters())
              for r in g["rows"] for c in r["cells"]}
    assert states == {"on_track"}
    CommitteeRules.objects.create(committee=world.units["east"], due_soon_days=14)
    states = {c["state"] for g in breakdowns.board(world.east_office, Filters())
              for r in g["rows"] for c in r["cells"]}
    assert states == {"due_soon"}


def test_task_figures_leave_out_the_tasks_of_plans_not_yet_approved(world):
    from datetime import timedelta

    from tests.evaluation.helpers import GOOD
    from tests.inspections.helpers import rectifying_inspection
    from xuncha.rectification import plans
    from xuncha.rectification.models import RectificationTask

    insp, problems = rectifying_inspection(world)
    plan = plans.plan_open(actor=world.east_contact, inspection=insp, first_responsible=world.east_head,
                           group_leader="镇党委书记")
    plans.task_add(actor=world.east_contact, plan=plan, problem=problems[0], measure=GOOD,
                   kind="deadline", deadline=plan.period_start + timedelta(days=30),
                   responsible_leader="书记", responsible_person="主任")
    RectificationTask.objects.filter(plan=plan).update(deadline=insp.unit.created_at.date() - timedelta(days=1))
    assert RectificationTask.objects.count() == 1
    assert registry.compute(world.east_office, Filters())["tasks_overdue"]["numerator"] == 0
    assert registry.items(world.east_office, "tasks_overdue", Filters()).count() == 0
    assert breakdowns.board(world.east_office, Filters()) == []


def test_a_problem_filed_under_a_top_level_category_is_counted_under_it(world, county):
    from xuncha.findings.models import ProblemCategory

    problem = Problem.objects.order_by("pk").first()
    top = ProblemCategory.objects.get(pk=problem.category.parent_id)
    Problem.objects.filter(pk=problem.pk).update(category=top)  # as a record imported from paper
    cats = breakdowns.by_category(world.east_office, Filters())
    assert [(c["id"], c["category"], c["fed_back"]) for c in cats] == [(top.pk, top.name, 2)]
    assert "未分类" not in {c["category"] for c in cats}
    items = registry.items(world.east_office, "problems_fed_back", Filters(category_id=top.pk))
    assert items.count() == 2
