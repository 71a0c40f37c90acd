"""Ledger export in the printed layout and progress import, all or nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.rectification.test_ledger import tasks as tasks
from xuncha.core.errors import ValidationFailed
from xuncha.rectification.excel import HEADERS, export_ledger, import_progress, progress_template
from xuncha.rectification.models import RectificationTask


def progress_book(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "进展报送"
    ws.append(["台账编号", "本次进展", "完成进度(%)"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_export_has_the_printed_columns_and_one_row_per_task(world, tasks):
    t1, t2 = tasks
    RectificationTask.objects.filter(pk=t1.pk).update(measure="=1+1 立即清退")
    data = export_ledger(user=world.east_office, tasks=RectificationTask.objects.all())
    ws = load_workbook(io.BytesIO(data))["整改台账"]
    assert [c.value for c in ws[1]] == HEADERS
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(f"{t.problem.number}-{t.number}" for t in (t1, t2))
    assert rows[0][4].startswith("'=")
    assert ws.page_setup.orientation == "landscape"


def test_progress_import_reports_every_row_or_nothing(world, tasks):
    t1, t2 = tasks
    code1 = f"{t1.problem.number}-{t1.number}"
    code2 = f"{t2.problem.number}-{t2.number}"
    bad = progress_book([(code1, "已修订办法初稿", 50), ("9-9", "不存在的任务", 10),
                         (code2, "短", 120), (code1, "重复行内容", 60)])
    with pytest.raises(ValidationFailed) as exc:
        import_progress(actor=world.east_contact, plan=t1.plan, data=bad)
    where = {(d["row"], d["column"]) for d in exc.value.details}
    assert {(3, "台账编号"), (4, "完成进度(%)"), (4, "本次进展"), (5, "台账编号")} <= where
    t1.refresh_from_db()
    assert t1.progress == 0 and not t1.progress_reports.exists()
    n = import_progress(actor=world.east_contact, plan=t1.plan,
                        data=progress_book([(code1, "已修订办法初稿", 50), (code2, "", None)]))
    t1.refresh_from_db()
    assert n == 1 and t1.progress == 50


def test_progress_template_lists_open_tasks(world, tasks):
    t1, _ = tasks
    ws = load_workbook(io.BytesIO(progress_template(t1.plan)))["进展报送"]
    assert ws.max_row == 3
