"""Problems of an inspection: the table with filters, the form, optimistic locking, withdrawal,
Excel import (every error listed, nothing imported) and export; recommendations."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from tests.inspections.helpers import category
from tests.work_pages.conftest import html
from xuncha.findings.importing import headers
from xuncha.findings.models import Problem, ProblemState, Recommendation, RecommendationStatus
from xuncha.findings.services import problem_update


def book(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(headers())
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "问题清单.xlsx"
    return buf


GOOD = [
    (None, "党的建设·组织建设", "三会一课落实不到位", "2023年机关党支部全年仅召开支部委员会4次。",
     "一般", None, "否", "否"),
    (None, "0204", "违规发放津补贴", "2022年以加班费名义向班子成员发放补贴共计2.4万元。",
     "较重", None, "是", "是"),
]
BAD = [
    (None, "不存在的类别", "三会一课落实不到位", "太短", "一般", 99, "否", "否"),
    (None, "0204", "", "2022年以加班费名义向班子成员发放补贴共计2.4万元。", "很重", None, "是", "是"),
]


def _form(**kw):
    data = {"category": category().pk, "severity": "general", "title": "",
            "facts": "", "checklist_item": ""}
    data.update(kw)
    return data


def test_problem_table_lists_and_filters(client_for, world, insp, problems):
    problem_update(actor=world.east_member, problem=problems[1],
                   expected_version=problems[1].version, severity="grave", is_common=True)
    c = client_for("east_member")
    url = f"/work/inspections/{insp.pk}/problems/"
    page = html(c.get(url))
    assert "基层党组织建设薄弱问题1" in page and "基层党组织建设薄弱问题2" in page
    assert "组织建设" in page and "严重" in page
    page = html(c.get(url + "?severity=grave"))
    assert "基层党组织建设薄弱问题2" in page and "基层党组织建设薄弱问题1" not in page
    page = html(c.get(url + "?common=0"))
    assert "基层党组织建设薄弱问题1" in page and "基层党组织建设薄弱问题2" not in page
    page = html(c.get(url + "?category=g:党的领导"))
    assert "没有符合条件的问题" in page


def test_unit_sees_no_problems_before_feedback(client_for, insp, problems):
    page = html(client_for("east_contact").get(f"/work/inspections/{insp.pk}/problems/"))
    assert "基层党组织建设薄弱问题1" not in page
    assert "问题清单在反馈后向被巡察单位公开" in page


def test_bad_problem_is_refused_in_chinese_and_keeps_the_input(client_for, insp):
    r = client_for("east_member").post(f"/work/inspections/{insp.pk}/problems/add/",
                                       _form(title="发展党员不规范", facts="太短了"))
    assert r.status_code == 422
    page = html(r)
    assert "具体事实过于简略" in page
    assert 'value="发展党员不规范"' in page and "太短了" in page
    assert not Problem.objects.exists()


def test_problem_is_registered_with_the_next_number(client_for, insp, problems):
    r = client_for("east_member").post(f"/work/inspections/{insp.pk}/problems/add/", _form(
        title="发展党员不规范", facts="2022年发展的3名党员中有1名未经培养考察直接列为发展对象。",
        is_common="on"), follow=True)
    assert "已登记第 3 号问题" in html(r)
    p = Problem.objects.get(number=3)
    assert p.is_common and p.created_by.username == "east_member"


def test_parent_category_is_not_a_choice(client_for, insp):
    parent = category("02")
    r = client_for("east_member").post(f"/work/inspections/{insp.pk}/problems/add/", _form(
        category=parent.pk, title="甲", facts="2022年发展的3名党员中有1名未经培养考察。"))
    assert r.status_code == 422 and "选择一个有效的选项" in html(r)


def test_stale_edit_shows_the_saved_and_the_typed_values(client_for, world, insp, problems):
    p = problems[0]
    seen = p.version
    url = f"/work/inspections/{insp.pk}/problems/{p.pk}/edit/"
    c = client_for("east_member")
    assert f'name="version" value="{seen}"' in html(c.get(url))
    problem_update(actor=world.east_leader, problem=p, expected_version=seen,
                   title="组长改过的概述")
    r = c.post(url, _form(title="组员改的概述", facts=p.facts, version=seen))
    assert r.status_code == 409
    page = html(r)
    assert "组长改过的概述" in page and "组员改的概述" in page
    assert f'name="version" value="{seen + 1}"' in page
    r = c.post(url, _form(title="组员改的概述", facts=p.facts, version=seen + 1))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.title == "组员改的概述"


def test_withdraw_needs_a_reason(client_for, insp, problems):
    p = problems[0]
    url = f"/work/inspections/{insp.pk}/problems/{p.pk}/withdraw/"
    c = client_for("east_member")
    r = c.post(url, {"reason": ""})
    assert r.status_code == 422 and "撤销问题须写明理由" in html(r)
    r = c.post(url, {"reason": "与第 2 号问题重复"}, follow=True)
    assert "已撤销第 1 号问题" in html(r)
    p.refresh_from_db()
    assert p.state == ProblemState.WITHDRAWN


def test_unit_cannot_open_the_problem_form(client_for, insp):
    assert client_for("east_contact").get(
        f"/work/inspections/{insp.pk}/problems/add/").status_code == 403


def test_import_lists_every_error_and_imports_nothing(client_for, insp):
    r = client_for("east_member").post(f"/work/inspections/{insp.pk}/problems/import/",
                                       {"file": book(BAD)})
    assert r.status_code == 422
    page = html(r)
    assert "未导入任何数据" in page
    for text in ("不存在的类别", "过于简略", "本轮重点清单没有第 99 项", "问题概述", "严重程度"):
        assert text in page, text
    assert page.count('class="text-red"') >= 5
    assert "问题清单" in page  # the sheet column
    assert not Problem.objects.exists()


def test_import_of_a_good_file_reports_the_counts(client_for, insp):
    c = client_for("east_member")
    r = c.post(f"/work/inspections/{insp.pk}/problems/import/", {"file": book(GOOD)},
               follow=True)
    assert "导入完成:新增 2 个问题,更新 0 个,未变 0 个" in html(r)
    assert Problem.objects.filter(inspection=insp).count() == 2
    r = c.post(f"/work/inspections/{insp.pk}/problems/import/", {"file": book(GOOD)},
               follow=True)
    assert "新增 0 个问题,更新 0 个,未变 2 个" in html(r)


def test_import_refuses_a_file_that_is_not_xlsx(client_for, insp):
    f = io.BytesIO(b"a,b")
    f.name = "problems.csv"
    r = client_for("east_member").post(f"/work/inspections/{insp.pk}/problems/import/",
                                       {"file": f})
    assert r.status_code == 422 and "只能导入 .xlsx" in html(r)


def test_template_and_export_download(client_for, insp, problems):
    c = client_for("east_member")
    r = c.get(f"/work/inspections/{insp.pk}/problems/template/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert "问题清单" in load_workbook(io.BytesIO(r.content)).sheetnames
    r = c.get(f"/work/inspections/{insp.pk}/problems/export/")
    ws = load_workbook(io.BytesIO(r.content))["问题清单"]
    assert ws["C2"].value == "基层党组织建设薄弱问题1"


def test_recommendation_is_added_and_sent_by_the_office(client_for, world, insp, problems):
    url = f"/work/inspections/{insp.pk}/recommendations/"
    c = client_for("east_office")
    r = c.post(url, {"department": world.units["east_bureau"].pk, "title": "规范涉企检查",
                     "content": "短"})
    assert r.status_code == 422
    page = html(r)
    assert "请填写不少于 10 个字的具体内容" in page and 'value="规范涉企检查"' in page
    r = c.post(url, {"department": world.units["east_bureau"].pk, "title": "规范涉企检查",
                     "content": "多个乡镇存在重复检查企业的问题,建议统一检查计划。",
                     "problems": [problems[0].pk]}, follow=True)
    assert "已提出专项治理建议" in html(r)
    rec = Recommendation.objects.get()
    assert list(rec.problems.all()) == [problems[0]]
    r = c.post(f"{url}{rec.pk}/send/", follow=True)
    assert "已将“规范涉企检查”移交东湖区市场监管局" in html(r)
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.SENT

