"""Import and export of the organisation tree (Excel).

- ``template_workbook() -> bytes``: the downloadable template (drop-downs for kind and 启用).
- ``import_units(*, actor, data, filename) -> ImportResult``: all or nothing; every error listed
  with sheet, row, column and reason; a unit whose code already exists is updated, not duplicated.
- ``export_units(*, user, root=None) -> bytes``: the visible tree in the same layout, so an export
  can be edited and imported back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.core import spreadsheets as xl
from xuncha.core.errors import PermissionDenied
from xuncha.core.tree import subtree_q
from xuncha.organisations.models import KIND_LEVEL, Unit, UnitFunction, UnitKind
from xuncha.organisations.services import set_path

if TYPE_CHECKING:
    from xuncha.accounts.models import User

SHEET = "单位"
KIND_BY_LABEL = {str(label): value for value, label in UnitKind.choices}
FUNCTION_BY_LABEL = {str(label): value for value, label in UnitFunction.choices if value}

COLUMNS = (
    xl.Column("code", "机构代码", required=True, parse=xl.text(40), width=18,
              help=_("本系统内唯一。已存在的代码按修改处理,不会重复新建。")),
    xl.Column("name", "单位名称", required=True, parse=xl.text(120), width=30,
              help=_("党组织或单位的全称。")),
    xl.Column("short_name", "简称", parse=xl.text(60), width=14, help=_("可选。")),
    xl.Column("kind", "类型", required=True, choices=tuple(KIND_BY_LABEL), width=14,
              help=_("从下拉列表中选择,例如 乡镇、街道、部门单位、村、社区。")),
    xl.Column("parent_code", "上级机构代码", parse=xl.text(40), width=18,
              help=_("上级单位的机构代码,可以是本表中的单位,也可以是系统中已有的单位。"
                     "只有省、市级单位可以留空。")),
    xl.Column("sort_order", "排序", parse=xl.integer, width=8, help=_("整数,可选,越小越靠前。")),
    xl.Column("is_active", "启用", parse=xl.yes_no, choices=("是", "否"), width=8,
              help=_("是 / 否,留空为“是”。")),
    xl.Column("function", "机构职能", choices=tuple(FUNCTION_BY_LABEL), width=10,
              help=_("党委工作机关的职能:巡察办、纪委监委、组织部、督查室;其他单位留空。")),
)
HEADERS = [c.header for c in COLUMNS]


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def template_workbook() -> bytes:
    examples = [
        ("DHQ-QSZ", "东湖区青石镇", "青石镇", "乡镇", "DHQ", 10, "是"),
        ("DHQ-QSZ-LSC", "东湖区青石镇柳树村", "柳树村", "村", "DHQ-QSZ", 1, "是"),
    ]
    notes = [
        _("第一行是表头,请勿修改;从第二行起每行一个单位,示例行可删除。"),
        _("导入要么全部成功,要么一条也不导入:任何一处错误都会列出工作表、行、列和原因。"),
        _("导入不能调整已有单位的上级单位;如需调整,请在组织机构页面操作。"),
    ]
    return xl.template_workbook(SHEET, COLUMNS, examples, notes)


def import_units(*, actor: User, data: bytes, filename: str = "") -> ImportResult:
    """Validates every row, then writes all units in one transaction or nothing."""
    scope.require(actor, "organisations.import_unit")
    reader = xl.SheetReader(SHEET, COLUMNS)
    rows = reader.read(data)
    if any(e.row <= 1 for e in reader.errors):  # the file itself is unreadable: nothing to check
        reader.raise_if_errors()

    manage = scope.scope_for(actor, "organisations.manage_unit")
    if manage.empty:
        raise PermissionDenied(_("您的角色无权维护组织机构。"))

    by_code: dict[str, xl.ParsedRow] = {}
    for r in rows:
        code = r.values.get("code")
        if code is None:
            continue
        if code in by_code:
            reader.error(r.row, "机构代码", _("与第 %(n)d 行的机构代码重复。")
                         % {"n": by_code[code].row})
            continue
        by_code[code] = r
    codes = set(by_code)
    parent_codes = {r.values.get("parent_code") for r in rows if r.values.get("parent_code")}
    existing = {u.code: u for u in Unit.objects.filter(code__in=codes | parent_codes)}

    # Resolve each row's level and parent; parents may be in the file (any order) or in the system.
    for code, r in by_code.items():
        v = r.values
        kind = KIND_BY_LABEL.get(v.get("kind") or "")
        if kind is None:
            continue  # already reported by the reader
        v["kind"] = kind
        parent_code = v.get("parent_code")
        current = existing.get(code)
        if parent_code == code:
            reader.error(r.row, "上级机构代码", _("上级单位不能是自己。"))
            continue
        parent_kind: str | None = None
        parent_unit = existing.get(parent_code) if parent_code else None
        if parent_code and parent_code in by_code:
            parent_kind = KIND_BY_LABEL.get(by_code[parent_code].values.get("kind") or "") or (
                by_code[parent_code].values.get("kind")
            )
        elif parent_unit is not None:
            parent_kind = parent_unit.kind
            if not manage.covers_unit(parent_unit):
                reader.error(r.row, "上级机构代码", _("无权在“%(p)s”下维护单位。")
                             % {"p": parent_unit.name})
        elif parent_code:
            reader.error(r.row, "上级机构代码", _("上级机构代码“%(c)s”在本表和系统中都不存在。")
                         % {"c": parent_code})
            continue
        elif KIND_LEVEL[kind] > 1:
            reader.error(r.row, "上级机构代码", _("只有省、市级单位可以不填上级单位。"))
        elif not manage.everything:
            reader.error(r.row, "上级机构代码", _("只有全系统范围的管理员可以新建顶级单位。"))
        if parent_kind is not None and parent_kind in KIND_LEVEL and (
            KIND_LEVEL[kind] <= KIND_LEVEL[parent_kind]
        ):
            reader.error(r.row, "类型", _("“%(k)s”不能作为“%(p)s”的下级。")
                         % {"k": UnitKind(kind).label, "p": UnitKind(parent_kind).label})
        if current is not None:
            if not manage.covers_unit(current):
                reader.error(r.row, "机构代码", _("机构代码“%(c)s”已被其他单位使用。") % {"c": code})
                continue
            current_parent_code = current.parent.code if current.parent_id else None
            if (parent_code or None) != current_parent_code:
                reader.error(r.row, "上级机构代码",
                             _("导入不能调整已有单位的上级单位(现为“%(p)s”)。")
                             % {"p": current_parent_code or _("无")})
            if KIND_LEVEL[kind] != current.level:
                reader.error(r.row, "类型", _("不能通过导入改变已有单位的层级。"))
    _check_cycles(by_code, reader)
    reader.raise_if_errors()
    return _commit(actor, by_code, existing, filename)


def _check_cycles(by_code: dict[str, xl.ParsedRow], reader: xl.SheetReader) -> None:
    for code, r in by_code.items():
        seen = {code}
        parent = r.values.get("parent_code")
        while parent in by_code:
            if parent in seen:
                reader.error(r.row, "上级机构代码", _("上级关系形成循环。"))
                break
            seen.add(parent)
            parent = by_code[parent].values.get("parent_code")


@transaction.atomic
def _commit(actor: User, by_code: dict[str, xl.ParsedRow], existing: dict[str, Unit],
            filename: str) -> ImportResult:
    created = updated = unchanged = 0
    fields = ("name", "short_name", "sort_order", "is_active", "function")
    done: dict[str, Unit] = {}

    def depth_of(code: str) -> int:
        d, parent = 0, by_code[code].values.get("parent_code")
        while parent in by_code:
            d, parent = d + 1, by_code[parent].values.get("parent_code")
        return d

    for code in sorted(by_code, key=depth_of):
        v = by_code[code].values
        values = {
            "name": v["name"], "short_name": v.get("short_name") or "",
            "sort_order": v.get("sort_order") or 0,
            "is_active": True if v.get("is_active") is None else v["is_active"],
            "function": FUNCTION_BY_LABEL.get(v.get("function") or "", ""),
        }
        current = existing.get(code)
        if current is not None:
            changed = {f: values[f] for f in fields if getattr(current, f) != values[f]}
            if changed:
                Unit.objects.filter(pk=current.pk).update(version=current.version + 1, **changed)
                updated += 1
            else:
                unchanged += 1
            done[code] = current
            continue
        parent_code = v.get("parent_code")
        parent = done.get(parent_code) or existing.get(parent_code) if parent_code else None
        unit = Unit.objects.create(code=code, kind=v["kind"], level=KIND_LEVEL[v["kind"]],
                                   parent=parent, **values)
        set_path(unit)
        unit.save(update_fields=["path", "depth", "county"])
        done[code] = unit
        created += 1
    record(actor=actor, action="unit.import", object_type="organisations.unit",
           object_repr=filename[:200] or _("组织机构导入"),
           changes={"created": created, "updated": updated, "unchanged": unchanged,
                    "codes": sorted(by_code)[:200]})
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def export_units(*, user: User, root: Unit | None = None) -> bytes:
    """The units the user may see (under ``root`` if given), in the import layout."""
    qs = scope.visible(user, Unit).select_related("parent").order_by("path")
    if root is not None:
        qs = qs.filter(subtree_q(root.path))
    labels = dict(UnitKind.choices)
    functions = dict(UnitFunction.choices)

    def rows() -> Any:
        for u in qs.iterator(chunk_size=2000):
            yield (u.code, u.name, u.short_name, str(labels[u.kind]),
                   u.parent.code if u.parent_id else "", u.sort_order,
                   "是" if u.is_active else "否", str(functions[u.function]) if u.function else "")

    record(actor=user, action="unit.export", object_type="organisations.unit",
           object_repr=root.name if root else _("全部可见单位"))
    return xl.write_rows(SHEET, HEADERS, rows(), widths=[c.width for c in COLUMNS])
