"""The ledger API (GET /api/v1/ledger) as a client sees it: the same JSON as before it was read as
plain values (stored below), the same rows as the web page's ledger, a bounded number of queries
per request, and authentication and permissions taken from the database on every request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.inspections.helpers import rectifying_inspection
from tests.rectification.test_plan import good_task
from xuncha.accounts import services as accounts
from xuncha.accounts.models import RoleAssignment
from xuncha.api.main import api
from xuncha.rectification import ledger, plans, selectors
from xuncha.rectification.api import TaskOut
from xuncha.rectification.models import ReviewDecision

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Set up at 09:30:15.123456 UTC; the ledger is read 40 days later (the clock stands still, so
# closed_at, deadlines and "overdue" are the same on every run).
SET_UP = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
READ = SET_UP + timedelta(days=40)


@pytest.fixture
def ledger_world(world):
    """Three tasks of one approved plan: t1 closed, t2 due in 60 days, t3 due in 30 (overdue when
    read), t3 with a responsible account and marked as a relapse."""
    with time_machine.travel(SET_UP, tick=False):
        insp, (p1, p2, p3) = rectifying_inspection(world, n=3)
        plan = plans.plan_open(actor=world.east_contact, inspection=insp,
                               first_responsible=world.east_head, group_leader="镇党委书记")
        start = plan.period_start
        t1 = good_task(world, plan, p1, deadline=start + timedelta(days=20))
        t2 = good_task(world, plan, p2, deadline=start + timedelta(days=60),
                       responsible_department="党政办")
        t3 = good_task(world, plan, p3, responsible_user=world.east_contact,
                       expected_evidence="会议记录")
        plans.plan_submit(actor=world.east_contact, plan=plan)
        for who in ("east_office", "east_jiwei", "east_zzb"):
            plans.plan_review(actor=world.users[who], plan=plan, decision=ReviewDecision.APPROVE)
        for t in (t1, t2, t3):
            t.refresh_from_db()
        ledger.progress_report(actor=world.east_contact, task=t1, text="办法已印发并组织学习", percent=100,
                               files=[SimpleUploadedFile("佐证.pdf", PDF)])
        ledger.task_request_closure(actor=world.east_contact, task=t1, note="已完成")
        t1.refresh_from_db()
        ledger.task_verify(actor=world.east_office, task=t1, method="document", result="passed",
                           note="查阅印发文件")
        ledger.progress_report(actor=world.east_contact, task=t3, text="已召开专题会议部署整改", percent=40)
    type(t3).objects.filter(pk=t3.pk).update(is_relapse=True)
    names = {"id": {t1.pk: "t1", t2.pk: "t2", t3.pk: "t3"}, "plan_id": {plan.pk: "plan"},
             "problem_id": {p1.pk: "p1", p2.pk: "p2", p3.pk: "p3"}, "unit_id": {insp.unit_id: "unit"},
             "responsible_user_id": {world.east_contact.pk: "east_contact"}}
    return names, (t1, t2, t3)


def token_client(user) -> tuple[Client, Any]:
    token, raw = accounts.token_create(actor=user, name="台账脚本")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), token


def named(body: dict[str, Any], names: dict[str, dict[int, str]]) -> dict[str, Any]:
    """The response with its database ids replaced by the names of the fixture's objects."""
    items = []
    for item in body["items"]:
        item = dict(item)
        for key, by_id in names.items():
            if item[key] is not None:
                item[key] = by_id[item[key]]
        items.append(item)
    return {"count": body["count"], "items": items}


MEASURE = "2024年6月底前修订《公务接待管理办法》并组织全体干部学习2次"
T1 = {"id": "t1", "plan_id": "plan", "unit_id": "unit", "problem_id": "p1", "problem_number": 1,
      "problem_title": "基层党组织建设薄弱问题1", "number": 1, "measure": MEASURE, "kind": "deadline",
      "deadline": "2026-03-22", "responsible_leader": "镇党委书记", "responsible_person": "党政办主任",
      "responsible_department": "", "responsible_user_id": None, "expected_evidence": "",
      "status": "closed", "progress": 100, "overdue": False, "is_relapse": False,
      "closed_at": "2026-03-02T09:30:15.123Z", "version": 4}
T2 = {"id": "t2", "plan_id": "plan", "unit_id": "unit", "problem_id": "p2", "problem_number": 2,
      "problem_title": "基层党组织建设薄弱问题2", "number": 2, "measure": MEASURE, "kind": "deadline",
      "deadline": "2026-05-01", "responsible_leader": "镇党委书记", "responsible_person": "党政办主任",
      "responsible_department": "党政办", "responsible_user_id": None, "expected_evidence": "",
      "status": "not_started", "progress": 0, "overdue": False, "is_relapse": False,
      "closed_at": None, "version": 1}
