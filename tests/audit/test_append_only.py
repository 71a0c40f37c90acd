"""The trail can only grow: the ORM refuses edits and deletions, and PostgreSQL refuses them too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from tests.audit.conftest import on_postgres, sql
from xuncha.audit.models import AppendOnlyError, AuditEvent, AuditHead
from xuncha.audit.verify import verify_chain


def test_saving_an_existing_event_again_is_refused(chain):
    ev = chain(2)[0]
    ev.object_repr = "改过"
    with pytest.raises(AppendOnlyError):
        ev.save()
    assert AuditEvent.objects.get(pk=ev.pk).object_repr != "改过"


def test_deleting_an_event_is_refused(chain):
    ev = chain(2)[0]
    with pytest.raises(AppendOnlyError):
        ev.delete()
    assert AuditEvent.objects.filter(pk=ev.pk).exists()


@pytest.mark.parametrize("operation", ["update", "delete", "bulk_update"])
def test_queryset_update_and_delete_are_refused(chain, operation):
    trail = chain(3)
    qs = AuditEvent.objects.all()
    with pytest.raises(AppendOnlyError):
        if operation == "update":
            qs.update(object_repr="改过")
        elif operation == "delete":
            qs.delete()
        else:
            for ev in trail:
                ev.object_repr = "改过"
            AuditEvent.objects.bulk_update(trail, ["object_repr"])
    assert AuditEvent.objects.count() == len(trail)
    assert verify_chain().ok


@on_postgres
@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET object_repr = 'x' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_postgresql_refuses_raw_update_and_delete_of_events(chain, statement):
    ev = chain(3)[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement, [ev.pk])
    assert AuditEvent.objects.get(pk=ev.pk).object_repr == ev.object_repr
    assert verify_chain().ok


@on_postgres
@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_audithead",
    "UPDATE audit_audithead SET last_seq = last_seq - 1",
    "UPDATE audit_audithead SET last_hash = 'x'",
])
def test_postgresql_lets_the_head_only_move_forward(chain, statement):
    chain(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert verify_chain().ok


@on_postgres
def test_the_trigger_is_back_on_after_a_dba_switched_it_off(chain):
    from tests.audit.conftest import dba

    ev = chain(2)[0]
    with dba():
        pass
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM audit_auditevent WHERE id = %s", [ev.pk])


def test_appending_still_works_alongside_the_protection(chain):
    trail = chain(3)
    assert [e.seq for e in trail] == list(range(trail[0].seq, trail[0].seq + 3))
    assert AuditHead.objects.get().last_seq == trail[-1].seq
