"""Issue "Rectification", end to end in the browser: from an inspection in 整改 the unit's contact
opens the plan, claims one problem with a vague measure and leaves the other unclaimed; the "三不过"
check lists both; fixed, the plan is submitted; 纪委监委 returns it once with a reason; resubmitted,
纪委监委, 组织部 and 巡察办 approve; the contact reports progress with an evidence PDF and asks for
closure (申请销号); the unit cannot close its own item; the office verifies and closes it; the
ledger shows 已销号."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import PDF, expect_flash, post_as_browser, shot
from tests.inspections.helpers import rectifying_inspection
from xuncha.rectification.models import RectificationTask

pytestmark = pytest.mark.browser

VAGUE = "高度重视,加强学习,进一步提高认识"
GOOD_1 = "12月底前修订《镇党委会议议事规则》,全年召开组织生活会不少于4次并留存会议记录和签到表"
GOOD_2 = "12月底前对2023年以来发展的党员逐一复核发展程序,补充公示材料,对责任人进行约谈"


def _fill_task(page, measure: str, leader: str = "镇党委书记", person: str = "党政办主任") -> None:
    page.fill("textarea[name=measure]", measure)
    page.fill("input[name=responsible_leader]", leader)
    page.fill("input[name=responsible_person]", person)


def test_plan_review_progress_and_closure(world_live, live_server, people):
    world, base = world_live, live_server.url
    insp, problems = rectifying_inspection(world)
    p1, p2 = problems

    # --- the contact opens the plan -------------------------------------------------------------
    contact = people.page("east_contact")
    contact.goto(f"{base}/rectification/plans/")
    waiting = contact.locator("section.waiting-card")
    expect(waiting).to_contain_text("东湖区青石镇")
    waiting.get_by_role("link", name="编制整改方案").click()
    contact.wait_for_url(f"{base}/rectification/plans/open/{insp.pk}/")
    contact.select_option("select[name=first_responsible]", str(world.east_head.pk))
    contact.fill("input[name=group_leader]", "张明(镇党委书记)")
    contact.get_by_role("button", name="建立方案").click()
    contact.wait_for_url(re.compile(r"/rectification/plans/\d+/$"))
    expect_flash(contact, "整改方案已建立")
    plan_url = contact.url
    plan_id = int(re.search(r"/plans/(\d+)/", plan_url).group(1))

    # One task with a vague measure; the second problem is left unclaimed.
    contact.locator("#p-1").get_by_role("link", name="认领并制定任务").click()
    contact.wait_for_url(f"{base}/rectification/plans/{plan_id}/problems/{p1.pk}/tasks/add/")
    _fill_task(contact, VAGUE)
    contact.get_by_role("button", name="保存", exact=True).click()
    expect_flash(contact, "已为第 1 条问题增加任务 1")
    expect(contact.locator("#p-2")).to_contain_text("未认领")

    # The "三不过" check lists the missing task and the vague measure; submitting is not possible.
    contact.goto(f"{base}/rectification/plans/{plan_id}/submit/")
    check = contact.locator("section.submit-check")
    expect(check).to_contain_text("共 2 处不符合“三不过”要求")
    expect(check).to_contain_text("反馈问题第 2 条")
    expect(check).to_contain_text("没有整改任务(漏项)")
    expect(check).to_contain_text("第 1 条问题的任务 1:整改措施不具体")
    missing = check.locator("h3.check-group-title", has_text="任务有漏项")
    vague = check.locator("h3.check-group-title", has_text="措施不具体")
    expect(missing).to_contain_text("1 处")
    expect(vague).to_contain_text("1 处")
    expect(check.get_by_role("button", name="报送审核")).to_be_disabled()
    shot(contact, "rect-01-three-nots")

    # Fix both: a specific measure for task 1-1, a task for problem 2.
    contact.goto(plan_url)
    contact.locator("#t-1-1").get_by_role("link", name="修改").click()
    contact.fill("textarea[name=measure]", GOOD_1)
    contact.get_by_role("button", name="保存", exact=True).click()
    expect_flash(contact, "已保存任务 1")
    contact.locator("#p-2").get_by_role("link", name="认领并制定任务").click()
    _fill_task(contact, GOOD_2)
    contact.get_by_role("button", name="保存", exact=True).click()
    expect_flash(contact, "已为第 2 条问题增加任务")

    contact.goto(f"{base}/rectification/plans/{plan_id}/submit/")
    check = contact.locator("section.submit-check")
    expect(check).to_contain_text("方向明确、任务无漏项、措施具体,可以报送")
    check.get_by_role("button", name="报送审核").click()
    contact.wait_for_url(plan_url)
    expect_flash(contact, "已报送第1版")

    # --- 纪委监委 returns it once, with a reason -------------------------------------------------
    jiwei = people.page("east_jiwei")
    jiwei.goto(f"{base}/rectification/plans/{plan_id}/review/")
    jiwei.check("input[name=decision][value=return]")
    jiwei.fill("textarea[name=vague_measures]", "任务 2-1 的约谈对象不明确,请写明约谈谁、由谁约谈。")
    jiwei.get_by_role("button", name="提交审核意见").click()
    expect_flash(jiwei, "已提交纪委监委意见:退回")

    contact.goto(plan_url)
    expect(contact.locator("main")).to_contain_text("方案被退回修改")
    expect(contact.locator("section.decisions")).to_contain_text("约谈对象不明确")
    contact.locator("#p-2 table tr", has_text="约谈").get_by_role("link", name="修改").click()
    contact.fill("textarea[name=measure]", GOOD_2.replace("对责任人进行约谈",
                                                          "由镇纪委书记约谈党建办主任"))
    contact.get_by_role("button", name="保存", exact=True).click()
    expect_flash(contact, "已保存任务")
    contact.goto(f"{base}/rectification/plans/{plan_id}/submit/")
    contact.locator("section.submit-check").get_by_role("button", name="报送审核").click()
    expect_flash(contact, "已报送第2版")

    # --- the three bodies approve -----------------------------------------------------------------
    for who, body in (("east_jiwei", "纪委监委"), ("east_zzb", "组织部"), ("east_office", "巡察办")):
        pg = people.page(who)
        pg.goto(f"{base}/rectification/plans/{plan_id}/review/")
        pg.check("input[name=decision][value=approve]")
        pg.get_by_role("button", name="提交审核意见").click()
        expect_flash(pg, f"已提交{body}意见:同意")
    office = people.page("east_office")
    office.goto(plan_url)
    expect(office.locator("h1")).to_contain_text("已审定")

    # --- progress with evidence, then 申请销号 ---------------------------------------------------
    task = RectificationTask.objects.get(plan_id=plan_id, problem=p1)
    task_url = f"{base}/rectification/tasks/{task.pk}/"
    contact.goto(task_url)
    progress = contact.locator("form#progress")
    progress.locator("textarea[name=text]").fill("已修订《镇党委会议议事规则》并印发,10月召开组织生活会1次。")
    progress.locator("input[name=percent]").fill("100")
    progress.locator("input[type=file]").set_input_files(files=[{
        "name": "议事规则印发文件.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    progress.get_by_role("button", name="报送").click()
    expect_flash(contact, "已报送整改进展")
    expect(contact.locator("#evidence")).to_contain_text("议事规则印发文件.pdf")

    closure = contact.locator("form#closure")
    closure.locator("textarea[name=note]").fill("规则已印发执行,组织生活会按计划召开,记录齐全。")
    closure.get_by_role("button", name="申请销号").click()
    expect_flash(contact, "已申请销号,等待巡察办核验")

    # The unit cannot close its own item: no verify form, and a hand-made POST is refused.
    expect(contact.locator("form#verify")).to_have_count(0)
    expect(contact.locator("main")).to_contain_text("已申请销号,等待巡察办核验")
    refused = post_as_browser(contact, base, f"/rectification/tasks/{task.pk}/verify/", {
        "method": "document", "result": "passed", "note": "本单位自行核验通过。"})
    assert refused.status == 403, refused.status
    assert "您的角色无权执行此操作" in refused.text() or "申请单位不能核验" in refused.text()
    task.refresh_from_db()
    assert task.status == "closure_requested"
    shot(contact, "rect-02-closure-requested")

    # --- the office verifies and closes ----------------------------------------------------------
    office.goto(task_url)
    verify = office.locator("form#verify")
    verify.locator("input[name=method][value=document]").check()
    verify.locator("input[name=result][value=passed]").check()
    verify.locator("textarea[name=note]").fill("核对了印发文件和会议记录、签到表,与台账一致。")
    verify.get_by_role("button", name="提交核验结果").click()
    expect_flash(office, "已记录核验结果")
    expect(office.locator("h1 .badge").first).to_have_text("已销号")

    # --- the ledger shows 已销号 ----------------------------------------------------------------
    contact.goto(f"{base}/rectification/ledger/?plan={plan_id}")
    row = contact.locator("table.ledger tbody tr", has_text=p1.title)
    expect(row.locator(".col-status")).to_contain_text("已销号")
    other = contact.locator("table.ledger tbody tr", has_text=p2.title)
    expect(other.locator(".col-status")).not_to_contain_text("已销号")
    shot(contact, "rect-03-ledger-closed")
