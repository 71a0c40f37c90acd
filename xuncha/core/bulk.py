"""Inserting thousands of new rows at once (an import), faster than ``bulk_create``.

``bulk_create`` compiles every value into SQL on its own (placeholder, expression check, prepared
value), which for 10,000 rows of 17 columns costs more time than the database takes to store them.
``bulk_insert`` writes the same rows the same way — each value prepared by its field
(``get_db_prep_save``), the primary keys read back with ``RETURNING`` as ``bulk_create`` does —
without the per-value compilation: on PostgreSQL one ``INSERT … SELECT … FROM UNNEST(…)`` with an
array per column (the form ``bulk_create`` itself uses there: one parameter per column, planned
once; a column with the same value in every row is a single parameter), elsewhere multi-row
``INSERT … VALUES`` as large as the database allows.

Plain values only (no expressions). Sends no signals and does not save related objects
(``bulk_create`` neither); every related object must already be saved. Fields set on save
(``auto_now``, ``auto_now_add``) get one time for the whole call. Falls back to ``bulk_create`` for
what it does not handle (a backend without ``RETURNING`` on multi-row inserts, a primary key that is
not an auto field, inherited models, database defaults, fields with their own SQL placeholder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import NOT_PROVIDED


def bulk_insert[M: models.Model](objs: Sequence[M]) -> list[M]:
    """Inserts new instances of one model; sets their primary keys. Returns them, in order."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk and not f.generated]
    if (
        not isinstance(pk, models.AutoField)
        or not connection.features.can_return_rows_from_bulk_insert
        or meta.parents
        or any(f.db_default is not NOT_PROVIDED or hasattr(f, "get_placeholder_sql")
               or hasattr(f, "get_placeholder") for f in fields)
        or any(type(o) is not model or o.pk is not None for o in objs)
    ):
        return model._default_manager.using(alias).bulk_create(objs)

    columns: list[list[Any]] = []
    constant: list[bool] = []  # the same value in every row
    for field in fields:
        # Column by column, each value prepared by its field; a value repeated from the row before
        # (the same related object, a choice, the time of this call) is prepared once.
        get, prep = _value_getter(field, objs), field.get_db_prep_save
        last: Any = object()
        prepared: Any = None
        column = []
        changes = 0
        for obj in objs:
            value = get(obj)
            if value is not last:
                last, prepared = value, prep(value, connection)
                changes += 1
            column.append(prepared)
        columns.append(column)
        constant.append(changes == 1)

    # Names come from the model, quoted by the backend; every value is a bound parameter.
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)})"
    returning_sql, returning_params = connection.ops.returning_columns([pk])
    statements: list[tuple[str, list[Any], list[M]]] = []
    types = _unnest_types(connection, fields) if len(objs) > 1 else []
    if types:
        # A column with one value for every row is one parameter; the others are one array each.
        arrays = [i for i, same in enumerate(constant) if not same] or [0]
        varying = set(arrays)
        select = ", ".join(f"u.c{i}" if i in varying else f"%s::{t}" for i, t in enumerate(types))
        unnest = ", ".join(f"(%s)::{types[i]}[]" for i in arrays)
        names = ", ".join(f"c{i}" for i in arrays)
        sql = f"{head} SELECT {select} FROM UNNEST({unnest}) AS u({names}) {returning_sql}"  # noqa: S608
        params = [c[0] for i, c in enumerate(columns) if i not in varying] + [columns[i] for i in arrays]
        statements.append((sql, params, objs))
    else:
        rows = list(zip(*columns, strict=True))
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, connection.ops.bulk_batch_size(fields, objs))
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            sql = f"{head} VALUES {', '.join([placeholder] * len(batch))} {returning_sql}"
            statements.append((sql, [v for row in batch for v in row], objs[start:start + size]))
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for sql, params, inserted in statements:
            cursor.execute(sql, [*params, *returning_params])
            returned = connection.ops.fetch_returned_rows(cursor, returning_params)
            for obj, (value,) in zip(inserted, returned, strict=True):
                obj.pk = value
                obj._state.adding = False
                obj._state.db = alias
    return objs


def _value_getter(field: models.Field, objs: list[Any]) -> Callable[[Any], Any]:
    if type(field).pre_save is models.Field.pre_save:
        return attrgetter(field.attname)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = field.pre_save(objs[0], add=True)  # one time for the whole call
        for obj in objs:
            setattr(obj, field.attname, value)
        return lambda obj: value
    return lambda obj: field.pre_save(obj, add=True)


def _unnest_types(connection: Any, fields: list[models.Field]) -> list[str]:
    """The array element types for ``UNNEST`` on PostgreSQL, as ``bulk_create`` works them out
    (without a length, so nothing is truncated); empty where that form does not apply."""
    if connection.vendor != "postgresql":
        return []
    if any((f.target_field if isinstance(f, models.ForeignKey) else f).get_internal_type()
           not in connection.data_types for f in fields):
        return []
    types = [f.db_type(connection) for f in fields]
    return [t.split("(")[0] for t in types if t] if all(types) else []
