"""Issue "Inspection work", end to end in the browser: the office plans a round, builds a team
(a conflicted inspector is refused with the reason), assigns the target and enters; the team
imports its problem list from Excel (a faulty file imports nothing and lists every error); the
leader writes and submits the report; the director annotates a passage, the leader answers, the
director approves; the three parties sign the feedback list, each in a browser of their own; the
inspection is then in 整改."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import choose, expect_flash, shot, xlsx
from tests.world import _user
from xuncha.inspections.conflicts import declaration_add
from xuncha.inspections.models import ConflictKind, Inspection

pytestmark = pytest.mark.browser

HEADERS = ["问题编号", "问题类别", "问题概述", "具体事实", "严重程度", "重点清单项", "共性问题",
           "涉及具体人员"]
FACTS = "2023年该镇党委全年仅召开专题会议2次,会议记录缺失,未按要求研究部署。"
BAD_ROWS = [
    HEADERS,
    [1, "不存在的类别", "党委会议制度落实不到位", FACTS, "一般", None, "否", "否"],
    [2, "0203", None, FACTS, "一般", None, "否", "否"],
    [2, "0203", "发展党员程序不规范", FACTS, "较重", None, "否", "否"],
]
GOOD_ROWS = [
    HEADERS,
    [None, "0203", "党委会议制度落实不到位", FACTS, "一般", None, "否", "否"],
    [None, "0203", "发展党员程序不规范", "2023年发展的3名党员均未按规定进行公示,程序倒置。", "较重",
     None, "是", "否"],
]
PASSAGE = "基层党组织建设薄弱,组织生活不经常、不认真"
REPORT_BODY = (
    "# 一、基本情况\n\n"
    "巡察组于3月1日进驻东湖区青石镇,通过个别谈话、查阅资料、走访群众等方式开展工作。\n\n"
    "# 二、发现的主要问题\n\n"
    f"1. {PASSAGE},党委会议制度落实不到位。\n"
    "2. 发展党员程序不规范,3名党员未经公示即接收。\n\n"
    "# 三、意见建议\n\n- 严格落实“三会一课”制度。\n"
)


def _upload(page, name: str, data: bytes) -> None:
    page.set_input_files("input[name=file]", files=[{
        "name": name, "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="上传并导入").click()


def test_round_from_planning_to_rectification(world_live, live_server, people):
    world, base = world_live, live_server.url
    town = world.units["east_town"]
    # An inspector who once worked in the town declared it (the declaration is not the subject).
    conflicted = _user(world, "east_inspector3", world.units["east_office_unit"], "team_member",
                       name="赵六")
    declaration_add(actor=conflicted, unit=town, kind=ConflictKind.WORKED_IN,
                    period="2018年至2020年")

    # --- the office plans the round --------------------------------------------------------------
    office = people.page("east_office")
    office.goto(f"{base}/work/rounds/add/")
    choose(office.locator("select[name=term]"), "东湖区 十二届")
    office.select_option("select[name=kind]", "regular")
    office.fill("input[name=entry_date]", "2024-03-01")
    office.fill("input[name=exit_date]", "2024-04-30")
    office.get_by_role("button", name="保存").click()
    office.wait_for_url(re.compile(r"/work/rounds/\d+/$"))
    expect_flash(office, "已新建")
    round_url = office.url

    # A team, its leader, its target, a member.
    office.locator("form.add-team button[type=submit]").click()
    expect_flash(office, "已新建第一巡察组")
    team = office.locator("section.team-card").first
    expect(team.locator("h2")).to_contain_text("巡察组")
    choose(team.locator("select[name=user]"), "east_leader(东湖区委巡察办)")
    team.locator("select[name=position]").select_option("leader")
    team.get_by_role("button", name="加入").click()
    expect_flash(office, "已将east_leader加入")
    team = office.locator("section.team-card").first
    choose(team.locator("select[name=unit]"), "东湖区青石镇")
    team.get_by_role("button", name="分配").click()
    expect_flash(office, "已将“东湖区青石镇”分配给")
    team = office.locator("section.team-card").first
    choose(team.locator("select[name=user]"), "east_member(东湖区委巡察办)")
    team.get_by_role("button", name="加入").click()
    expect_flash(office, "已将east_member加入")

    # The conflicted inspector is refused, with the reason.
    team = office.locator("section.team-card").first
    choose(team.locator("select[name=user]"), "赵六(东湖区委巡察办)")
    team.get_by_role("button", name="加入").click()
    refusal = office.locator("section.refusal")
    expect(refusal).to_contain_text("须回避,未能加入")
    expect(refusal).to_contain_text("赵六须回避“东湖区青石镇”")
    expect(refusal).to_contain_text("曾在“东湖区青石镇”任职(2018年至2020年)")
    expect(refusal).to_contain_text("须由巡察办主任书面批准")
    shot(office, "round-01-conflict-refused")
    office.goto(round_url)
    members = office.locator("section.team-card").first.locator("table").first
    expect(members).to_contain_text("east_leader")
    expect(members).to_contain_text("east_member")
    expect(members).not_to_contain_text("赵六")

    # 进驻.
    office.locator("section.team-card").first.get_by_role("link", name="东湖区青石镇").click()
    office.wait_for_url(re.compile(r"/work/inspections/\d+/$"))
    insp_url = office.url
    insp_id = int(re.search(r"/work/inspections/(\d+)/", insp_url).group(1))
    office.get_by_role("button", name="进驻").click()
    expect_flash(office, "已进驻“东湖区青石镇”")
    expect(office.locator(".stage-badge")).to_have_text("进驻")

    # --- the team imports its problem list from Excel --------------------------------------------
    member = people.page("east_member")
    member.goto(f"{base}/work/inspections/{insp_id}/problems/import/")
    _upload(member, "问题清单-有错.xlsx", xlsx(BAD_ROWS))
    errors = member.locator("section.import-errors")
    expect(errors.locator("h2")).to_contain_text("发现 3 处错误,未导入任何数据")
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(3)
    cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(3)]
    assert cells[0][:3] == ["问题清单", "2", "问题类别"], cells
    assert "“不存在的类别”不是有效的二级问题类别" in cells[0][3]
    assert cells[1][:3] == ["问题清单", "3", "问题概述"], cells
    assert "必填" in cells[1][3]
    assert cells[2][:3] == ["问题清单", "4", "问题编号"], cells
    assert "与第 3 行的问题编号重复" in cells[2][3]
    expect(errors.locator("thead")).to_contain_text("工作表")
    shot(member, "round-02-import-errors")
    assert not Inspection.objects.get(pk=insp_id).problems.exists()
    member.goto(f"{base}/work/inspections/{insp_id}/problems/")
    expect(member.locator("main")).to_contain_text("还没有登记问题")

    member.goto(f"{base}/work/inspections/{insp_id}/problems/import/")
    _upload(member, "问题清单.xlsx", xlsx(GOOD_ROWS))
    member.wait_for_url(f"{base}/work/inspections/{insp_id}/problems/")
    expect_flash(member, "导入完成:新增 2 个问题")
    expect(member.locator("main")).to_contain_text("党委会议制度落实不到位")
    expect(member.locator("main")).to_contain_text("发展党员程序不规范")

    # --- the leader writes the report and submits it ---------------------------------------------
    leader = people.page("east_leader")
    leader.goto(f"{base}/work/inspections/{insp_id}/report/edit/")
    leader.fill("input[name=title]", "关于巡察东湖区青石镇党委的情况报告")
    leader.fill("textarea[name=body]", REPORT_BODY)
    leader.get_by_role("button", name="保存并送审").click()
    leader.wait_for_url(f"{base}/work/inspections/{insp_id}/report/")
    expect_flash(leader, "第1稿已送审")

    # --- the director annotates a passage ---------------------------------------------------------
    director = people.page("east_director")
    director.goto(f"{base}/work/inspections/{insp_id}/report/")
    director.locator("details.anno-new summary").click()
    director.fill("details.anno-new textarea[name=quote]", PASSAGE)
    director.fill("details.anno-new textarea[name=body]", "把具体问题写实:补充召开组织生活会的次数和时间。")
    director.get_by_role("button", name="提交批注").click()
    expect_flash(director, "已添加批注")
    expect(director.locator("mark.anno-mark")).to_contain_text(PASSAGE)
    # Not approvable while the annotation is open.
    expect(director.locator("main")).to_contain_text("还有 1 条批注未答复,答复后才能审定")

    # --- the leader answers -----------------------------------------------------------------------
    leader.goto(f"{base}/work/inspections/{insp_id}/report/")
    anno = leader.locator("article.anno").first
    anno.locator("textarea[name=reply]").fill("已补充:2023年全年仅召开组织生活会1次(12月)。")
    anno.get_by_role("button", name="答复").click()
    expect_flash(leader, "已答复批注")
    expect(leader.locator("article.anno .anno-reply")).to_contain_text("仅召开组织生活会1次")

    # --- the director approves --------------------------------------------------------------------
    director.goto(f"{base}/work/inspections/{insp_id}/report/")
    expect(director.locator("article.anno .anno-reply")).to_contain_text("仅召开组织生活会1次")
    shot(director, "round-03-report-annotated")
    director.locator("form[action$='/approve/'] button").click()
    director.wait_for_url(f"{base}/work/inspections/{insp_id}/feedback/")
    expect_flash(director, "已审定第1稿,生成反馈问题清单(2 个问题)")

    # --- the three parties sign, each in their own browser ----------------------------------------
    for who, done in (("east_head", "已以“"), ("east_leader", "已以“"),
                      ("east_director", "三方签字完成,巡察进入整改阶段")):
        pg = people.page(who)
        pg.goto(f"{base}/work/inspections/{insp_id}/feedback/")
        expect(pg.locator("table.feedback-items tbody tr")).to_have_count(2)
        pg.get_by_role("button", name="核对无误,签字").click()
        expect_flash(pg, done)
    director.goto(f"{base}/work/inspections/{insp_id}/feedback/")
    expect(director.locator(".sig-done")).to_have_count(3)

    # --- the inspection is in 整改 on its page --------------------------------------------------
    office.goto(insp_url)
    expect(office.locator(".stage-badge")).to_have_text("整改")
    expect(office.locator(".stepper [aria-current=step]")).to_contain_text("整改")
    shot(office, "round-04-rectifying")
    assert Inspection.objects.get(pk=insp_id).status == "rectifying"
