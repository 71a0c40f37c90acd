"""Appenders in parallel keep one linear chain: the head row is locked while appending."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection, transaction

from tests.audit.conftest import on_postgres
from xuncha.audit.models import AuditEvent, AuditHead
from xuncha.audit.services import record
from xuncha.audit.verify import verify_chain

PER_THREAD = 25


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_at_once_keep_the_chain_linear():
    record(actor=None, actor_name="setup", action="unit.update", object_repr="起点")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            start.wait(timeout=10)
            for i in range(PER_THREAD):
                with transaction.atomic():
                    record(actor=None, actor_name=name, action="unit.update",
                           object_repr=f"{name}-{i}")
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    total = 1 + 2 * PER_THREAD
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    # Both writers really interleaved, or the test proved nothing about locking.
    names = list(AuditEvent.objects.order_by("seq").values_list("actor_name", flat=True))[1:]
    assert any(a != b for a, b in itertools.pairwise(names))
    assert AuditHead.objects.get().last_seq == total
    result = verify_chain()
    assert result.ok, result.message()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite counterpart")
def test_on_sqlite_writers_are_serialised_by_the_immediate_transaction_mode(db):
    """SQLite has no row locks: every transaction starts with BEGIN IMMEDIATE (settings), which
    takes the write lock, so two appenders cannot read the same head."""
    from django.conf import settings

    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
