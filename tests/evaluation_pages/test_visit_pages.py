"""The visit pages: planning with the service's refusals shown, the day-before notice, the start,
the reviewers' check-list saved item by item with htmx, scoring with the running total, the
leader's report, consequences and inquiry meetings."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.evaluation.helpers import approved_plan
from tests.evaluation_pages.conftest import html, scored
from tests.inspections.helpers import category
from xuncha.evaluation.models import (
    CheckMark,
    Consequence,
    Evaluation,
    EvaluationStatus,
    InquiryMeeting,
)
from xuncha.evaluation.views import sections_of
from xuncha.rectification.models import RectificationPlan, RectificationTask

HTMX = {"HTTP_HX_REQUEST": "true"}


def plan_post(world, plan, members, **extra):
    data = {"unit": plan.unit_id, "inspection": plan.inspection_id,
            "visit_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "leader": world.east_office.pk, "m-TOTAL_FORMS": str(len(members)),
            "m-INITIAL_FORMS": "0"}
    for i, (user, body, sections) in enumerate(members):
        data[f"m-{i}-user"] = user.pk if user else ""
        data[f"m-{i}-body"] = body
        data[f"m-{i}-sections"] = sections
    return data | extra


def test_plan_without_the_organisation_department_is_refused_and_input_kept(world, client_for):
    plan = approved_plan(world)
    c = client_for("east_office")
    r = c.post("/evaluation/plan/", plan_post(world, plan, [
        (world.east_jiwei, "discipline", ["political"]), (world.east_office, "office", []),
        (None, "other", [])], is_revisit="on"))
    page = html(r)
    assert r.status_code == 422
    assert "缺少:组织部" in page
    assert f'<option value="{world.east_jiwei.pk}" selected>' in page
    assert not Evaluation.objects.exists()


def test_plan_before_the_period_ends_is_refused(world, client_for):
    plan = approved_plan(world)
    r = client_for("east_office").post("/evaluation/plan/", plan_post(world, plan, [
        (world.east_jiwei, "discipline", []), (world.east_zzb, "organisation", []),
        (world.east_office, "office", [])]))
    assert r.status_code == 422
    assert "集中整改期结束后才能评估" in html(r)


def test_plan_is_saved_and_opens_the_visit(world, client_for):
    plan = approved_plan(world)
    RectificationPlan.objects.filter(pk=plan.pk).update(
        period_start=timezone.localdate() - timedelta(days=92),
        period_end=timezone.localdate() - timedelta(days=1))
    r = client_for("east_office").post("/evaluation/plan/", plan_post(world, plan, [
        (world.east_jiwei, "discipline", ["political"]),
        (world.east_zzb, "organisation", ["organisational"]),
        (world.east_office, "office", ["conduct"]), (None, "other", [])]))
    ev = Evaluation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/evaluation/{ev.pk}/"
    assert ev.members.count() == 3 and ev.leader == world.east_office


def test_add_row_keeps_the_input_without_refusing(world, client_for):
    plan = approved_plan(world)
    r = client_for("east_office").post("/evaluation/plan/", plan_post(world, plan, [
        (world.east_jiwei, "discipline", ["political"])], add_row="1"))
    page = html(r)
    assert r.status_code == 200 and 'name="m-1-user"' in page and "field-error" not in page


def test_notify_records_the_time_and_start_keeps_the_rate(world, client_for, planned):
    c = client_for("east_office")
    r = c.get(f"/evaluation/{planned.pk}/")
    assert "通知被评估单位" in html(r) and "已计划" in html(r)
    c.post(f"/evaluation/{planned.pk}/notify/")
    planned.refresh_from_db()
    assert planned.status == EvaluationStatus.NOTIFIED and planned.notified_at
    r = c.post(f"/evaluation/{planned.pk}/notify/", follow=True)
    assert "不能执行此操作" in html(r)  # the Conflict is shown
    client_for("east_zzb").post(f"/evaluation/{planned.pk}/start/")
    planned.refresh_from_db()
    assert planned.status == EvaluationStatus.ON_SITE
    assert planned.rate_denominator_at_visit == 2


def test_only_the_office_sees_the_notify_button(client_for, planned):
    assert "通知被评估单位</button>" not in html(client_for("east_jiwei").get(
        f"/evaluation/{planned.pk}/"))


def test_reviewer_marks_an_item_with_htmx(world, client_for, on_site):
    task = RectificationTask.objects.filter(unit=on_site.unit).first()
    c = client_for("east_zzb")
    url = f"/evaluation/{on_site.pk}/check/{task.pk}/"
    r = c.post(url, {"mark": "doubtful", "note": ""}, **HTMX)
    assert r.status_code == 200 and "存疑或未完成须写明情况" in html(r)
    assert not CheckMark.objects.exists()
    r = c.post(url, {"mark": "doubtful", "note": "佐证材料与现场不符"}, **HTMX)
    page = html(r)
    assert r.status_code == 200 and f'id="task-{task.pk}"' in page and "已保存" in page
    assert 'hx-swap-oob="true"' in page  # the progress counts follow
    assert CheckMark.objects.get().mark == "doubtful"
    r = c.post(url, {"mark": "verified", "note": ""})  # without htmx: back to the list
    assert r.status_code == 302 and r["Location"].endswith(f"#task-{task.pk}")
    assert CheckMark.objects.get().mark == "verified"


def test_check_list_shows_the_ledger_and_filters_by_section(world, client_for, on_site):
    page = html(client_for("east_zzb").get(f"/evaluation/{on_site.pk}/check/"))
    assert "基层党组织建设薄弱问题1" in page and "基层党组织建设薄弱问题2" in page
    assert "我的分工" in page and "组织建设" in page
    # 政治建设 has no item here: the reviewer sees everything rather than nothing.
    page = html(client_for("east_jiwei").get(f"/evaluation/{on_site.pk}/check/"))
    assert "基层党组织建设薄弱问题1" in page
    assert sections_of(category("0203")) == {"organisational"}
    assert sections_of(category("0302")) == {"responsibility"}
    assert sections_of(category("0101")) == set()


def test_non_members_cannot_mark(world, client_for, on_site):
    task = RectificationTask.objects.filter(unit=on_site.unit).first()
    page = html(client_for("east_director").get(f"/evaluation/{on_site.pk}/check/"))
    assert "只有评估组成员可以核查" in page and 'name="mark"' not in page
    r = client_for("east_director").post(f"/evaluation/{on_site.pk}/check/{task.pk}/",
                                         {"mark": "verified"})
    assert r.status_code == 403


def test_scoring_shows_the_prefill_and_the_running_total(world, client_for, on_site):
    c = client_for("east_jiwei")
    page = html(c.get(f"/evaluation/{on_site.pk}/score/"))
    assert "系统预填:" in page and "认领 2/2" in page and "当前合计" in page
    item = on_site.items.get(number=1)
    r = c.post(f"/evaluation/{on_site.pk}/items/{item.pk}/score/", {"score": "120", "reason": "x"},
               **HTMX)
    assert "100" in html(r) and "field-error" in html(r)
    r = c.post(f"/evaluation/{on_site.pk}/items/{item.pk}/score/",
               {"score": "80", "reason": "主要负责人亲自部署"}, **HTMX)
    page = html(r)
    item.refresh_from_db()
    assert item.score == 80
    assert 'id="ev-score-total"' in page and "12.00" in page  # 80% × 15
    ledger = on_site.items.get(auto_source="ledger")
    c.post(f"/evaluation/{on_site.pk}/items/{ledger.pk}/score/",
           {"score": "", "reason": "", "use_prefill": "1"}, **HTMX)
    ledger.refresh_from_db()
    assert ledger.score == ledger.prefill and ledger.reason.startswith("采用系统预填")


def test_leader_issues_the_report_with_findings(world, client_for, on_site):
    scored(world, on_site)
    c = client_for("east_office")
    r = c.post(f"/evaluation/{on_site.pk}/report/", {
        "summary": "", "f-TOTAL_FORMS": "2", "f-INITIAL_FORMS": "0",
        "f-0-category": category("0203").pk, "f-0-title": "组织生活会材料雷同", "f-0-facts": "太短"})
    assert r.status_code == 422
    assert "不少于 10 个字" in html(r) and "组织生活会材料雷同" in html(r)
    r = c.post(f"/evaluation/{on_site.pk}/report/", {
        "summary": "整改总体推进,但台账销号滞后。", "f-TOTAL_FORMS": "2", "f-INITIAL_FORMS": "0",
        "f-0-category": category("0203").pk, "f-0-title": "组织生活会材料雷同",
        "f-0-facts": "3名班子成员的对照检查材料内容雷同,存在抄袭现象。"})
    assert r.status_code == 302
    page = html(c.get(f"/evaluation/{on_site.pk}/report/"))
    assert "72.75" in page and "一般" in page and "须二次整改" in page
    assert "0.00% → 0.00%" in page and "个百分点" in page
    assert "组织生活会材料雷同" in page


def test_only_the_leader_may_report(world, client_for, on_site):
    scored(world, on_site)
    page = html(client_for("east_jiwei").get(f"/evaluation/{on_site.pk}/report/"))
    assert "评估报告由评估组组长" in page and 'name="summary"' not in page


def test_consequences_are_added_and_marked_done(world, client_for, on_site):
    c = client_for("east_office")
    url = f"/evaluation/{on_site.pk}/consequences/"
    base = {"person": "青石镇党委书记", "on_date": timezone.localdate().isoformat(),
            "reason": "整改滞后"}
    r = c.post(url, base | {"kind": "talk"})
    assert r.status_code == 422 and "约谈须记录谈话内容" in html(r) and "青石镇党委书记" in html(r)
    c.post(url, base | {"kind": "deduction", "points": "2", "year": "2025", "person": "青石镇"})
    cons = Consequence.objects.get()
    assert cons.points == 2 and not cons.done
    c.post(f"{url}{cons.pk}/done/")
    cons.refresh_from_db()
    assert cons.done
    assert "已落实" in html(c.get(url))


def test_inquiry_meeting_questions_and_follow_up(world, client_for):
    approved_plan(world)
    c = client_for("east_office")
    r = c.post("/evaluation/meetings/add/", {
        "committee": world.units["east"].pk, "held_on": timezone.localdate().isoformat(),
        "title": "巡察整改质询会", "reporting_units": [world.units["east_town"].pk]})
    m = InquiryMeeting.objects.get()
    assert r.status_code == 302
    c.post(f"/evaluation/meetings/{m.pk}/", {
        "form": "question", "asked_by": "区纪委书记", "respondent": "镇党委书记",
        "question": "对负有领导责任人员进行了责任倒查了么?", "answer": "正在倒查"})
    r = c.post(f"/evaluation/meetings/{m.pk}/", {
        "form": "follow_up", "unit": world.units["east_town"].pk, "category": category("0302").pk,
        "title": "倒查领导责任", "facts": "对违规发放补贴问题倒查班子成员领导责任,30日内报结果。",
        "deadline_days": "30"})
    assert r.status_code == 302
    page = html(c.get(f"/evaluation/meetings/{m.pk}/"))
    assert "责任倒查了么" in page and "倒查领导责任" in page


def test_rubric_page_shows_the_eight_checks_summing_to_100(client_for, world):
    page = html(client_for("east_office").get("/evaluation/rubric/"))
    assert "八查" in page and "查群众满意度" in page and "分值合计 100" in page
    assert "合计须为 100" not in page


def test_members_see_the_visit_and_the_scoring_on_their_to_do_list(world, client_for, planned):
    page = html(client_for("east_zzb").get("/"))
    assert "明天到东湖区青石镇开展整改评估" in page
    assert "明天到东湖区青石镇" not in html(client_for("east_director").get("/"))


def test_members_on_site_are_reminded_to_score(world, client_for, on_site):
    assert "待评分 8 项:东湖区青石镇" in html(client_for("east_jiwei").get("/"))
    scored(world, on_site)
    assert "出具评估报告:东湖区青石镇" in html(client_for("east_office").get("/"))
