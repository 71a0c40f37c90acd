"""The rectification report (draft, sign-off bound to the content, receipt, print and public
version), outcomes with the accountability warning, monthly returns frozen on submission, the city
overview and assignments, and the home page's to-do items."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.rectification_pages.conftest import html
from xuncha.findings.models import Problem
from xuncha.outcomes.models import AccountabilityRecord
from xuncha.rectification import report
from xuncha.rectification.models import RectificationReport, RectReportStatus
from xuncha.reporting.models import MonthlyReturn, ReturnStatus

UNIT_TEXT = "镇党委召开专题会议研究部署整改工作,建立整改台账,逐条落实整改措施。"
HEAD_TEXT = "本人作为第一责任人,主持召开专题会议5次,亲自督办重点问题整改。"


def test_report_is_drafted_with_the_public_summary_prefilled(client_for, approved):
    c = client_for("east_contact")
    url = f"/rectification/plans/{approved.pk}/report/"
    page = html(c.get(url))
    assert "巡察整改进展情况" in page  # report.public_summary in the public text
    r = c.post(url, {"unit_text": "太短", "head_text": HEAD_TEXT, "public_text": ""})
    assert r.status_code == 422 and "不少于 20 字" in html(r) and HEAD_TEXT in html(r)
    r = c.post(url, {"unit_text": UNIT_TEXT, "head_text": HEAD_TEXT, "public_text": ""})
    assert r.status_code == 302
    rpt = RectificationReport.objects.get(plan=approved)
    assert rpt.public_text.startswith(approved.unit.name)


def test_signoff_is_bound_to_what_was_seen_and_voided_by_a_change(client_for, world, approved):
    rpt = report.rect_report_save(actor=world.east_contact, plan=approved, unit_text=UNIT_TEXT,
                                  head_text=HEAD_TEXT)
    client_for("east_contact").post(f"/rectification/plans/{approved.pk}/report/send/")
    rpt.refresh_from_db()
    assert rpt.status == RectReportStatus.SIGNING
    url = f"/rectification/plans/{approved.pk}/report/signoff/"
    jw = client_for("east_jiwei")
    assert rpt.content_hash in html(jw.get(f"/rectification/plans/{approved.pk}/report/"))
    r = jw.post(url, {"content_hash": "0" * 64, "opinion": "同意"}, follow=True)
    assert "内容已变更" in html(r)
    jw.post(url, {"content_hash": rpt.content_hash, "opinion": "同意报送"})
    report.rect_report_save(actor=world.east_contact, plan=approved,
                            unit_text=UNIT_TEXT + "补充一句。", head_text=HEAD_TEXT)
    page = html(client_for("east_contact").get(f"/rectification/plans/{approved.pk}/report/"))
    assert "已作废的会签" in page and "会签作废" in page
    rpt.refresh_from_db()
    client_for("east_jiwei").post(url, {"content_hash": rpt.content_hash})
    client_for("east_zzb").post(url, {"content_hash": rpt.content_hash})
    rpt.refresh_from_db()
    assert rpt.status == RectReportStatus.SUBMITTED
    client_for("east_office").post(f"/rectification/plans/{approved.pk}/report/receive/")
    rpt.refresh_from_db()
    assert rpt.status == RectReportStatus.RECEIVED


def test_public_version_leaves_out_the_unit_and_head_texts(client_for, world, approved):
    report.rect_report_save(actor=world.east_contact, plan=approved, unit_text=UNIT_TEXT,
                            head_text=HEAD_TEXT, public_text="青石镇巡察整改进展情况:已完成整改2项。")
    page = html(client_for("east_head").get(f"/rectification/plans/{approved.pk}/report/public/"))
    assert "已完成整改2项" in page and UNIT_TEXT not in page and HEAD_TEXT not in page
    full = html(client_for("east_head").get(f"/rectification/plans/{approved.pk}/report/print/"))
    assert UNIT_TEXT in full and HEAD_TEXT in full


def test_accountability_list_warns_when_only_direct_responsibility_was_pursued(
        client_for, world, approved):
    problem = approved.tasks.first().problem
    Problem.objects.filter(pk=problem.pk).update(names_people=True)
    c = client_for("east_office")
    r = c.post("/outcomes/accountability/add/", {
        "unit": world.units["east_town"].pk, "problem": problem.pk, "person_name": "李四",
        "post": "党政办主任", "responsibility": "direct", "form": "first", "measure": "批评教育",
        "decided_on": "2024-06-01", "deciding_body": "镇纪委"})
    assert r.status_code == 302
    page = html(c.get("/outcomes/"))
    assert "只追究了直接责任" in page and problem.title in page and "李四" in page
    r = c.post("/outcomes/accountability/add/", {
        "unit": world.units["east_town"].pk, "person_name": "", "responsibility": "leadership",
        "form": "second", "measure": "诫勉谈话", "decided_on": "2024-06-01",
        "deciding_body": "区纪委"})
    assert r.status_code == 422 and "诫勉谈话" in html(r)
    assert AccountabilityRecord.objects.count() == 1


def test_institution_and_funds_are_added(client_for, world, approved):
    problem = approved.tasks.first().problem
    c = client_for("east_contact")
    r = c.post("/outcomes/institutions/add/", {"unit": world.units["east_town"].pk,
                                               "name": "《公务接待管理办法》",
                                               "issued_on": "2024-06-01",
                                               "problems": [problem.pk]})
    assert r.status_code == 302
    r = c.post("/outcomes/funds/add/", {"unit": world.units["east_town"].pk, "amount": "-5",
                                        "kind": "recovered", "payer_or_payee": "某某",
                                        "recorded_on": "2024-06-02", "problem": problem.pk})
    assert r.status_code == 422 and "金额须为正数" in html(r)
    r = c.post("/outcomes/funds/add/", {"unit": world.units["east_town"].pk, "amount": "1,200.50",
                                        "kind": "recovered", "payer_or_payee": "某某",
                                        "recorded_on": "2024-06-02", "problem": problem.pk})
    assert r.status_code == 302
    assert "1200.50" in html(c.get("/outcomes/funds/"))
    assert "《公务接待管理办法》" in html(c.get("/outcomes/institutions/"))


def test_monthly_return_is_frozen_after_submission(client_for, world, approved):
    c = client_for("east_office")
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    r = c.post("/returns/", {"reporter": world.units["east"].pk, "month": month})
    ret = MonthlyReturn.objects.get(reporter=world.units["east"])
    assert r.status_code == 302 and r["Location"] == f"/returns/{ret.pk}/"
    page = html(c.get(r["Location"]))
    assert "问题整改" in page and "反馈问题" in page and "市级交办事项" in page
    r = c.post(f"/returns/{ret.pk}/submit/", {"note": "无"})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED and ret.content_hash
    frozen = dict(ret.data)
    page = html(c.get(f"/returns/{ret.pk}/"))
    assert "数据已冻结" in page and f"/returns/{ret.pk}/submit/" not in page
    r = c.post(f"/returns/{ret.pk}/submit/", {"note": "再报一次"}, follow=True)
    assert "已报送并冻结,不能再修改" in html(r)
    c.post(f"/returns/{ret.pk}/refresh/")
    c.post("/returns/", {"reporter": world.units["east"].pk, "month": month})
    ret.refresh_from_db()
    assert ret.data == frozen and ret.note == "无"


def test_a_future_month_is_refused_beside_the_field(client_for, world):
    future = (timezone.localdate().replace(day=28) + timedelta(days=10)).strftime("%Y-%m")
    r = client_for("east_office").post("/returns/", {"reporter": world.units["east"].pk,
                                                     "month": future})
    assert r.status_code == 422 and "不能编制未来月份的报表" in html(r)


def test_the_unit_reports_its_own_month_to_the_county(client_for, world, approved):
    c = client_for("east_contact")
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    r = c.post("/returns/", {"reporter": world.units["east_town"].pk, "month": month})
    assert r.status_code == 302
    ret = MonthlyReturn.objects.get(reporter=world.units["east_town"])
    assert ret.recipient == world.units["east"] and ret.level == "unit"
    page = html(c.get(r["Location"]))
    assert "问题线索" not in page.split("return-sections", 1)[1]


def test_city_overview_shows_submitted_and_missing_counties(client_for, world, approved):
    from xuncha.reporting import services

    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    ret = services.return_prepare(actor=world.east_office, reporter=world.units["east"],
                                  month=month)
    services.return_submit(actor=world.east_office, ret=ret)
    page = html(client_for("city_office").get(
        f"/returns/city/?city={world.units['city'].pk}&month={month:%Y-%m}"))
    assert "东湖区" in page and "西山县" in page
    assert "已报送" in page and ("逾期未报" in page or "未报送" in page)
    assert "整改率" in page


def test_city_assigns_and_the_county_answers(client_for, world):
    city = client_for("city_office")
    r = city.post("/returns/assignments/", {"county": world.units["east"].pk,
                                            "title": "核查村级财务公开",
                                            "content": "请核查全部村级财务公开情况。",
                                            "deadline": str(date.today() + timedelta(days=10))})
    assert r.status_code == 302
    from xuncha.reporting.models import CityAssignment

    a = CityAssignment.objects.get()
    east = client_for("east_office")
    r = east.post(f"/returns/assignments/{a.pk}/", {"response": "已核查37个村,全部公开。",
                                                    "done": "on", "version": a.version})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "done"
    assert client_for("west_office").get(f"/returns/assignments/{a.pk}/").status_code == 404
    assert east.post("/returns/assignments/", {"county": world.units["east"].pk}).status_code == 403


def test_home_page_lists_rectification_work(client_for, world, draft):
    from tests.rectification_pages.conftest import good_task
    from xuncha.rectification import plans

    plan, (p1, p2) = draft
    good_task(world, plan, p1)
    good_task(world, plan, p2)
    plans.plan_submit(actor=world.east_contact, plan=plan)
    assert "整改方案待审核" in html(client_for("east_jiwei").get("/"))
    assert "整改方案待审核" not in html(client_for("west_jiwei").get("/"))
