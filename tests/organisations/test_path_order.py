"""Subtrees are path ranges; the database must order paths bytewise for that to be exact."""

from __future__ import annotations

import pytest
from django.db import connection

from xuncha.core.tree import subtree_q
from xuncha.organisations.models import Unit, UnitKind


def test_a_subtree_range_takes_exactly_the_subtree(db):
    paths = {"a": "/9/12/", "b": "/9/12/7/", "c": "/9/120/", "d": "/9/13/", "e": "/9/12 /",
             "f": "/9/1/"}
    ids = {}
    for key, path in paths.items():
        u = Unit.objects.create(name=f"单位{key}", code=f"T-{key}", kind=UnitKind.DEPARTMENT, level=3)
        Unit.objects.filter(pk=u.pk).update(path=path)
        ids[u.pk] = key
    found = {ids[pk] for pk in Unit.objects.filter(subtree_q("/9/12/", "path"), pk__in=ids)
             .values_list("pk", flat=True)}
    assert found == {"a", "b"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's column collation")
def test_on_postgresql_the_path_column_is_collated_bytewise(db):
    with connection.cursor() as c:
        c.execute("SELECT collation_name FROM information_schema.columns "
                  "WHERE table_name = 'organisations_unit' AND column_name = 'path'")
        assert c.fetchone()[0] == "C"
