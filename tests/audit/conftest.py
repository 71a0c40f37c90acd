"""Helpers for the audit tests: a short chain to tamper with, raw SQL as a DBA would write it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.world import World

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only (CI runs the suite on SQLite and on PostgreSQL)",
)


@pytest.fixture(autouse=True)
def _axes_clean(db: object) -> Iterator[None]:
    """django-axes keeps its login-failure counters in the database; start with none."""
    import axes.utils

    axes.utils.reset()
    yield


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as c:
        c.execute(statement, params or [])


@contextmanager
def dba() -> Iterator[None]:
    """Raw access as a database administrator: on PostgreSQL the append-only triggers are switched
    off first (a DBA can do that), and back on afterwards. SQLite has no such trigger."""
    if connection.vendor != "postgresql":
        yield
        return
    sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    sql("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
    try:
        yield
    finally:
        sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        sql("ALTER TABLE audit_audithead ENABLE TRIGGER USER")


@pytest.fixture
def chain(world: World) -> Callable[[int], list[object]]:
    """Appends ``n`` ordinary events (unit edits by east_office) and returns the whole trail."""
    from xuncha.audit.models import AuditEvent
    from xuncha.audit.services import record

    def make(n: int = 5) -> list[object]:
        for i in range(n):
            record(
                actor=world.east_office, action="unit.update", object_type="organisations.unit",
                object_id=i, object_repr=f"东湖区青石镇 {i}", changes={"name": [f"旧{i}", f"新{i}"]},
            )
        return list(AuditEvent.objects.order_by("seq"))

    return make
