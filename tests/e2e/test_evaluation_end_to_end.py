"""Issue "Evaluation", end to end in the browser: the office plans a visit with the three parties
and notifies the unit; it opens the survey and prints a sheet of three codes (three QR codes);
three people answer on a phone-sized page without signing in, one code each, and a reused code is
refused; the reviewers score their items; the leader issues the report with one finding; the
finding appears in the unit's ledger."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import expect_flash, shot
from tests.evaluation.helpers import approved_plan
from xuncha.evaluation.models import Evaluation, EvaluationItem
from xuncha.findings.models import ProblemCategory
from xuncha.rectification.models import RectificationPlan

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The default questionnaire: questions 1–6 are choices, 7 is free text.
ANSWERS = [
    {"q1": "知道", "q2": "满意", "q3": "满意", "q4": "比较满意", "q5": "基本满意", "q6": "满意"},
    {"q1": "知道", "q2": "比较满意", "q3": "满意", "q4": "满意", "q5": "满意", "q6": "比较满意"},
    {"q1": "知道", "q2": "满意", "q3": "比较满意", "q4": "满意", "q5": "比较满意", "q6": "满意"},
]
# Who scores which items of the "八查" rubric (numbers), in the reviewers' own browsers.
SCORERS = {"east_jiwei": (1, 4, 8), "east_zzb": (2, 5), "east_office": (3, 6, 7)}
FINDING_TITLE = "整改佐证材料与现场不一致"
FINDING_FACTS = "评估组现场查看发现,第1项问题的会议记录系事后补写,签到表笔迹雷同。"


def _answer(phone, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        phone.locator(f"input[name={name}][value='{value}']").check()


def test_visit_survey_scoring_and_finding(world_live, live_server, people):
    world, base = world_live, live_server.url
    plan = approved_plan(world)
    # The concentrated period is over (as tests.evaluation.helpers.planned_evaluation does).
    today = timezone.localdate()
    RectificationPlan.objects.filter(pk=plan.pk).update(period_start=today - timedelta(days=92),
                                                        period_end=today - timedelta(days=1))
    visit = today + timedelta(days=1)

    # --- the office plans the visit with the three parties --------------------------------------
    office = people.page("east_office")
    office.goto(f"{base}/evaluation/plan/")
    office.select_option("select[name=unit]", str(plan.unit_id))
    office.select_option("select[name=inspection]", str(plan.inspection_id))
    office.fill("input[name=visit_date]", visit.isoformat())
    office.select_option("select[name=leader]", str(world.east_office.pk))
    team = (("east_jiwei", "discipline", ["political"]),
            ("east_zzb", "organisation", ["organisational"]),
            ("east_office", "office", ["conduct", "responsibility"]))
    for i, (who, body, sections) in enumerate(team):
        office.select_option(f"select[name=m-{i}-user]", str(world.users[who].pk))
        office.select_option(f"select[name=m-{i}-body]", body)
        for s in sections:
            office.check(f"input[name=m-{i}-sections][value={s}]")
    office.locator(".form-actions button.btn-primary").click()
    office.wait_for_url(re.compile(r"/evaluation/\d+/$"))
    expect_flash(office, "已计划对“东湖区青石镇”的评估")
    ev_id = int(re.search(r"/evaluation/(\d+)/", office.url).group(1))
    ev_url = office.url
    expect(office.locator("main")).to_contain_text("east_jiwei")
    expect(office.locator("main")).to_contain_text("east_zzb")

    office.get_by_role("button", name="通知被评估单位").click()
    expect_flash(office, "已通知被评估单位主要负责人和整改联络员")

    # --- the survey: open, print three codes --------------------------------------------------
    office.get_by_role("button", name="开启满意度测评").click()
    office.wait_for_url(re.compile(r"/evaluation/surveys/\d+/$"))
    expect_flash(office, "已开启满意度测评")
    office.get_by_role("link", name="生成并打印测评码").click()
    office.fill("input[name=count]", "3")
    office.get_by_role("button", name="生成测评码纸条").click()
    slips = office.locator(".ev-slip")
    expect(slips).to_have_count(3)
    expect(office.locator(".ev-slip-qr svg")).to_have_count(3)
    for svg in office.locator(".ev-slip-qr svg").all():
        assert svg.locator("path").count() >= 1
        assert svg.get_attribute("viewBox")
    codes = [c.get_attribute("aria-label") for c in office.locator(".ev-slip-code").all()]
    assert len(set(codes)) == 3 and all(c and len(c) == 10 for c in codes), codes
    answer_path = urlsplit(office.locator(".ev-slip-url").first.inner_text().strip()).path
    assert re.fullmatch(r"/s/[\w-]+/", answer_path), answer_path
    office.emulate_media(media="print")
    sheet = office.pdf(format="A4")
    assert sheet.startswith(b"%PDF")
    office.emulate_media(media="screen")
    shot(office, "eval-01-code-sheet")

    # --- three people answer on their phones, without signing in ----------------------------------
    for i, (code, answers) in enumerate(zip(codes, ANSWERS, strict=True)):
        phone = people.anonymous(viewport=PHONE, is_mobile=True, has_touch=True)
        if i == 0:  # scanned: the code comes in the address
            phone.goto(f"{base}{answer_path}?c={code}")
            expect(phone.locator("input[name=code]")).to_have_value(code)
        else:  # typed from the slip
            phone.goto(f"{base}{answer_path}")
            phone.fill("input[name=code]", code)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the answering page scrolls sideways ({width}px)"
        _answer(phone, answers)
        if i == 1:
            phone.fill("textarea[name=q7]", "希望继续加强村务公开。")
        if i == 0:
            shot(phone, "eval-02-phone-answer")
        phone.get_by_role("button", name="提交测评").click()
        phone.wait_for_url(f"{base}{answer_path}done/")
        expect(phone.locator("h1")).to_contain_text("提交成功")
        assert not phone.context.cookies(), "the answering pages set a cookie"

    # A reused code is refused, what was answered stays selected.
    phone = people.anonymous(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{base}{answer_path}?c={codes[0]}")
    _answer(phone, ANSWERS[0])
    phone.get_by_role("button", name="提交测评").click()
    expect(phone.locator(".ev-public-errors")).to_contain_text("该测评码已经使用过,每个测评码只能提交一次")
    expect(phone.locator("#code-block .field-error")).to_contain_text("测评码已使用")
    expect(phone.locator("input[name=q2][value='满意']")).to_be_checked()
    shot(phone, "eval-03-phone-code-reused")

    office.goto(ev_url)
    expect(office.locator("#surveys")).to_contain_text("满意度测评")
    office.locator("#surveys a.row-main").first.click()
    expect(office.locator(".figures")).to_contain_text("已使用 3 个")

    # --- on site: the reviewers score their items ------------------------------------------------
    jiwei = people.page("east_jiwei")
    jiwei.goto(ev_url)
    jiwei.get_by_role("button", name="开始现场评估").click()
    expect_flash(jiwei, "现场评估已开始")
    items = {i.number: i.pk for i in EvaluationItem.objects.filter(evaluation_id=ev_id)}
    assert sorted(n for ns in SCORERS.values() for n in ns) == sorted(items)
    for who, numbers in SCORERS.items():
        pg = people.page(who)
        pg.goto(f"{base}/evaluation/{ev_id}/score/")
        for n in numbers:
            card = pg.locator(f"#item-{items[n]}")
            card.locator("input[name=score]").fill(str(80 + n))
            card.locator("textarea[name=reason]").fill(f"{who}:现场查阅会议记录、台账和佐证材料,基本符合要求。")
            card.get_by_role("button", name="保存评分").click()
            expect(pg.locator(f"#item-{items[n]}.is-scored")).to_contain_text(f"得分率 {80 + n}")
    office.goto(f"{base}/evaluation/{ev_id}/score/")
    expect(office.locator(".ev-item.is-scored")).to_have_count(len(items))
    shot(office, "eval-04-scored")

    # --- the leader issues the report with one finding --------------------------------------------
    office.goto(f"{base}/evaluation/{ev_id}/report/")
    office.fill("textarea[name=summary]", "整改工作总体扎实,台账完整;个别佐证材料与现场不一致,须二次核实。")
    category = ProblemCategory.objects.get(code="0203")
    office.select_option("select[name=f-0-category]", str(category.pk))
    office.fill("input[name=f-0-title]", FINDING_TITLE)
    office.fill("textarea[name=f-0-facts]", FINDING_FACTS)
    office.locator(".form-actions button.btn-primary").click()
    office.wait_for_url(f"{base}/evaluation/{ev_id}/report/")
    expect_flash(office, "评估报告已出具,1 个问题已纳入被评估单位整改台账")
    expect(office.locator("main")).to_contain_text(FINDING_TITLE)
    shot(office, "eval-05-report")
    assert Evaluation.objects.get(pk=ev_id).status == "reported"

    # --- the finding is in the unit's ledger -------------------------------------------------------
    contact = people.page("east_contact")
    contact.goto(f"{base}/rectification/ledger/")
    row = contact.locator("table.ledger tbody tr", has_text=FINDING_TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("东湖区青石镇")
    expect(row).to_contain_text("按评估反馈意见整改")
    expect(row.locator(".col-status")).to_contain_text("未开始")
    shot(contact, "eval-06-ledger-finding")
