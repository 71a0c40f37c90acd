"""The bench tooling at small scale: the generator's data reads correctly, the hand-written SQL of
the benchmark gives exactly the application's figures, and every operation produces numbers.

No timing is asserted anywhere: the numbers are for `make bench` to print, not for tests to judge.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from xuncha.bench import baseline, measure
from xuncha.bench.generator import COUNTY_USER, IMPORT_USER, PROVINCE_USER, generate
from xuncha.dashboards import figures
from xuncha.findings.models import Problem
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.rectification.models import RectificationTask, TaskStatus

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def small(db):
    return generate("small", seed=3)


def test_small_scale_has_every_stage_and_consistent_denormalisations(small):
    assert small.counts["problems"] > 500 and small.counts["tasks"] > 1000
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert set(InspectionStatus.values) <= statuses
    tasks = dict(RectificationTask.objects.values_list("status").annotate(n=Count("id")))
    assert set(tasks) == set(TaskStatus.values)
    assert tasks[TaskStatus.CLOSED] > sum(tasks.values()) / 2  # most tasks closed
    today = timezone.localdate()
    open_tasks = RectificationTask.objects.exclude(status=TaskStatus.CLOSED)
    assert open_tasks.filter(deadline__lt=today).exists()  # some overdue
    assert open_tasks.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7)).exists()
    assert not RectificationTask.objects.filter(status=TaskStatus.CLOSED, closed_at=None).exists()
    assert not open_tasks.exclude(closed_at=None).exists()
    # Plans still in review have tasks, which the ledger (approved plans only) leaves out.
    assert RectificationTask.objects.exclude(plan__status="approved").exists()
    # Paths, counties and the problems' and tasks' copies of them agree.
    for u in Unit.objects.filter(level__gt=UnitLevel.COUNTY).select_related("parent")[:200]:
        assert u.path == f"{u.parent.path}{u.pk}/" and u.county_id == u.parent.county_id
    assert not Problem.objects.exclude(county_id=F("unit__county_id")).exists()
    assert not RectificationTask.objects.exclude(unit_id=F("problem__unit_id")).exists()
    assert not RectificationTask.objects.exclude(county_id=F("unit__county_id")).exists()
    # The import target: on site, empty, led by the importer.
    insp = Inspection.objects.get(team__members__user__username=IMPORT_USER,
                                  team__members__position="leader",
                                  status=InspectionStatus.ON_SITE, problems__isnull=True)
    assert insp.unit.county_id is not None


def test_same_seed_same_rows(db):
    first = generate("small", seed=5, today=timezone.localdate())
    rows = list(RectificationTask.objects.order_by("id").values_list(
        "problem__title", "status", "deadline", "closed_at")[:300])
    from django.db import connection

    if connection.vendor == "postgresql":
        # Deferred foreign-key checks still pending in the test's transaction block TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    from xuncha.findings.categories import ensure_default_categories
    from xuncha.findings.models import ProblemCategory

    ensure_default_categories(ProblemCategory)
    second = generate("small", seed=5, today=timezone.localdate())
    assert first.counts == second.counts
    assert rows == list(RectificationTask.objects.order_by("id").values_list(
        "problem__title", "status", "deadline", "closed_at")[:300])


def test_refuses_a_database_with_other_data(small):
    with pytest.raises(CommandError, match="已有单位"):
        call_command("bench_data", "--scale", "small", stdout=StringIO())


@pytest.mark.parametrize(("username", "group"), [(COUNTY_USER, "unit"), (PROVINCE_USER, "county")])
def test_hand_written_sql_gives_the_applications_figures(small, username, group):
    equal, diff = measure.dashboards_equal(username, group)
    assert equal, diff
    # And the figures are not trivially zero.
    sql = baseline.dashboard(measure.dashboard_scope(username), group)
    f = sql["figures"]
    assert 0 < f["problems_rectified"] < f["problems_fed_back"] < f["problems_found"]
    assert f["tasks_overdue"] > 0 and 0 < f["on_time_rate"][0] < f["on_time_rate"][1]
    assert f["institutions"] > 0 and f["funds_recovered"] > 0
    assert len(sql["by_category"]) == 3 and sql["by_place"]


def test_on_time_counts_the_local_date_of_closing(small):
    """A task closed at 00:30 Beijing time is stored the evening before in UTC; it is on time if
    the local date is within the deadline — the SQL and the figure agree on that."""
    task = RectificationTask.objects.filter(status=TaskStatus.CLOSED).exclude(deadline=None).first()
    local = timezone.localtime(task.closed_at).replace(hour=0, minute=30)
    RectificationTask.objects.filter(pk=task.pk).update(
        closed_at=local, deadline=local.date())
    assert figures.closed_on_time(RectificationTask.objects.filter(pk=task.pk)).exists()
    RectificationTask.objects.filter(pk=task.pk).update(deadline=local.date() - timedelta(days=1))
    assert not figures.closed_on_time(RectificationTask.objects.filter(pk=task.pk)).exists()
    assert measure.dashboards_equal(COUNTY_USER, "unit")[0]


@pytest.mark.parametrize("status", ["overdue", "due_soon", "open", "closed", "in_progress", ""])
def test_hand_written_ledger_page_is_the_selectors_page(small, status):
    equal, diff = measure.ledger_equal(COUNTY_USER, status)
    assert equal, diff


@pytest.mark.parametrize("role", ["city_office", "unit_head", "unit_contact", "self", "custom"])
def test_hand_written_ledger_scope_is_the_applications(small, role):
    """baseline.ledger_scope_sql against the scope check, for every kind of data scope: the whole
    tree below a province or city office, a subtree below county level (a unit's head), one unit
    (its contact), one's own tasks and a custom set of units (roles made for the test)."""
    from django.contrib.auth.models import Permission

    from xuncha.accounts.models import Role, RoleAssignment, User

    if role in ("self", "custom"):
        made = Role.objects.create(code=f"bench-{role}", name=role, data_scope=role)
        made.permissions.add(Permission.objects.get(codename="view_rectificationtask"))
        user = User.objects.filter(assignments__isnull=True).first() or User.objects.create(
            username="bench-scope", name="范围", unit=RectificationTask.objects.first().unit)
        assignment = RoleAssignment.objects.create(user=user, role=made)
        tasks = RectificationTask.objects.filter(plan__status="approved")
        if role == "custom":
            assignment.custom_units.set(tasks.values_list("unit_id", flat=True).distinct()[:3])
        else:
            tasks.filter(pk__in=list(tasks.values_list("pk", flat=True)[:5])).update(
                responsible_user=user)
    else:
        user = User.objects.filter(assignments__role__code=role).order_by("id").first()
    for status in ("", "open"):
        equal, diff = measure.ledger_equal(user.username, status)
        assert equal, (status, diff)
    assert baseline.ledger_page(user.pk, "")[0] > 0


def test_in_process_operations_produce_numbers(small):
    results = measure.run("small", ["county_dashboard", "province_dashboard", "ledger", "import"],
                          log=lambda _m: None)
    assert [r.n for r in results] == [3, 3, 5, 1]
    for r in results:
        assert r.passed or "DIFFER" not in " ".join(r.notes), r.notes
        for v in (r.p50, r.p95, r.base_p50, r.base_p95, r.ratio):
            assert math.isfinite(v) and v > 0, r
    assert "problems created" in results[-1].notes[0]
    table = measure.table(results)
    assert sum(line.startswith("| ") for line in table.splitlines()) == 5  # header + 4 rows


def test_bench_command_end_to_end(tmp_path):
    """`manage.py bench --scale small` on a fresh SQLite file: generates, serves the API under
    granian, exports in child processes, and prints one table; every operation has numbers."""
    env = {**os.environ, "XUNCHA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xuncha.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=BASE_DIR, env=env, check=True,
                   timeout=600)
    out = tmp_path / "bench.json"
    run = subprocess.run([*manage, "bench", "--scale", "small", "--json", str(out)], cwd=BASE_DIR,
                         env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| operation | n | p50 | p95 |" in run.stdout
    results = json.loads(out.read_text())
    assert [r["operation"].split(" (")[0] for r in results] == [
        "county dashboard", "province dashboard", "ledger page", "ledger API served",
        "Excel export", "problem import"]
    for r in results:
        assert r["n"] >= 1, r
        for key in ("p50", "p95", "base_p50", "base_p95", "ratio"):
            assert isinstance(r[key], float) and math.isfinite(r[key]) and r[key] > 0, (key, r)
        assert not any("DIFFER" in n or "ERRORS" in n for n in r["notes"]), r["notes"]
    assert results[4]["extra"]["peak_private_mb"] > 0 and results[4]["extra"]["peak_rss_mb"] > 0
