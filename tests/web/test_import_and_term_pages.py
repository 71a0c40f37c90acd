"""Import/export of the tree and the 届次 pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from xuncha.core.errors import ValidationFailed
from xuncha.organisations import importing
from xuncha.organisations.models import Term

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Result:
    created: int
    updated: int


@pytest.fixture
def importer(monkeypatch):
    """Stands in for xuncha.organisations.importing (its contract, not its parsing)."""
    calls: dict[str, object] = {}

    def template_workbook() -> bytes:
        return b"PK-template"

    def export_units(*, user, root=None) -> bytes:
        calls["export"] = (user, root)
        return b"PK-export"

    def import_units(*, actor, data, filename):
        calls["import"] = (actor, data, filename)
        if calls.get("fail"):
            raise ValidationFailed("导入文件有 2 处错误,未导入任何数据。", details=[
                {"sheet": "单位", "row": 3, "column": "上级机构代码", "message": "上级单位“X-1”不存在。"},
                {"sheet": "单位", "row": 7, "column": "类型", "message": "类型“镇”无效。"},
            ])
        return Result(created=4, updated=1)

    monkeypatch.setattr(importing, "template_workbook", template_workbook, raising=False)
    monkeypatch.setattr(importing, "export_units", export_units, raising=False)
    monkeypatch.setattr(importing, "import_units", import_units, raising=False)
    return calls


def upload(name: str = "units.xlsx", content: bytes = b"PK\x03\x04 workbook") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_template_download_is_an_excel_attachment(client_for, importer):
    r = client_for("sysadmin").get("/org/units/import/template/")
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX
    assert "attachment" in r["Content-Disposition"]
    assert r.content == b"PK-template"


def test_import_is_refused_to_a_role_without_the_import_permission(client_for, importer):
    c = client_for("east_office")
    assert c.get("/org/units/import/").status_code == 403
    assert c.get("/org/units/import/template/").status_code == 403
    assert c.post("/org/units/import/", {"file": upload()}).status_code == 403
    assert "import" not in importer


def test_successful_import_reports_the_counts(client_for, world, importer):
    c = client_for("sysadmin")
    r = c.post("/org/units/import/", {"file": upload()})
    assert r.status_code == 302
    actor, data, filename = importer["import"]
    assert actor == world.sysadmin and filename == "units.xlsx" and data.startswith(b"PK")
    html = c.get(r["Location"]).content.decode()
    assert "导入完成：新增 4 个单位，更新 1 个单位。" in html


def test_failed_import_lists_every_error_with_sheet_row_and_column(client_for, importer):
    importer["fail"] = True
    r = client_for("sysadmin").post("/org/units/import/", {"file": upload()})
    assert r.status_code == 422
    html = r.content.decode()
    assert "发现 2 处错误，未导入任何数据" in html
    for text in ("工作表", "行", "列", "原因", "上级单位“X-1”不存在。", "类型“镇”无效。",
                 "上级机构代码"):
        assert text in html


def test_import_refuses_a_file_that_is_not_xlsx(client_for, importer):
    r = client_for("sysadmin").post("/org/units/import/", {"file": upload("units.csv", b"a,b")})
    assert r.status_code == 422
    assert "只能导入 .xlsx 格式的 Excel 文件" in r.content.decode()
    assert "import" not in importer


def test_import_without_a_file_says_the_file_is_required(client_for, importer):
    r = client_for("sysadmin").post("/org/units/import/", {})
    assert r.status_code == 422
    assert "这个字段是必填项" in r.content.decode()


def test_export_of_the_visible_tree(client_for, world, importer):
    r = client_for("east_office").get("/org/units/export/")
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX
    assert importer["export"] == (world.east_office, None)


def test_export_of_a_subtree_out_of_scope_is_not_found(client_for, world, importer):
    r = client_for("east_office").get(f"/org/units/export/?root={world.units['west'].pk}")
    assert r.status_code == 404
    assert "export" not in importer


def test_export_is_refused_without_the_unit_permission(client_for, importer):
    assert client_for("auditor").get("/org/units/export/").status_code == 403


# --- terms ------------------------------------------------------------------------------------


def test_terms_page_lists_terms_per_committee_in_scope(client_for):
    html = client_for("east_office").get("/org/terms/").content.decode()
    assert "东湖区" in html and "十二届" in html
    assert "西山县" not in html


def test_terms_page_is_refused_without_the_term_permission(client_for):
    assert client_for("auditor").get("/org/terms/").status_code == 403


def test_office_creates_a_term_for_its_county(client_for, world):
    county = world.units["east"]
    r = client_for("east_office").post("/org/terms/add/", {
        "unit": str(county.pk), "name": "十三届", "start_date": "2026-09-01",
        "end_date": "2031-08-31",
    })
    assert r.status_code == 302
    assert Term.objects.filter(unit=county, name="十三届").exists()


def test_term_form_offers_only_committees_the_user_manages(client_for, world):
    html = client_for("east_office").get("/org/terms/add/").content.decode()
    assert f'value="{world.units["east"].pk}"' in html
    assert f'value="{world.units["west"].pk}"' not in html
    assert f'value="{world.units["east_town"].pk}"' not in html


def test_term_with_end_before_start_is_refused_next_to_the_end_date(client_for, world):
    r = client_for("east_office").post("/org/terms/add/", {
        "unit": str(world.units["east"].pk), "name": "十三届", "start_date": "2031-08-31",
        "end_date": "2026-09-01",
    })
    assert r.status_code == 422
    html = r.content.decode()
    assert "结束日期必须晚于开始日期" in html
    assert 'value="十三届"' in html


def test_term_of_another_county_cannot_be_created(client_for, world):
    r = client_for("east_office").post("/org/terms/add/", {
        "unit": str(world.units["west"].pk), "name": "十三届", "start_date": "2026-09-01",
        "end_date": "2031-08-31",
    })
    assert r.status_code == 422  # not among the choices
    assert not Term.objects.filter(name="十三届").exists()


def test_unit_contact_may_not_manage_terms(client_for):
    assert client_for("east_contact").get("/org/terms/add/").status_code == 403


def test_term_edit_with_a_stale_version_shows_the_conflict(client_for, world):
    term = world.terms["east"]
    seen = term.version
    Term.objects.filter(pk=term.pk).update(end_date=date(2026, 9, 30), version=F("version") + 1)
    r = client_for("east_office").post(f"/org/terms/{term.pk}/edit/", {
        "name": "第十二届", "start_date": "2021-09-01", "end_date": "2026-08-31",
        "version": str(seen),
    })
    assert r.status_code == 409
    html = r.content.decode()
    assert "该记录已被他人修改" in html
    assert "2026-09-30" in html
    assert 'value="第十二届"' in html


def test_term_edit_of_another_county_is_not_found(client_for, world):
    term = world.terms["west"]
    assert client_for("east_office").get(f"/org/terms/{term.pk}/edit/").status_code == 404


# --- the real importer behind the page ----------------------------------------------------------


def _workbook(rows: list[tuple]) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(importing.template_workbook()))
    sheet = book[importing.SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_page_imports_a_real_workbook(client_for, world):
    data = _workbook([("EAST-QS-SQ", "东湖区青石镇石桥村", "石桥村", "村", "EAST-QS", 2, "是")])
    c = client_for("sysadmin")
    r = c.post("/org/units/import/", {"file": upload(content=data)})
    assert r.status_code == 302
    assert "新增 1 个单位" in c.get(r["Location"]).content.decode()


def test_page_lists_the_real_importers_errors_and_imports_nothing(client_for, world):
    from xuncha.organisations.models import Unit

    data = _workbook([
        ("EAST-QS-SQ", "东湖区青石镇石桥村", "", "村", "NOPE", 2, "是"),
        ("EAST-QS-HT", "东湖区青石镇河头村", "", "村", "EAST-QS", 3, "是"),
    ])
    r = client_for("sysadmin").post("/org/units/import/", {"file": upload(content=data)})
    assert r.status_code == 422
    html = r.content.decode()
    assert "NOPE" in html and "上级机构代码" in html
    assert not Unit.objects.filter(code__in=["EAST-QS-SQ", "EAST-QS-HT"]).exists()
