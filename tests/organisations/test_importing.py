"""Organisation import: all or nothing, every error listed, re-import updates; export is safe."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from xuncha.core.errors import PermissionDenied, ValidationFailed
from xuncha.organisations.importing import HEADERS, export_units, import_units, template_workbook
from xuncha.organisations.models import Unit


def workbook(rows, *, sheet="单位", headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    ("EAST-NEW", "东湖区新华街道", "新华街道", "街道", "EAST", 5, "是"),
    ("EAST-NEW-1", "东湖区新华街道光明社区", "光明社区", "社区", "EAST-NEW", 1, "是"),
    # a child listed before its parent still imports
    ("EAST-NEW-3", "东湖区民主街道和平社区", "", "社区", "EAST-NEW-2", 3, "否"),
    ("EAST-NEW-2", "东湖区民主街道", "", "街道", "EAST", 2, ""),
]


def test_good_file_imports_every_unit_under_its_parent(world):
    result = import_units(actor=world.sysadmin, data=workbook(GOOD), filename="t.xlsx")
    assert (result.created, result.updated) == (4, 0)
    street = Unit.objects.get(code="EAST-NEW")
    assert street.parent == world.units["east"]
    assert street.county_id == world.units["east"].id
    child = Unit.objects.get(code="EAST-NEW-3")
    assert child.path.startswith(Unit.objects.get(code="EAST-NEW-2").path)
    assert child.is_active is False


def test_reimport_updates_instead_of_duplicating(world):
    import_units(actor=world.sysadmin, data=workbook(GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][1] = "东湖区新华街道(更名)"
    result = import_units(actor=world.sysadmin, data=workbook(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Unit.objects.filter(code="EAST-NEW").count() == 1
    assert Unit.objects.get(code="EAST-NEW").name == "东湖区新华街道(更名)"


def test_bad_file_lists_every_error_and_imports_nothing(world):
    before = Unit.objects.count()
    rows = [
        ("EAST-A", "", "", "街道", "EAST", 1, "是"),  # missing name
        ("EAST-B", "某单位", "", "火星", "EAST", 1, "是"),  # bad kind
        ("EAST-C", "某村", "", "村", "NOPE", 1, "是"),  # unknown parent
        ("EAST-D", "某街道", "", "街道", "EAST", "abc", "是"),  # bad sort
        ("EAST-D", "重复", "", "街道", "EAST", 1, "是"),  # duplicate code
        ("EAST-E", "某局", "", "部门单位", "EAST-QS", 1, "是"),  # department under a township
        ("EAST-F", "好单位", "", "街道", "EAST", 1, "是"),  # fine, but nothing is imported
    ]
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook(rows))
    details = exc.value.details
    where = {(d["row"], d["column"]) for d in details}
    assert (2, "单位名称") in where
    assert (3, "类型") in where
    assert (4, "上级机构代码") in where
    assert (5, "排序") in where
    assert (6, "机构代码") in where
    assert (7, "类型") in where
    assert all(d["sheet"] == "单位" and d["message"] for d in details)
    assert Unit.objects.count() == before


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "文件为空"),
        (b"name,code\n1,2\n", "不是有效的 Excel"),
        (None, "缺少工作表"),
        ("truncated", "损坏"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(world, data, fragment):
    if data is None:
        data = workbook(GOOD, sheet="Sheet1")
    elif data == "truncated":
        data = workbook(GOOD)[:-200]
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=data)
    assert fragment in exc.value.details[0]["message"]


def test_oversized_file_is_refused(world, settings):
    settings.XUNCHA_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook(GOOD))
    assert "超过上限" in exc.value.details[0]["message"]


def test_too_many_rows_is_refused(world, settings):
    settings.XUNCHA_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook(GOOD))
    assert "行数超过上限" in exc.value.details[0]["message"]


def test_formula_cells_are_refused(world):
    rows = [("EAST-X", "=HYPERLINK(\"http://x\",\"点我\")", "", "街道", "EAST", 1, "是")]
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook(rows))
    assert "公式" in exc.value.details[0]["message"]


def test_missing_required_column_is_named(world):
    headers = [h for h in HEADERS if h != "类型"]
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook([], headers=headers))
    assert exc.value.details[0]["column"] == "类型"


def test_import_cannot_move_an_existing_unit(world):
    rows = [("EAST-QS", "东湖区青石镇", "", "乡镇", "WEST", 1, "是")]
    with pytest.raises(ValidationFailed) as exc:
        import_units(actor=world.sysadmin, data=workbook(rows))
    assert "上级" in exc.value.details[0]["message"]


def test_roles_without_import_permission_are_refused(world):
    with pytest.raises(PermissionDenied):
        import_units(actor=world.east_office, data=workbook(GOOD))


def test_export_contains_only_visible_units_and_round_trips(world):
    data = export_units(user=world.sysadmin)
    ws = load_workbook(io.BytesIO(data))["单位"]
    codes = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert codes == list(Unit.objects.order_by("path").values_list("code", flat=True))
    result = import_units(actor=world.sysadmin, data=data)
    assert result.created == 0 and result.updated == 0


def test_export_neutralises_formula_injection(world):
    unit = world.units["east_town"]
    Unit.objects.filter(pk=unit.pk).update(name="=1+2", short_name="@SUM(A1)")
    ws = load_workbook(io.BytesIO(export_units(user=world.sysadmin)))["单位"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == unit.code)
    assert row[1].data_type == "s" and row[1].value == "'=1+2"
    assert row[2].value == "'@SUM(A1)"


def test_export_is_scoped_to_the_user(world):
    from xuncha.accounts.scope import visible

    ws = load_workbook(io.BytesIO(export_units(user=world.east_office)))["单位"]
    codes = {r[0].value for r in ws.iter_rows(min_row=2)}
    assert "WEST" not in codes and "EAST-QS-LS" in codes
    assert len(codes) == visible(world.east_office, Unit).count()


def test_template_has_dropdowns_and_notes(db):
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames[0] == "单位"
    assert [c.value for c in wb["单位"][1]] == HEADERS
    assert wb["单位"].data_validations.dataValidation
    assert "填写说明" in wb.sheetnames
