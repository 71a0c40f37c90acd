"""Issue "Problem leads", end to end in the browser: the director hands a lead over (移交) with the
signed hand-over form; the county commission's handler signs for it (签收) and walks it through
初步核实, 立案, 审理 and a sanction to 办结; the office's tracking page shows the stage and the
result, and nothing of the person named."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import PDF, expect_flash, shot
from tests.inspections.helpers import category, on_site_inspection
from xuncha.leads.models import Lead
from xuncha.leads.services import lead_register

pytestmark = pytest.mark.browser

PERSON = "李明远"
ID_NUMBER = "110101198001011234"
SUMMARY = "青石镇财政所所长涉嫌截留村级补贴"
RESULT = "给予党内警告处分,违纪款项已全部追缴"


def _step(page, action: str, note: str, result: str = "") -> None:
    form = page.locator("form#handle")
    form.locator(f"input[name=action][value={action}]").check()
    form.locator("textarea[name=note]").fill(note)
    if result:
        form.locator("input[name=result_summary]").fill(result)
    form.get_by_role("button", name="保存办理情况").click()


def test_lead_transfer_handling_and_tracking(world_live, live_server, people):
    world, base = world_live, live_server.url
    insp = on_site_inspection(world)
    # Registered by the team leader on site (registration is not the subject here).
    lead = lead_register(
        actor=world.east_leader, inspection=insp, summary=SUMMARY, category=category(),
        facts="2023年3月至12月,该所长以“统筹使用”为名截留3个村的村级组织运转补贴共计4.2万元。",
        persons=[{"name": PERSON, "id_number": ID_NUMBER, "phone": "13800000000",
                  "post": "东湖区青石镇财政所所长"}])
    lead_url = f"{base}/leads/{lead.pk}/"

    # --- the director hands it over ------------------------------------------------------------------
    director = people.page("east_director")
    director.goto(lead_url)
    form = director.locator("form#transfer")
    expect(form.locator("select[name=receiving_body] option:checked")).to_have_text("东湖区纪委监委")
    expect(form.locator("input[name=priority]")).to_be_checked()
    form.locator("input[name=fast_track]").check()
    form.locator("input[name=handover_form]").set_input_files(files=[{
        "name": "线索移交单.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    form.get_by_role("button", name="确认移交").click()
    director.wait_for_url(lead_url)
    expect_flash(director, "已将第 1 号线索移交东湖区纪委监委")
    expect(director.locator(".stage-badge")).to_have_text("已移交")
    expect(director.locator("main")).to_contain_text("线索移交单.pdf")

    # --- the commission's handler signs for it and handles it ---------------------------------------
    jiwei = people.page("east_jiwei")
    jiwei.goto(lead_url)
    jiwei.locator("#receive").get_by_role("button", name="签收").click()
    expect_flash(jiwei, "已签收第 1 号线索")
    expect(jiwei.locator(".stage-badge")).to_have_text("已受理")

    _step(jiwei, "verify", "调取财政所2023年补贴拨付凭证,与3个村的账目逐笔核对。")
    expect_flash(jiwei, "已办理:初步核实。线索现为“初步核实”")
    _step(jiwei, "file_case", "初步核实查明截留事实,经区纪委常委会研究决定立案审查。")
    expect_flash(jiwei, "线索现为“立案审查调查”")
    _step(jiwei, "to_trial", "审查调查终结,移送案件审理室审理。")
    expect_flash(jiwei, "线索现为“审理”")

    # 办结 is refused before a sanction is recorded (the action is not even offered yet).
    expect(jiwei.locator("form#handle input[name=action][value=conclude]")).to_have_count(0)
    sanction = jiwei.locator("form#sanction")
    sanction.locator("select[name=person]").select_option(label=PERSON)
    sanction.locator("select[name=kind]").select_option("party")
    sanction.locator("input[name=detail]").fill("党内警告")
    sanction.get_by_role("button", name="登记处分决定").click()
    expect_flash(jiwei, "已登记处分决定")
    _step(jiwei, "sanction", "经区纪委常委会审议,给予党内警告处分。")
    expect_flash(jiwei, "线索现为“处分决定”")
    _step(jiwei, "conclude", "处分决定已送达本人并宣布,违纪款项已追缴。", result=RESULT)
    expect_flash(jiwei, "已办理:办结。线索现为“办结”")
    expect(jiwei.locator(".stage-badge")).to_have_text("办结")
    expect(jiwei.locator("main")).to_contain_text(RESULT)
    shot(jiwei, "leads-01-concluded")
    assert Lead.objects.get(pk=lead.pk).stage == "concluded"

    # --- the office follows it: stage and result, no content ----------------------------------------
    office = people.page("east_office")
    office.goto(f"{base}/leads/tracking/")
    row = office.locator("table.tracking-table tbody tr", has_text="第 1 号")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("东湖区青石镇")
    expect(row).to_contain_text("办结")
    expect(row).to_contain_text("东湖区纪委监委")
    expect(row).to_contain_text(RESULT)
    expect(row.locator("a")).to_have_count(0)  # no way into the lead's content
    html = office.content()
    for secret in (PERSON, ID_NUMBER, "13800000000", SUMMARY, "截留3个村", "常委会审议"):
        assert secret not in html, f"the tracking page shows {secret!r}"
    shot(office, "leads-02-tracking")
    # Nor can the office open the lead itself.
    response = office.goto(lead_url)
    assert response is not None and response.status in (403, 404), response and response.status
