"""Exports of the audit trail (CSV and xlsx) for the auditor.

Every text cell that a spreadsheet would read as a formula (starting with ``= + - @``, or a tab or
carriage return that some programs skip before one) gets a leading single quote, so an actor name
or object text chosen by an attacker cannot run in the auditor's spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse

from xuncha.audit.actions import action_label
from xuncha.audit.models import AuditEvent

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADERS = (
    "序号", "时间（UTC）", "操作人", "单位", "操作", "操作代码", "对象类型", "对象编号", "对象",
    "变更摘要", "结果", "IP", "前序哈希", "哈希",
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Text that would start a formula gets a leading single quote; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def row_values(ev: AuditEvent) -> list[Any]:
    values: list[Any] = [
        ev.seq,
        ev.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
        ev.actor_name,
        ev.unit_name,
        action_label(ev.action),
        ev.action,
        ev.object_type,
        ev.object_id,
        ev.object_repr,
        json.dumps(ev.changes, ensure_ascii=False, sort_keys=True) if ev.changes else "",
        str(ev.get_outcome_display()),  # type: ignore[attr-defined]
        ev.ip or "",
        ev.prev_hash,
        ev.hash,
    ]
    return [neutralise(v) for v in values]


def rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    yield list(HEADERS)
    for ev in qs.iterator(chunk_size=2000):
        yield row_values(ev)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(data: Iterable[list[Any]]) -> Iterator[str]:
    # A byte-order mark so that Excel opens the UTF-8 file as Chinese text.
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for row in data:
        yield writer.writerow(row)


def csv_response(qs: QuerySet[AuditEvent], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows(qs)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(qs: QuerySet[AuditEvent]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    for row in rows(qs):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(qs: QuerySet[AuditEvent], filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(qs), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
