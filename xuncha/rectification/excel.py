"""The ledger in Excel: export in the printed layout (A3 landscape), and import of progress updates
with the same all-or-nothing, every-error-listed rules as the problem import.

The column 台账编号 (problem number - task number, e.g. 3-1) identifies a row, so an exported ledger
can be filled in and imported back.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from xuncha.audit.services import record
from xuncha.core import spreadsheets as xl
from xuncha.core.errors import ValidationFailed
from xuncha.rectification.ledger import progress_report
from xuncha.rectification.models import (
    MeasureKind,
    ProgressReport,
    RectificationPlan,
    RectificationTask,
    TaskStatus,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User

SHEET = "整改台账"
HEADERS = ["台账编号", "被巡察单位", "问题类别", "反馈问题", "整改措施", "整改类型", "完成时限",
           "责任领导", "责任人", "责任部门", "最新进展", "进度(%)", "状态", "是否逾期"]
WIDTHS = [9, 18, 16, 36, 40, 10, 11, 10, 10, 12, 36, 8, 9, 8]
KIND = {k: str(v) for k, v in MeasureKind.choices}
STATUS = {k: str(v) for k, v in TaskStatus.choices}


def ledger_rows(tasks: QuerySet[RectificationTask]) -> Any:
    """Rows for the export, read in one pass: the latest progress text comes from a subquery."""
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-created_at", "-id")
    today = timezone.localdate()
    qs = tasks.annotate(latest_text=Subquery(latest.values("text")[:1])).order_by(
        "unit__path", "plan_id", "problem__number", "number").values_list(
        "problem__number", "number", "unit__name", "problem__category__name", "problem__title",
        "measure", "kind", "deadline", "responsible_leader", "responsible_person",
        "responsible_department", "latest_text", "progress", "status")
    for (pn, tn, unit, cat, title, measure, kind, deadline, leader, person, dept, latest_text,
         progress, status) in qs.iterator(chunk_size=5000):
        overdue = deadline is not None and status != TaskStatus.CLOSED and deadline < today
        yield (f"{pn}-{tn}", unit, cat, title, measure, KIND.get(kind, kind),
               deadline.isoformat() if deadline else "", leader, person, dept, latest_text or "",
               progress, STATUS.get(status, status), "是" if overdue else "否")


def export_ledger(*, user: User, tasks: QuerySet[RectificationTask], title: str = "") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "8"  # A3
    ws.print_title_rows = "1:1"
    for i, w in enumerate(WIDTHS, start=1):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    header = []
    for h in HEADERS:
        c = WriteOnlyCell(ws, value=h)
        c.font = xl.HEADER_FONT
        c.fill = xl.HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(c)
    ws.append(header)
    count = 0
    for row in ledger_rows(tasks):
        # Only text cells can carry a formula; they are neutralised and typed as text.
        out = []
        for value in row:
            if isinstance(value, str) and value:
                c = WriteOnlyCell(ws, value=xl.neutralise(value))
                c.data_type = "s"
                out.append(c)
            else:
                out.append(value)
        ws.append(out)
        count += 1
    buf = io.BytesIO()
    wb.save(buf)
    record(actor=user, action="ledger.export", object_type="rectification.task",
           object_repr=title[:200], changes={"rows": count})
    return buf.getvalue()


PROGRESS_COLUMNS = (
    xl.Column("code", "台账编号", required=True, parse=xl.text(20), width=10,
              help=_("从导出的台账中保留,格式为 问题编号-任务序号,例如 3-1。")),
    xl.Column("text", "本次进展", parse=xl.text(2000), width=50,
              help=_("留空表示该行本次不报送。")),
    xl.Column("percent", "完成进度(%)", parse=xl.integer, width=12, help=_("0 到 100 的整数。")),
)


def progress_template(plan: RectificationPlan) -> bytes:
    rows = [(f"{t.problem.number}-{t.number}", "", t.progress)
            for t in plan.tasks.select_related("problem").order_by("problem__number", "number")
            if t.status != TaskStatus.CLOSED]
    return xl.write_rows("进展报送", [c.header for c in PROGRESS_COLUMNS], rows,
                         widths=[c.width for c in PROGRESS_COLUMNS])


def import_progress(*, actor: User, plan: RectificationPlan, data: bytes,
                    filename: str = "") -> int:
    """Reports progress for every filled row, all or nothing; returns how many were reported."""
    reader = xl.SheetReader("进展报送", PROGRESS_COLUMNS)
    rows = reader.read(data)
    if any(e.row <= 1 for e in reader.errors):
        reader.raise_if_errors()
    tasks = {f"{t.problem.number}-{t.number}": t
             for t in plan.tasks.select_related("problem", "plan", "unit")}
    seen: dict[str, int] = {}
    todo: list[tuple[RectificationTask, str, int]] = []
    for r in rows:
        v = r.values
        code = v.get("code")
        if not v.get("text"):
            continue
        if code in seen:
            reader.error(r.row, "台账编号", _("与第 %(n)d 行重复。") % {"n": seen[code]})
            continue
        seen[code] = r.row
        task = tasks.get(code or "")
        if task is None:
            reader.error(r.row, "台账编号", _("本方案没有台账编号“%(c)s”。") % {"c": code})
            continue
        if task.status in (TaskStatus.CLOSED, TaskStatus.CLOSURE_REQUESTED):
            reader.error(r.row, "台账编号", _("该任务%(s)s,不能报送进展。") % {"s": task.get_status_display()})
        percent = v.get("percent")
        if percent is None:
            reader.error(r.row, "完成进度(%)", _("必填,不能为空。"))
        elif not 0 <= percent <= 100:
            reader.error(r.row, "完成进度(%)", _("须在 0 到 100 之间。"))
        elif percent < task.progress:
            reader.error(r.row, "完成进度(%)", _("不能低于上次报送的 %(p)d%%。") % {"p": task.progress})
        if len(v["text"]) < 5:
            reader.error(r.row, "本次进展", _("请写明本次整改进展。"))
        todo.append((task, v["text"], percent or 0))
    reader.raise_if_errors()
    if not todo:
        raise ValidationFailed(_("文件中没有填写任何进展。"), code="import_failed",
                               details=[{"sheet": "进展报送", "row": 0, "column": "本次进展",
                                         "message": _("没有填写任何进展。")}])
    with transaction.atomic():
        for task, text, percent in todo:
            progress_report(actor=actor, task=task, text=text, percent=percent)
        record(actor=actor, action="progress.import", obj=plan,
               changes={"file": filename[:100], "rows": len(todo)})
    return len(todo)
