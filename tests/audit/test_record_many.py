"""record_many: a bulk change's events appended in one go, exactly as record would append them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.audit.conftest import dba, sql
from tests.inspections.helpers import add_problems, on_site_inspection
from xuncha.audit import context
from xuncha.audit.models import AuditEvent, AuditHead, Outcome
from xuncha.audit.services import AuditEntry, record, record_many
from xuncha.audit.verify import verify_chain

# Every column except the chain's own (id, seq, at, prev_hash, hash).
CONTENT = ("actor_id", "actor_name", "unit_id", "unit_name", "action", "object_type", "object_id",
           "object_repr", "changes", "outcome", "ip")


def content(ev: AuditEvent) -> tuple[object, ...]:
    return tuple(getattr(ev, f) for f in CONTENT)


@pytest.fixture
def served_from() -> Iterator[None]:
    """As inside a request from 10.9.0.7 (xuncha.audit.context), which services do not pass on."""
    context.request_started(sender=None, environ={"REMOTE_ADDR": "10.9.0.7"})
    yield
    context.request_finished(sender=None)


def entries(world) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    insp = on_site_inspection(world)
    p1, p2 = add_problems(world, insp)
    return [
        AuditEntry(action="problem.create", obj=p1, changes={"number": 1, "category": "组织建设"}),
        AuditEntry(action="problem.create", obj=p2, changes={"number": 2, "n": 1e20}),
        AuditEntry(action="unit.update", obj=world.east_town, changes={"name": ["旧\x00", "新"]}),
        AuditEntry(action="unit.update", object_type="organisations.unit", object_id=7,
                   object_repr="x" * 300, outcome=Outcome.FAILURE),
    ]


def test_each_event_has_the_fields_record_would_give_it(world, served_from):
    batch = entries(world)
    with transaction.atomic():
        one_by_one = [record(actor=world.east_member, action=e.action, obj=e.obj,
                             object_type=e.object_type, object_id=e.object_id,
                             object_repr=e.object_repr, changes=e.changes, outcome=e.outcome)
                      for e in batch]
        transaction.set_rollback(True)
    many = record_many(actor=world.east_member, events=batch)
    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in many]).order_by("seq"))
    assert [content(e) for e in stored] == [content(e) for e in one_by_one]
    assert [content(e) for e in many] == [content(e) for e in one_by_one]
    first = stored[0]
    assert first.actor_id == world.east_member.pk and first.unit_name == world.east_member.unit.name
    assert first.ip == "10.9.0.7"
    assert first.object_repr == batch[0].obj.audit_repr()  # a problem names itself by number only
    assert stored[2].changes == {"name": ["旧", "新"]}
    assert len(stored[3].object_repr) == 200
    assert verify_chain().ok


def test_a_batch_interleaved_with_single_records_verifies(world):
    batch = entries(world)  # problem_create has recorded its own events already
    before = AuditHead.objects.get().last_seq
    record(actor=world.east_office, action="unit.update", object_repr="之前")
    many = record_many(actor=world.east_office, events=batch)
    record(actor=world.east_office, action="unit.update", object_repr="之后")
    record_many(actor=None, actor_name="task", events=batch[:1])
    assert [e.seq for e in many] == list(range(before + 2, before + 2 + len(batch)))
    assert many[0].prev_hash == AuditEvent.objects.get(seq=before + 1).hash
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    head = AuditHead.objects.get()
    assert head.last_seq == seqs[-1]
    assert head.last_hash == AuditEvent.objects.get(seq=seqs[-1]).hash
    result = verify_chain()
    assert result.ok, result.message()
    assert result.checked == len(seqs)


def test_one_lock_one_insert_one_head_update_for_the_whole_batch(world):
    batch = entries(world) * 50
    with CaptureQueriesContext(connection) as ctx:
        record_many(actor=world.east_office, events=batch)
    statements = [q["sql"].split()[0] for q in ctx.captured_queries]
    assert statements.count("INSERT") == 1
    assert statements.count("UPDATE") == 1
    assert sum(1 for q in ctx.captured_queries if "audit_audithead" in q["sql"]) == 2
    assert verify_chain().ok


def test_an_empty_batch_writes_nothing(world):
    with CaptureQueriesContext(connection) as ctx:
        assert record_many(actor=world.east_office, events=[]) == []
    assert not ctx.captured_queries


def test_a_batch_rolled_back_with_its_change_leaves_no_row_and_burns_no_number(world):
    batch = entries(world)
    last = AuditHead.objects.get().last_seq
    with pytest.raises(RuntimeError), transaction.atomic():
        record_many(actor=world.east_office, events=batch)
        raise RuntimeError("the change failed after its events were appended")
    assert AuditHead.objects.get().last_seq == last
    assert AuditEvent.objects.count() == last
    ev = record(actor=world.east_office, action="unit.update", object_repr="下一条")
    assert ev.seq == last + 1
    assert verify_chain().ok


def test_an_edited_row_of_a_batch_is_named_by_the_verification(world):
    many = record_many(actor=world.east_office, events=entries(world))
    victim = many[2]
    with dba():
        sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["改过", victim.pk])
    result = verify_chain()
    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (victim.seq, victim.pk)
