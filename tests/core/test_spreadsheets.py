"""SheetReader reads values (not cell objects) and still tells a formula from text that only looks
like one, naming the row and column of every error."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.formula import ArrayFormula

from xuncha.core import spreadsheets as xl

COLUMNS = (
    xl.Column("code", "代码", required=True, parse=xl.text(20)),
    xl.Column("count", "数量", parse=xl.integer),
    xl.Column("flag", "是否", parse=xl.yes_no, choices=("是", "否")),
    xl.Column("when", "日期"),
)


def book(rows, *, header=("代码", "数量", "是否", "日期")) -> bytes:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data: bytes) -> tuple[list[xl.ParsedRow], list[dict[str, object]]]:
    reader = xl.SheetReader("表", COLUMNS)
    rows = reader.read(data, max_bytes=10**7, max_rows=100)
    return rows, [e.as_dict() for e in reader.errors]


def test_values_are_parsed_and_blank_rows_skipped(db):
    rows, errors = read(book([
        ("  A1 ", 3.0, "是", datetime.datetime(2024, 5, 1, 8, 30)),
        (None, None, None, None),
        ("", " ", None, None),
        (12, None, "否", None),
    ]))
    assert errors == []
    assert [(r.row, r.values) for r in rows] == [
        (2, {"code": "A1", "count": 3, "flag": True, "when": datetime.datetime(2024, 5, 1, 8, 30)}),
        (5, {"code": "12", "count": None, "flag": False, "when": None}),
    ]


def test_columns_are_found_by_header_in_any_order_and_short_rows_are_padded(db):
    rows, errors = read(book([(None, "B2"), (7, "B3", "否")], header=("数量", "代码", "是否")))
    assert errors == []
    assert [r.values for r in rows] == [
        {"code": "B2", "count": None, "flag": None, "when": None},
        {"code": "B3", "count": 7, "flag": False, "when": None},
    ]


def test_errors_name_the_row_and_the_column(db):
    _, errors = read(book([(None, "x", "也许", None), ("C", 1.5, None, None)]))
    assert {(e["row"], e["column"]) for e in errors} == {(2, "代码"), (2, "数量"), (2, "是否"),
                                                        (3, "数量")}
    _, errors = read(book([("A", 1)], header=("数量", "是否")))
    assert errors == [{"sheet": "表", "row": 1, "column": "代码", "message": "缺少必填列“代码”。"}]


def test_formulas_are_refused_but_text_that_looks_like_one_is_read_as_text(db):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    ws.append(["代码", "数量", "是否", "日期"])
    text = WriteOnlyCell(ws, value="=A1+1")
    text.data_type = "s"  # typed after an apostrophe: text, not a formula
    ws.append([text, 1, "是", None])
    ws.append(["=A2&\"x\"", 2, "是", None])
    ws.append(["D", "=1+1", "否", None])
    buf = io.BytesIO()
    wb.save(buf)
    rows, errors = read(buf.getvalue())
    assert [(r.row, r.values.get("code")) for r in rows] == [(2, "=A1+1"), (3, None), (4, "D")]
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (3, "代码", "含有公式,请改为直接填写数值或文字。"),
        (4, "数量", "含有公式,请改为直接填写数值或文字。"),
    ]


def test_an_array_formula_is_refused_too(db):
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["代码", "数量", "是否", "日期"])
    ws.append(["E", None, "是", None])
    ws["B2"] = ArrayFormula("B2", "=SUM(1,2)")
    buf = io.BytesIO()
    wb.save(buf)
    _, errors = read(buf.getvalue())
    assert [(e["row"], e["column"]) for e in errors] == [(2, "数量")]
