"""Problem lists in Excel: teams draft on site in Excel, then import.

- ``template_workbook(inspection)``: headers, drop-downs for category, severity and yes/no (the
  category list sits on its own sheet, as Excel limits inline lists to 255 characters), notes.
- ``import_problems(*, actor, inspection, data, filename)``: every row validated, every error listed
  (sheet, row, column, reason), nothing imported unless all is valid; a row whose 问题编号 (or, with
  no number, whose 问题概述) matches an existing problem updates it instead of adding a duplicate.
- ``export_problems(*, user, inspection)``: the visible problems in the same layout, formula-safe.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.accounts.scope import visible
from xuncha.audit.services import record
from xuncha.core import spreadsheets as xl
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.findings.models import Problem, ProblemCategory, ProblemState, Severity
from xuncha.findings.services import problem_update, problems_create_many
from xuncha.inspections.models import Inspection
from xuncha.inspections.services import require_finding_writer

if TYPE_CHECKING:
    from xuncha.accounts.models import User

SHEET = "问题清单"
CATEGORY_SHEET = "类别"
SEVERITY_BY_LABEL = {str(label): value for value, label in Severity.choices}


def _categories() -> dict[str, ProblemCategory]:
    """Both the label (党的建设·组织建设) and the code (0203) name a leaf category."""
    cats = ProblemCategory.objects.filter(is_active=True, parent__isnull=False).select_related(
        "parent")
    out: dict[str, ProblemCategory] = {}
    for c in cats:
        out[c.label] = c
        out[c.code] = c
    return out


def columns() -> tuple[xl.Column, ...]:
    return (
        xl.Column("number", "问题编号", parse=xl.integer, width=10,
                  help=_("新问题可留空,系统自动编号;填写已有编号则修改该问题。")),
        xl.Column("category", "问题类别", required=True, parse=xl.text(60), width=26,
                  help=_("从下拉列表选择二级类别,也可填写类别代码(如 0203)。")),
        xl.Column("title", "问题概述", required=True, parse=xl.text(200), width=36,
                  help=_("一句话概括问题,不超过 200 字。")),
        xl.Column("facts", "具体事实", required=True, parse=xl.text(5000), width=60,
                  help=_("写实:时间、地点、人和事,至少 10 个字。")),
        xl.Column("severity", "严重程度", choices=tuple(SEVERITY_BY_LABEL), width=10,
                  help=_("一般 / 较重 / 严重,留空为一般。")),
        xl.Column("checklist", "重点清单项", parse=xl.integer, width=10,
                  help=_("本轮重点清单的序号,可留空。")),
        xl.Column("is_common", "共性问题", parse=xl.yes_no, choices=("是", "否"), width=10,
                  help=_("是 / 否,留空为否。")),
        xl.Column("names_people", "涉及具体人员", parse=xl.yes_no, choices=("是", "否"), width=12,
                  help=_("问题涉及具体责任人时填“是”;涉及违纪违法的应登记为问题线索,不要写在这里。")),
    )


def headers() -> list[str]:
    return [c.header for c in columns()]


def template_workbook(inspection: Inspection | None = None) -> bytes:
    cols = columns()
    examples = [(None, "党的建设·组织建设", "党支部“三会一课”制度落实不到位",
                 "2023年该镇机关党支部全年仅召开支部委员会4次,党小组会记录缺失。", "一般", 6, "否",
                 "否")]
    notes = [
        _("第一行是表头,请勿修改;从第二行起每行一个问题,示例行可删除。"),
        _("导入要么全部成功,要么一条也不导入:每一处错误都会列出工作表、行、列和原因。"),
        _("涉及具体人员违纪违法的情况属于问题线索,须单独登记并严格保密,不得写入本表。"),
    ]
    raw = xl.template_workbook(SHEET, cols, examples, notes)
    wb = load_workbook(io.BytesIO(raw))
    cats = ProblemCategory.objects.filter(is_active=True, parent__isnull=False).select_related(
        "parent").order_by("code")
    cat_ws = wb.create_sheet(CATEGORY_SHEET)
    cat_ws.append([_("问题类别"), _("代码")])
    labels = [c.label for c in cats]
    for c in cats:
        cat_ws.append([c.label, c.code])
    cat_ws.sheet_state = "hidden"
    ws = wb[SHEET]
    dv = DataValidation(type="list", formula1=f"={CATEGORY_SHEET}!$A$2:$A${len(labels) + 1}",
                        allow_blank=False, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add("B2:B5000")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class ProblemImportResult:
    created: int
    updated: int
    unchanged: int


def import_problems(*, actor: User, inspection: Inspection, data: bytes,
                    filename: str = "") -> ProblemImportResult:
    require_finding_writer(actor, inspection)
    reader = xl.SheetReader(SHEET, columns())
    rows = reader.read(data)
    if any(e.row <= 1 for e in reader.errors):
        reader.raise_if_errors()
    cats = _categories()
    checklist = {i.number: i for i in inspection.round.checklist.all()}
    existing = {p.number: p for p in inspection.problems.select_related("category")}
    by_title = {p.title: p for p in existing.values()}
    seen_numbers: dict[int, int] = {}
    seen_titles: dict[str, int] = {}
    plan: list[tuple[Problem | None, dict[str, Any]]] = []
    for r in rows:
        v = r.values
        number = v.get("number")
        category = cats.get(v.get("category") or "")
        if v.get("category") and category is None:
            reader.error(r.row, "问题类别", _("“%(c)s”不是有效的二级问题类别。") % {"c": v["category"]})
        if v.get("facts") and len(v["facts"]) < 10:
            reader.error(r.row, "具体事实", _("过于简略(至少 10 个字):写清时间、地点、人和事。"))
        item = None
        if v.get("checklist") is not None:
            item = checklist.get(v["checklist"])
            if item is None:
                reader.error(r.row, "重点清单项", _("本轮重点清单没有第 %(n)s 项。") % {"n": v["checklist"]})
        if number is not None:
            if number in seen_numbers:
                reader.error(r.row, "问题编号", _("与第 %(n)d 行的问题编号重复。") % {"n": seen_numbers[number]})
            seen_numbers[number] = r.row
            if number <= 0:
                reader.error(r.row, "问题编号", _("问题编号须为正整数。"))
        title = v.get("title")
        if title:
            if title in seen_titles:
                reader.error(r.row, "问题概述", _("与第 %(n)d 行的问题重复。") % {"n": seen_titles[title]})
            seen_titles[title] = r.row
        target = existing.get(number) if number is not None else by_title.get(title or "")
        if target is not None and target.state != ProblemState.ACTIVE:
            reader.error(r.row, "问题编号", _("第 %(n)s 号问题已转为线索或已撤销,不能修改。")
                         % {"n": target.number})
        values = {"number": number, "category": category, "title": title, "facts": v.get("facts"),
                  "severity": SEVERITY_BY_LABEL.get(v.get("severity") or "一般", Severity.GENERAL),
                  "checklist_item": item, "is_common": bool(v.get("is_common")),
                  "names_people": bool(v.get("names_people"))}
        plan.append((target, values))
    reader.raise_if_errors()
    return _commit(actor, inspection, plan, filename)


@transaction.atomic
def _commit(actor: User, inspection: Inspection, plan: list[tuple[Problem | None, dict[str, Any]]],
            filename: str) -> ProblemImportResult:
    """New rows are created together (``problems_create_many``: numbered in file order, one audit
    event each, the feedback list refreshed once); rows naming an existing problem go through
    ``problem_update``, only when something changed."""
    updated = unchanged = 0
    fields = ("category", "title", "facts", "severity", "checklist_item", "is_common",
              "names_people")
    new_rows = [values for target, values in plan if target is None]
    try:
        if new_rows:
            problems_create_many(actor=actor, inspection=inspection, rows=new_rows)
        for target, values in plan:
            if target is None:
                continue
            changed = {f: values[f] for f in fields if getattr(target, f) != values[f]}
            if changed:
                problem_update(actor=actor, problem=target, expected_version=target.version,
                               **changed)
                updated += 1
            else:
                unchanged += 1
    except ValidationFailed as exc:  # a rule checked only by the service: report, import nothing
        raise ValidationFailed(_("导入失败:%(m)s 未导入任何数据。") % {"m": exc.message},
                               code="import_failed", details=exc.details) from None
    except Conflict:
        raise
    created = len(new_rows)
    record(actor=actor, action="problem.import", obj=inspection,
           changes={"file": filename[:100], "created": created, "updated": updated,
                    "unchanged": unchanged})
    return ProblemImportResult(created=created, updated=updated, unchanged=unchanged)


def export_problems(*, user: User, inspection: Inspection) -> bytes:
    qs = visible(user, Problem).filter(inspection=inspection).select_related(
        "category", "category__parent", "checklist_item").order_by("number")

    def rows() -> Any:
        for p in qs:
            yield (p.number, p.category.label, p.title, p.facts, p.get_severity_display(),
                   p.checklist_item.number if p.checklist_item else None,
                   "是" if p.is_common else "否", "是" if p.names_people else "否")

    record(actor=user, action="problem.export", obj=inspection)
    from xuncha.leads.selectors import audit_converted_problems

    audit_converted_problems(user=user, problems=list(qs.select_related("lead")), request=None)
    return xl.write_rows(SHEET, headers(), rows(), widths=[c.width for c in columns()])
