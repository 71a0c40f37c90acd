"""The ledger and its items: filters and pages, export, progress with evidence, 对账销号 by the office
only, reopen, progress import and sampling."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.rectification_pages.conftest import html, pdf
from xuncha.rectification import ledger
from xuncha.rectification.models import ProgressReport, RectificationTask, TaskStatus


@pytest.fixture
def many(world, approved):
    """60 more tasks on the approved plan: 10 overdue, the rest later; half 立行立改."""
    plan = approved
    problem = plan.tasks.first().problem
    today = timezone.localdate()
    for i in range(60):
        RectificationTask.objects.create(
            plan=plan, problem=problem, unit=plan.unit, county_id=plan.unit.county_id,
            number=10 + i, measure=f"第{i}项措施:修订制度并组织学习2次",
            kind="immediate" if i % 2 else "deadline",
            deadline=today - timedelta(days=3) if i < 10 else today + timedelta(days=40),
            responsible_leader="镇长", responsible_person="专人甲" if i == 7 else "办事员")
    return plan


def test_ledger_pages_by_fifty_and_keeps_the_filters(client_for, many):
    c = client_for("east_office")
    page = html(c.get("/rectification/ledger/"))
    assert page.count('class="row-link') == 50 and "共 62 项" in page
    page2 = html(c.get("/rectification/ledger/?page=2"))
    assert page2.count('class="row-link') == 12
    r = c.get("/rectification/ledger/?kind=immediate&page=1")
    assert html(r).count('class="row-link') == 30 and "共 30 项" in html(r)
    overdue = html(c.get("/rectification/ledger/?status=overdue"))
    assert overdue.count('class="row-link') == 10 and "逾期 3 天" in overdue
    found = html(c.get("/rectification/ledger/?q=专人甲"))
    assert found.count('class="row-link') == 1
    # The export link carries the same filters.
    assert "/rectification/ledger/export/?status=overdue" in overdue


def test_pagination_links_keep_the_filters(client_for, many):
    page = html(client_for("east_office").get("/rectification/ledger/?status=open"))
    assert "?status=open&amp;page=2" in page


def test_ledger_export_uses_the_same_filters(client_for, many):
    r = client_for("east_office").get("/rectification/ledger/export/?status=overdue")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10 and all(row[-1] == "是" for row in rows)


def test_unit_sees_only_its_own_ledger(client_for, many, world):
    page = html(client_for("west_contact").get("/rectification/ledger/"))
    assert "东湖区青石镇" not in page and "共 0 项" in page


def test_progress_with_several_files_then_closure(client_for, world, approved):
    task = approved.tasks.order_by("number").first()
    c = client_for("east_contact")
    r = c.post(f"/rectification/tasks/{task.pk}/progress/",
               {"text": "已修订办法并印发", "percent": "80",
                "evidence": [pdf("办法.pdf"), pdf("签到表.pdf", b"%PDF-1.4\n% other\n%%EOF\n")]})
    assert r.status_code == 302
    page = html(c.get(f"/rectification/tasks/{task.pk}/"))
    assert "办法.pdf" in page and "签到表.pdf" in page and "/files/" in page
    r = c.post(f"/rectification/tasks/{task.pk}/closure/", {"note": "办法已印发并组织学习"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSURE_REQUESTED


def test_progress_upload_with_a_wrong_file_type_shows_the_error(client_for, approved):
    task = approved.tasks.order_by("number").first()
    r = client_for("east_contact").post(
        f"/rectification/tasks/{task.pk}/progress/",
        {"text": "已修订办法并印发", "percent": "50", "evidence": [pdf("伪装.pdf", b"MZ\x90\x00 not pdf")]})
    assert r.status_code == 422
    page = html(r)
    assert "内容不是允许的类型" in page and "已修订办法并印发" in page
    assert not ProgressReport.objects.filter(task=task).exists()


def test_closure_without_evidence_is_refused_on_the_page(client_for, approved):
    task = approved.tasks.order_by("number").first()
    r = client_for("east_contact").post(f"/rectification/tasks/{task.pk}/closure/",
                                        {"note": "已完成"})
    assert r.status_code == 422 and "申请销号须先上传佐证材料" in html(r)


def test_the_same_file_used_elsewhere_is_flagged(client_for, world, approved):
    t1, t2 = list(approved.tasks.order_by("number"))
    for t in (t1, t2):
        ledger.progress_report(actor=world.east_contact, task=t, text="同一份材料", percent=50,
                               files=[pdf()])
    page = html(client_for("east_office").get(f"/rectification/tasks/{t2.pk}/"))
    assert "还用在其他 1 条记录中" in page


def test_the_unit_cannot_verify_its_own_task(client_for, world, approved):
    task = approved.tasks.order_by("number").first()
    ledger.progress_report(actor=world.east_contact, task=task, text="已完成整改", percent=100,
                           files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=task, note="已完成")
    for actor in ("east_contact", "east_head"):
        page = html(client_for(actor).get(f"/rectification/tasks/{task.pk}/"))
        assert f"/rectification/tasks/{task.pk}/verify/" not in page
        r = client_for(actor).post(f"/rectification/tasks/{task.pk}/verify/",
                                   {"method": "document", "result": "passed",
                                    "note": "自己核验自己的事项"})
        assert r.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSURE_REQUESTED
    office = client_for("east_office")
    assert f"/rectification/tasks/{task.pk}/verify/" in html(office.get(
        f"/rectification/tasks/{task.pk}/"))
    r = office.post(f"/rectification/tasks/{task.pk}/verify/",
                    {"method": "on_site", "result": "passed", "note": "短"})
    assert r.status_code == 422 and "请写明核验情况" in html(r)
    r = office.post(f"/rectification/tasks/{task.pk}/verify/",
                    {"method": "on_site", "result": "passed", "note": "查阅印发文件,现场询问3名干部"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED
    r = office.post(f"/rectification/tasks/{task.pk}/reopen/",
                    {"reason": "回头看发现问题复发", "relapse": "on"})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.is_relapse
    assert "改后又犯" in html(office.get(f"/rectification/tasks/{task.pk}/"))


def test_progress_import_lists_errors_or_reports(client_for, world, approved):
    from xuncha.rectification import excel

    c = client_for("east_contact")
    url = f"/rectification/plans/{approved.pk}/progress/"
    r = c.post(url, {"file": pdf("进展.txt", b"plain text")})
    assert r.status_code == 422 and "只能导入 .xlsx" in html(r)
    template = c.get(f"/rectification/plans/{approved.pk}/progress/template/")
    wb = load_workbook(io.BytesIO(template.content))
    ws = wb.active
    ws.cell(row=2, column=2, value="已完成办法初稿起草")
    ws.cell(row=2, column=3, value=150)
    ws.cell(row=3, column=2, value="已修订并印发制度")
    ws.cell(row=3, column=3, value=40)
    bad = io.BytesIO()
    wb.save(bad)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(url, {"file": SimpleUploadedFile("进展.xlsx", bad.getvalue())})
    assert r.status_code == 422
    page = html(r)
    assert "工作表" in page and "完成进度(%)" in page and "须在 0 到 100 之间" in page
    ws.cell(row=2, column=3, value=30)
    good = io.BytesIO()
    wb.save(good)
    r = c.post(url, {"file": SimpleUploadedFile("进展.xlsx", good.getvalue())})
    assert r.status_code == 302
    assert ProgressReport.objects.filter(task__plan=approved).count() == 2
    assert excel  # the template comes from excel.progress_template


def test_the_office_draws_a_sample_and_sees_the_tasks(client_for, world, approved):
    task = approved.tasks.order_by("number").first()
    ledger.progress_report(actor=world.east_contact, task=task, text="已完成整改", percent=100,
                           files=[pdf()])
    ledger.task_request_closure(actor=world.east_contact, task=task, note="已完成")
    ledger.task_verify(actor=world.east_office, task=task, method="document", result="passed",
                       note="查阅印发文件和学习记录")
    c = client_for("east_office")
    assert "本级规则的抽查比例为 10%" in html(c.get("/rectification/samples/"))
    r = c.post("/rectification/samples/", {"county": world.units["east"].pk, "percent": ""})
    assert r.status_code == 302
    page = html(c.get(r["Location"]))
    assert f"/rectification/tasks/{task.pk}/" in page and "待核查" in page
    assert client_for("east_contact").get("/rectification/samples/").status_code == 403


def test_ledger_page_queries_do_not_grow_with_the_rows(client_for, approved):
    """The rows come with their problem, category (and its parent, which the category's name
    shows), unit and plan: 2 rows or 22 take the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for("east_office")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/rectification/ledger/").status_code == 200
        return len(ctx.captured_queries)

    queries()  # the session's first request writes what later ones only read
    few = queries()
    problem = approved.tasks.first().problem
    for i in range(20):
        RectificationTask.objects.create(
            plan=approved, problem=problem, unit=approved.unit, county_id=approved.unit.county_id,
            number=50 + i, measure=f"第{i}项措施:修订制度并组织学习2次",
            deadline=timezone.localdate() + timedelta(days=i), responsible_leader="镇长")
    assert html(c.get("/rectification/ledger/")).count('class="row-link') == 22
    assert queries() == few
