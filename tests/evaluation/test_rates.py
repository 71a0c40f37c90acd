"""The rate before and after summed over evaluations (the dashboards' figure) is exactly the sum of
``rate_before_after`` of each evaluation, in one query."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.evaluation.helpers import planned_evaluation
from tests.inspections.helpers import category
from xuncha.evaluation import services
from xuncha.evaluation.models import Evaluation
from xuncha.rectification import ledger
from xuncha.rectification.models import TaskStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def close(world, task):
    ledger.progress_report(actor=world.east_contact, task=task, text="已全部整改完成", percent=100,
                           files=[SimpleUploadedFile("a.pdf", PDF)])
    ledger.task_request_closure(actor=world.east_contact, task=task, note="完成并有佐证")
    ledger.task_verify(actor=world.east_office, task=task, method="document", result="passed",
                       note="材料齐全,予以销号")


def start(world, ev):
    services.evaluation_notify(actor=world.east_office, evaluation=ev)
    return services.evaluation_start(actor=world.east_jiwei, evaluation=ev)


def team(world):
    return [(world.east_jiwei, "discipline", []), (world.east_zzb, "organisation", []),
            (world.east_office, "office", [])]


def test_the_sum_over_evaluations_is_the_sum_of_each_evaluation(world):
    # Two inspections of the town (two plans, two problems each); the first is visited with none of
    # its problems rectified, and both are rectified after the visit.
    first = start(world, planned_evaluation(world))
    tasks = list(first.inspection.plan.tasks.order_by("number"))
    second = planned_evaluation(world)  # planned only: no visit yet, so no snapshot
    close(world, tasks[0])
    # A revisit of the whole county is made after that: its snapshot sees one of the four problems
    # rectified; a village with no problems is visited too (0/0).
    revisit = services.evaluation_plan(
        actor=world.east_office, unit=world.units["east"], is_revisit=True,
        visit_date=timezone.localdate() + timedelta(days=1), leader=world.east_office,
        members=team(world))
    revisit = start(world, revisit)
    village = services.evaluation_plan(
        actor=world.east_office, unit=world.units["east_village"], is_revisit=True,
        visit_date=timezone.localdate() + timedelta(days=1), leader=world.east_office,
        members=team(world))
    start(world, village)
    close(world, tasks[1])
    # A problem found on a visit comes after every visit: it moves no comparison.
    services.feed_back_finding(actor=world.east_office, unit=first.unit, category=category("0203"),
                               title="组织生活会材料雷同", facts="3名班子成员的对照检查材料内容雷同。")

    evs = Evaluation.objects.all()
    each = [services.rate_before_after(ev) for ev in evs.order_by("pk")]
    with CaptureQueriesContext(connection) as queries:
        total = services.rates_before_after(evs)
    assert len(queries) == 1, queries.captured_queries
    for side, rate in (("before", total.before), ("after", total.after)):
        assert rate.numerator == sum(r[side]["numerator"] for r in each), side
        assert rate.denominator == sum(r[side]["denominator"] for r in each), side
    assert total.evaluations == 4
    # Independently: first 0/2 → 2/2; second (no visit: today's rate over all of its unit) 2/5
    # counted as after only; the county revisit 1/4 → 2/4 (the finding came later); village 0/0.
    assert (total.before.numerator, total.before.denominator) == (1, 6)
    assert (total.after.numerator, total.after.denominator) == (2 + 2 + 2, 2 + 5 + 4)
    assert total.change == total.after.percent - total.before.percent

    # Row by row, the annotated rates are rate_before_after's.
    rows = {ev.pk: services.row_rates(ev) for ev in services.with_rates(evs)}
    assert [rows[ev.pk] for ev in evs.order_by("pk")] == each
    assert second.pk in rows and rows[second.pk]["before"]["denominator"] == 0
    assert first.inspection.plan.tasks.filter(status=TaskStatus.CLOSED).count() == 2
