"""Excel in and out, the same way everywhere (security.md, style rule 6).

Import is a pipeline: check the file (size, really an .xlsx, the sheet, the header) → read every row
and collect every error with its sheet, row, column and a Chinese reason → the caller commits all in
one transaction or nothing. Export neutralises formula injection: a text cell never starts with
``= + - @`` (or a tab/CR) as written; it is prefixed with an apostrophe and stored as text.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.core.errors import ValidationFailed

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet could run as a formula comes out as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    # Turns the raw cell value into the clean value or raises ValueError with a Chinese reason.
    parse: Callable[[Any], Any] | None = None
    choices: Sequence[str] = ()
    width: int = 16
    help: str = ""


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class SheetReader:
    """Reads one sheet against a list of columns, keeping every error."""

    sheet: str
    columns: Sequence[Column]
    errors: list[RowError] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(self.sheet, row, column, message))

    def read(self, data: bytes, *, max_bytes: int | None = None,
             max_rows: int | None = None) -> list[ParsedRow]:
        max_bytes = max_bytes or settings.XUNCHA_IMPORT_MAX_BYTES
        max_rows = max_rows or settings.XUNCHA_IMPORT_MAX_ROWS
        if not data:
            self.error(0, "", _("文件为空。"))
            return []
        if len(data) > max_bytes:
            self.error(0, "", _("文件大小 %(size).1f MB,超过上限 %(max).1f MB。")
                       % {"size": len(data) / 1048576, "max": max_bytes / 1048576})
            return []
        if not data.startswith(b"PK\x03\x04"):
            self.error(0, "", _("文件不是有效的 Excel 工作簿(.xlsx)。请使用下载的模板填写。"))
            return []
        if not zipfile.is_zipfile(io.BytesIO(data)):
            self.error(0, "", _("文件已损坏或不完整,无法读取。请重新保存为 .xlsx 后再导入。"))
            return []
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds on broken or truncated files
            self.error(0, "", _("文件已损坏或不完整,无法读取。请重新保存为 .xlsx 后再导入。"))
            return []
        try:
            if self.sheet not in wb.sheetnames:
                self.error(0, "", _("缺少工作表“%(sheet)s”(文件中有:%(have)s)。")
                           % {"sheet": self.sheet, "have": "、".join(wb.sheetnames)})
                return []
            ws = wb[self.sheet]
            return self._rows(ws, max_rows)
        except Exception:
            self.error(0, "", _("文件已损坏或不完整,无法读取。请重新保存为 .xlsx 后再导入。"))
            return []
        finally:
            wb.close()

    def _rows(self, ws: Any, max_rows: int) -> list[ParsedRow]:
        # Values, not cell objects: building a cell per value costs more than reading the file.
        rows_iter = ws.iter_rows(values_only=True)
        header_values = next(rows_iter, None)
        if header_values is None:
            self.error(1, "", _("工作表是空的,缺少表头。"))
            return []
        headers = [str(v).strip() if v is not None else "" for v in header_values]
        positions: dict[str, int] = {}
        for col in self.columns:
            if col.header in headers:
                positions[col.key] = headers.index(col.header)
            elif col.required:
                self.error(1, col.header, _("缺少必填列“%(h)s”。") % {"h": col.header})
        if self.errors:
            return []
        formulas: set[tuple[int, int]] | None = None  # read only when a value may be a formula
        result: list[ParsedRow] = []
        for index, cells in enumerate(rows_iter, start=2):
            raw = {key: (cells[pos] if pos < len(cells) else None) for key, pos in positions.items()}
            if all(v is None or str(v).strip() == "" for v in raw.values()):
                continue  # blank rows are skipped, not errors
            if len(result) >= max_rows:
                self.error(index, "", _("行数超过上限 %(n)d 行,请分批导入。") % {"n": max_rows})
                return []
            values: dict[str, Any] = {}
            for col in self.columns:
                value = raw.get(col.key)
                if _may_be_formula(value):
                    if formulas is None:
                        formulas = _formula_cells(ws)
                    if (index, positions[col.key]) in formulas:
                        self.error(index, col.header, _("含有公式,请改为直接填写数值或文字。"))
                        continue
                if isinstance(value, str):
                    value = value.strip()
                if value is None or value == "":
                    if col.required:
                        self.error(index, col.header, _("必填,不能为空。"))
                    values[col.key] = None
                    continue
                if col.choices and str(value) not in col.choices:
                    self.error(index, col.header, _("“%(v)s”不是有效选项,可选:%(c)s。")
                               % {"v": value, "c": "、".join(col.choices)})
                    continue
                if col.parse is not None:
                    try:
                        value = col.parse(value)
                    except ValueError as exc:
                        self.error(index, col.header, str(exc))
                        continue
                values[col.key] = value
            result.append(ParsedRow(index, values))
        return result

    def raise_if_errors(self) -> None:
        if self.errors:
            self.errors.sort(key=lambda e: (e.row, e.column))
            raise ValidationFailed(
                _("导入失败:共发现 %(n)d 处错误,未导入任何数据。") % {"n": len(self.errors)},
                code="import_failed",
                details=[e.as_dict() for e in self.errors],
            )


# What a cell read as a value can hold when it is not a formula. A formula reads as text starting
# with "=" (or an array or data-table formula object), as does text typed after an apostrophe.
_PLAIN_VALUES = (str, int, float, datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


def _may_be_formula(value: Any) -> bool:
    if value is None:
        return False
    return not isinstance(value, _PLAIN_VALUES) or (isinstance(value, str) and value.startswith("="))


def _formula_cells(ws: Any) -> set[tuple[int, int]]:
    """(row, position) of every formula cell: a second pass over the cells, rarely needed."""
    return {(index, pos)
            for index, cells in enumerate(ws.iter_rows(), start=1)
            for pos, cell in enumerate(cells)
            if getattr(cell, "data_type", None) == "f"}


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        s = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            s = str(int(value))
        if len(s) > max_length:
            raise ValueError(_("长度 %(n)d 超过上限 %(m)d 个字。") % {"n": len(s), "m": max_length})
        return s

    return parse


def integer(value: Any) -> int:
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ValueError(_("“%(v)s”不是整数。") % {"v": value}) from None
    if not f.is_integer():
        raise ValueError(_("“%(v)s”不是整数。") % {"v": value})
    return int(f)


def yes_no(value: Any) -> bool:
    s = str(value).strip()
    if s in ("是", "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if s in ("否", "N", "n", "0", "FALSE", "False", "false"):
        return False
    raise ValueError(_("请填写“是”或“否”。"))


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")


def template_workbook(sheet: str, columns: Sequence[Column], examples: Iterable[Sequence[Any]],
                      notes: Sequence[str]) -> bytes:
    """A template with a header, drop-downs for choice columns, examples and a notes sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"',
                                allow_blank=not col.required, showErrorMessage=True,
                                errorTitle=_("无效选项"), error=_("请从下拉列表中选择。"))
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}5000")
    for r, example in enumerate(examples, start=2):
        for i, value in enumerate(example, start=1):
            ws.cell(row=r, column=i, value=neutralise(value))
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet(_("填写说明"))
    help_ws.column_dimensions["A"].width = 24
    help_ws.column_dimensions["B"].width = 80
    help_ws.append([_("列"), _("说明")])
    for col in columns:
        help_ws.append([col.header + (_("(必填)") if col.required else ""), col.help])
    help_ws.append([])
    for note in notes:
        help_ws.append(["", note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_rows(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               widths: Sequence[int] = ()) -> bytes:
    """Streams rows into a write-only workbook; every text cell is neutralised and stored as text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    header_row = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        header_row.append(c)
    ws.append(header_row)
    for row in rows:
        out: list[Any] = []
        for value in row:
            if isinstance(value, str):
                c = WriteOnlyCell(ws, value=neutralise(value))
                c.data_type = "s"
                out.append(c)
            else:
                out.append(value)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
