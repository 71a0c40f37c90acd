"""Problem import: malformed, truncated, wrong-sheet, oversized, formula-bearing, duplicate rows;
re-import updates; export neutralises formulas."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.inspections.helpers import on_site_inspection
from xuncha.core.errors import PermissionDenied, ValidationFailed
from xuncha.findings.importing import export_problems, headers, import_problems, template_workbook
from xuncha.findings.models import Problem


def book(rows, sheet="问题清单", hdr=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(hdr or headers())
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    (None, "党的建设·组织建设", "三会一课落实不到位", "2023年机关党支部全年仅召开支部委员会4次。",
     "一般", None, "否", "否"),
    (None, "0204", "违规发放津补贴", "2022年以加班费名义向班子成员发放补贴共计2.4万元。", "较重", None, "是", "是"),
]


@pytest.fixture
def insp(world):
    return on_site_inspection(world)


def test_good_file_imports_and_numbers_the_problems(world, insp):
    r = import_problems(actor=world.east_member, inspection=insp, data=book(GOOD))
    assert (r.created, r.updated) == (2, 0)
    p = Problem.objects.get(inspection=insp, number=2)
    assert p.category.code == "0204" and p.is_common and p.names_people


def test_reimport_of_an_export_updates_instead_of_duplicating(world, insp):
    import_problems(actor=world.east_member, inspection=insp, data=book(GOOD))
    exported = export_problems(user=world.east_member, inspection=insp)
    ws = load_workbook(io.BytesIO(exported))["问题清单"]
    ws["C2"] = "三会一课制度落实不到位(修改)"
    buf = io.BytesIO()
    ws.parent.save(buf)
    r = import_problems(actor=world.east_member, inspection=insp, data=buf.getvalue())
    assert (r.created, r.updated, r.unchanged) == (0, 1, 1)
    assert Problem.objects.filter(inspection=insp).count() == 2
    # a drafted file without numbers, imported twice, does not duplicate either
    r = import_problems(actor=world.east_member, inspection=insp, data=book(GOOD[1:]))
    assert r.created == 0


def test_every_error_is_listed_and_nothing_is_imported(world, insp):
    rows = [
        (None, "不存在的类别", "概述", "这是一段足够长的事实描述文字。", "一般", None, "否", "否"),
        (None, "0203", "", "这是一段足够长的事实描述文字。", "特别严重", None, "否", "否"),
        (3, "0203", "概述A", "太短", "一般", 99, "也许", "否"),
        (3, "0203", "概述B", "这是一段足够长的事实描述文字。", "一般", None, "否", "否"),
        (None, "0203", "概述B", "这是一段足够长的事实描述文字。", "一般", None, "否", "否"),
    ]
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    where = {(d["row"], d["column"]) for d in exc.value.details}
    assert {(2, "问题类别"), (3, "问题概述"), (3, "严重程度"), (4, "具体事实"), (4, "重点清单项"),
            (4, "共性问题"), (5, "问题编号"), (6, "问题概述")} <= where
    assert all(d["sheet"] == "问题清单" for d in exc.value.details)
    assert not Problem.objects.filter(inspection=insp).exists()


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "文件为空"),
    (b"\xd0\xcf\x11\xe0 old excel", "不是有效的 Excel"),
    ("wrong-sheet", "缺少工作表"),
    ("truncated", "损坏"),
])
def test_malformed_files_are_refused(world, insp, data, fragment):
    if data == "wrong-sheet":
        data = book(GOOD, sheet="Sheet1")
    elif data == "truncated":
        data = book(GOOD)[: len(book(GOOD)) // 2]
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=data)
    assert fragment in exc.value.details[0]["message"]


def test_oversized_and_too_long_files_are_refused(world, insp, settings):
    settings.XUNCHA_IMPORT_MAX_ROWS = 1
    with pytest.raises(ValidationFailed, match="1 处错误"):
        import_problems(actor=world.east_member, inspection=insp, data=book(GOOD))
    settings.XUNCHA_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(GOOD))
    assert "超过上限" in exc.value.details[0]["message"]


def test_formula_bearing_cells_are_refused(world, insp):
    rows = [(None, "0203", "=cmd|' /C calc'!A0", "这是一段足够长的事实描述文字。", "一般", None, "否", "否")]
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    assert "公式" in exc.value.details[0]["message"]


def test_export_writes_leading_equals_as_text(world, insp):
    from xuncha.findings.services import problem_update

    import_problems(actor=world.east_member, inspection=insp, data=book(GOOD))
    p = Problem.objects.get(inspection=insp, number=1)
    problem_update(actor=world.east_member, problem=p, expected_version=p.version,
                   title="=HYPERLINK(\"http://evil\",\"点击\")")
    ws = load_workbook(io.BytesIO(export_problems(user=world.east_member, inspection=insp)))["问题清单"]
    cell = ws["C2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_outsiders_cannot_import(world, insp):
    with pytest.raises(PermissionDenied):
        import_problems(actor=world.west_member, inspection=insp, data=book(GOOD))


def test_template_offers_category_dropdown_from_a_hidden_sheet(db):
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb["类别"].sheet_state == "hidden"
    assert wb["类别"]["A2"].value == "党的领导·贯彻落实党中央决策部署"
    assert any("类别!" in dv.formula1 for dv in wb["问题清单"].data_validations.dataValidation)