T3 = {"id": "t3", "plan_id": "plan", "unit_id": "unit", "problem_id": "p3", "problem_number": 3,
      "problem_title": "基层党组织建设薄弱问题3", "number": 3, "measure": MEASURE, "kind": "deadline",
      "deadline": "2026-04-01", "responsible_leader": "镇党委书记", "responsible_person": "党政办主任",
      "responsible_department": "", "responsible_user_id": "east_contact",
      "expected_evidence": "会议记录", "status": "in_progress", "progress": 40, "overdue": True,
      "is_relapse": True, "closed_at": None, "version": 2}
# What GET /api/v1/ledger answered for east_office before the rows were read as plain values
# (TaskOut validated over model instances), captured from that code; ids named.
EXPECTED = {
    "": {"count": 3, "items": [T1, T3, T2]},
    "?status=overdue": {"count": 1, "items": [T3]},
    "?status=closed&limit=1": {"count": 1, "items": [T1]},
    "?offset=2": {"count": 3, "items": [T2]},
    "?offset=5": {"count": 3, "items": []},
}


@pytest.mark.parametrize("query", list(EXPECTED))
def test_the_ledger_json_is_what_it_was(ledger_world, world, query):
    names, _ = ledger_world
    c, _token = token_client(world.east_office)
    with time_machine.travel(READ, tick=False):
        r = c.get("/api/v1/ledger" + query)
    assert r.status_code == 200, r.content
    assert named(r.json(), names) == EXPECTED[query]
    # Rendered by ninja's renderer as before (ASCII escapes, datetimes to the millisecond).
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert r.content == api.renderer.render(r.wsgi_request, r.json(), response_status=200).encode()


def test_api_rows_are_taskout_of_the_pages_tasks(ledger_world, world):
    """The API's plain rows equal TaskOut over the web page's model instances (the old way)."""
    f = selectors.LedgerFilter()
    with time_machine.travel(READ, tick=False):
        total, rows = selectors.ledger_page(user=world.east_office, f=f)
        total_tasks, tasks = selectors.ledger_page_tasks(user=world.east_office, f=f)
        assert total == total_tasks == 3
        assert rows == [TaskOut.model_validate(t).model_dump() for t in tasks]
    assert set(rows[0]) == set(TaskOut.model_fields)


def test_a_page_past_the_end_still_counts(ledger_world, world):
    f = selectors.LedgerFilter()
    assert selectors.ledger_page(user=world.east_office, f=f, offset=3)[0] == 3
    assert selectors.ledger_page_tasks(user=world.east_office, f=f, offset=10) == (3, [])
    assert selectors.ledger_page(user=world.west_office, f=f) == (0, [])


def test_queries_per_request_do_not_grow_with_the_rows(ledger_world, world):
    """Token (1), the user's roles and permissions (1), page ids with the total (1), the rows (1)."""
    c, _token = token_client(world.east_office)
    with time_machine.travel(READ, tick=False):
        assert c.get("/api/v1/ledger").status_code == 200  # records the token's last use
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/api/v1/ledger")
    assert r.json()["count"] == 3
    assert len(ctx.captured_queries) == 4, [q["sql"][:120] for q in ctx.captured_queries]


def test_a_revoked_or_expired_token_is_refused_on_the_next_request(ledger_world, world):
    c, token = token_client(world.east_office)
    assert c.get("/api/v1/ledger").status_code == 200
    accounts.token_revoke(actor=world.east_office, token=token)
    assert c.get("/api/v1/ledger").status_code == 401
    _expiring, raw = accounts.token_create(actor=world.east_office, name="限时",
                                           expires_at=timezone.now() + timedelta(hours=1))
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert c.get("/api/v1/ledger").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert c.get("/api/v1/ledger").status_code == 401


def test_role_changes_count_from_the_next_request(ledger_world, world):
    """Nothing about the user's roles is kept between requests: a permission taken from the role,
    or the assignment revoked, shows on the very next request with the same token."""
    from xuncha.accounts.models import Role

    c, _token = token_client(world.east_office)
    assert c.get("/api/v1/ledger").json()["count"] == 3
    assignment = RoleAssignment.objects.filter(user=world.east_office).select_related("role").get(
        role__permissions__codename="view_rectificationtask")
    role = assignment.role
    view = role.permissions.get(codename="view_rectificationtask")
    role.permissions.remove(view)
    assert c.get("/api/v1/ledger").json() == {"count": 0, "items": []}
    role.permissions.add(view)
    assert c.get("/api/v1/ledger").json()["count"] == 3
    RoleAssignment.objects.filter(pk=assignment.pk).update(anchor=world.units["west"])
    assert c.get("/api/v1/ledger").json()["count"] == 0
    assert Role.objects.filter(pk=role.pk).exists()
