"""bulk_insert stores exactly what bulk_create stores and gives every instance its own key."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.inspections.helpers import category, on_site_inspection
from xuncha.audit.models import AuditEvent
from xuncha.core.bulk import bulk_insert
from xuncha.findings.models import Problem, ProblemOrigin, Severity


def problems(world, insp, first: int, n: int) -> list[Problem]:  # type: ignore[no-untyped-def]
    return [Problem(inspection=insp, unit=insp.unit, county_id=insp.unit.county_id, number=first + i,
                    category=category("0203" if i % 2 else "0204"), title=f"概述{i}",
                    facts=f"事实\u2028第{i}条" + "长" * i, severity=list(Severity)[i % 3],
                    checklist_item=None, is_common=bool(i % 2), names_people=i == 3,
                    origin=ProblemOrigin.INSPECTION, created_by=world.east_member)
            for i in range(n)]


def events(world, n: int, first_seq: int) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return [AuditEvent(seq=first_seq + i, at=datetime(2024, 5, 1, 8, 30, i % 60, 123456, tzinfo=UTC),
                       actor=world.east_office if i % 2 else None, actor_name="east_office",
                       unit=world.east_office.unit, unit_name="东湖区委巡察办", action="unit.update",
                       object_type="organisations.unit", object_id=str(i), object_repr=f"单位{i}",
                       changes={"name": ["旧", f"新{i}"], "n": i, "x": None, "ok": True},
                       outcome="success", ip=["10.0.0.1", None, "2001:db8::7"][i % 3],
                       prev_hash="0" * 64, hash=f"{i:064x}")
            for i in range(n)]


def stored(model, objs, exclude=("id", "created_at", "updated_at")):  # type: ignore[no-untyped-def]
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
    rows = {r["id"]: r for r in model.objects.filter(pk__in=[o.pk for o in objs]).values("id", *fields)}
    return [{f: rows[o.pk][f] for f in fields} for o in objs]


def test_problems_are_stored_as_bulk_create_stores_them(world):
    insp = on_site_inspection(world)
    ours = bulk_insert(problems(world, insp, 1, 25))
    theirs = Problem.objects.bulk_create(problems(world, insp, 1001, 25))
    assert all(p.pk and not p._state.adding for p in ours)
    mine, django = stored(Problem, ours), stored(Problem, theirs)
    for a, b in zip(mine, django, strict=True):
        assert {**a, "number": 0} == {**b, "number": 0}
    # Each instance has the key of its own row, in order.
    assert [r["number"] for r in mine] == list(range(1, 26))
    assert [Problem.objects.get(pk=p.pk).title for p in ours] == [p.title for p in ours]
    # The times set on save: one for the call, on the instances as in the rows.
    row = Problem.objects.get(pk=ours[0].pk)
    assert row.created_at == ours[0].created_at == ours[-1].created_at
    assert row.updated_at == ours[0].updated_at == ours[-1].updated_at


def test_audit_rows_read_back_unchanged(world):
    ours = bulk_insert(events(world, 12, 1))
    theirs = AuditEvent.objects.bulk_create(events(world, 12, 101))
    mine, django = stored(AuditEvent, ours), stored(AuditEvent, theirs)
    for a, b in zip(mine, django, strict=True):
        assert {**a, "seq": 0} == {**b, "seq": 0}
    assert mine[2]["ip"] == "2001:db8::7" and mine[1]["ip"] is None
    assert mine[5]["at"] == datetime(2024, 5, 1, 8, 30, 5, 123456, tzinfo=UTC)
    assert mine[5]["changes"] == {"name": ["旧", "新5"], "n": 5, "x": None, "ok": True}


def test_one_row_is_one_insert_and_many_rows_a_few(world):
    with CaptureQueriesContext(connection) as ctx:
        (one,) = bulk_insert(events(world, 1, 1))
    assert one.pk and [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    with CaptureQueriesContext(connection) as ctx:
        bulk_insert(events(world, 3000, 2))
    assert len(ctx.captured_queries) <= 3
    assert AuditEvent.objects.count() == 3001
    assert bulk_insert([]) == []


def test_rows_alike_in_every_column_are_each_inserted(world):
    from xuncha.notifications.models import Notification

    title = "同一条提醒"
    ours = bulk_insert([Notification(recipient=world.east_office, title=title) for _ in range(3)])
    assert len({n.pk for n in ours}) == 3
    assert Notification.objects.filter(pk__in=[n.pk for n in ours], title=title).count() == 3
