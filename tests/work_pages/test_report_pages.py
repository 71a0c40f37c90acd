"""The report ("改卷子"): the team's editor, reviewers' annotations on a pasted passage or on a
problem, replies, return, approval, versions and their comparison, the printable layout."""

from __future__ import annotations

from tests.work_pages.conftest import BODY, html
from xuncha.inspections.models import InspectionStatus
from xuncha.reports import services
from xuncha.reports.models import Annotation, AnnotationStatus, FeedbackList, ReportStatus, ReportVersion


def test_team_drafts_saves_and_submits(client_for, world, insp, problems):
    c = client_for("east_leader")
    url = f"/work/inspections/{insp.pk}/report/edit/"
    page = html(c.get(url))
    assert "# 一、基本情况" in page and "编号列表" in page
    r = c.post(url, {"title": "关于巡察青石镇党委的情况报告", "body": "太短", "action": "save"})
    assert r.status_code == 422
    assert "请填写报告标题和不少于 20 个字的正文" in html(r) and "关于巡察青石镇党委的情况报告" in html(r)
    r = c.post(url, {"title": "关于巡察青石镇党委的情况报告", "body": BODY, "action": "save",
                     "cited_problems": [problems[0].pk]}, follow=True)
    assert "已保存第1稿草稿" in html(r)
    v = ReportVersion.objects.get()
    assert v.status == ReportStatus.DRAFT and list(v.cited_problems.all()) == [problems[0]]
    page = html(r)
    assert "<h2>一、基本情况</h2>" in page and "送审" in page
    r = c.post(f"/work/inspections/{insp.pk}/report/versions/{v.pk}/submit/", follow=True)
    assert "第1稿已送审" in html(r)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.REPORTING
    assert c.get(url).status_code == 409  # under review: no editing


def test_reviewer_annotates_a_pasted_passage(client_for, world, insp, submitted):
    url = f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/annotate/"
    c = client_for("east_leadership")
    r = c.post(url, {"quote": "正文里没有这句话", "problem": "", "body": "把具体问题写实"})
    assert r.status_code == 422
    page = html(r)
    assert "批注的原文在本稿中找不到" in page and "正文里没有这句话" in page and "把具体问题写实" in page
    r = c.post(url, {"quote": "党支部组织生活不规范", "problem": "", "body": "把具体问题写实"},
               follow=True)
    page = html(r)
    a = Annotation.objects.get()
    assert f'<mark class="anno-mark anno-open" id="q-{a.pk}">党支部组织生活不规范' in page
    assert f'id="a-{a.pk}"' in page and "把具体问题写实" in page


def test_annotation_on_a_problem(client_for, world, insp, submitted, problems):
    r = client_for("east_director").post(
        f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/annotate/",
        {"quote": "", "problem": problems[1].pk, "body": "补充发生时间"}, follow=True)
    assert "针对第 2 号问题" in html(r)
    assert Annotation.objects.get().problem == problems[1]


def test_team_cannot_annotate_and_reviewer_sees_no_editor(client_for, insp, submitted):
    page = html(client_for("east_leader").get(f"/work/inspections/{insp.pk}/report/"))
    assert "添加批注" not in page
    assert client_for("east_leader").post(
        f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/annotate/",
        {"body": "自己批注"}).status_code == 403


def test_reply_resolve_and_approve(client_for, world, insp, submitted):
    a = services.annotation_add(actor=world.east_leadership, version=submitted,
                                body="把具体问题写实", quote="发展党员程序不严格")
    d = client_for("east_director")
    page = html(d.get(f"/work/inspections/{insp.pk}/report/"))
    assert "还有 1 条批注未答复" in page
    r = d.post(f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/approve/",
               follow=True)
    assert "还有 1 条批注未答复,不能审定" in html(r)
    leader = client_for("east_leader")
    r = leader.post(f"/work/inspections/{insp.pk}/report/annotations/{a.pk}/reply/",
                    {"reply": ""}, follow=True)
    assert "请填写答复" in html(r)
    leader.post(f"/work/inspections/{insp.pk}/report/annotations/{a.pk}/reply/",
                {"reply": "已补充2名党员的具体情况"})
    a.refresh_from_db()
    assert a.status == AnnotationStatus.ANSWERED
    client_for("east_leadership").post(
        f"/work/inspections/{insp.pk}/report/annotations/{a.pk}/resolve/")
    a.refresh_from_db()
    assert a.status == AnnotationStatus.RESOLVED
    r = d.post(f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/approve/",
               follow=True)
    assert "已审定第1稿" in html(r)
    assert FeedbackList.objects.filter(inspection=insp).exists()
    assert r.redirect_chain[-1][0] == f"/work/inspections/{insp.pk}/feedback/"


def test_only_the_director_sees_approve(client_for, insp, submitted):
    assert "审定" not in html(client_for("east_office").get(
        f"/work/inspections/{insp.pk}/report/")).split("version-actions")[1][:1500]
    assert client_for("east_office").post(
        f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/approve/").status_code == 403


def test_return_with_reason_then_new_version_and_compare(client_for, world, insp, submitted):
    d = client_for("east_director")
    url = f"/work/inspections/{insp.pk}/report/versions/{submitted.pk}/return/"
    r = d.post(url, {"reason": ""})
    assert r.status_code == 422 and "这个字段是必填项" in html(r)
    r = d.post(url, {"reason": "问题不够具体"}, follow=True)
    assert "已退回第1稿" in html(r)
    leader = client_for("east_leader")
    edit = html(leader.get(f"/work/inspections/{insp.pk}/report/edit/"))
    assert "保存后生成第2稿" in edit
    leader.post(f"/work/inspections/{insp.pk}/report/edit/", {
        "title": "关于巡察青石镇党委的情况报告", "body": BODY.replace("不严格", "不严格,2名党员未经考察"),
        "action": "submit"})
    v1, v2 = ReportVersion.objects.order_by("number")
    assert v2.status == ReportStatus.SUBMITTED
    page = html(leader.get(f"/work/inspections/{insp.pk}/report/compare/?a={v1.pk}&b={v2.pk}"))
    assert 'class="diff-del"' in page and 'class="diff-ins"' in page and "2名党员未经考察" in page
    history = html(leader.get(f"/work/inspections/{insp.pk}/report/versions/{v1.pk}/"))
    assert "这是历史稿" in history and "退回修改:问题不够具体" in history


def test_printable_report(client_for, insp, submitted):
    r = client_for("east_office").get(f"/work/inspections/{insp.pk}/report/print/")
    page = html(r)
    assert 'class="sheet"' in page and "关于巡察青石镇党委的情况报告" in page
    assert 'class="sidenav"' not in page and "/static/css/work.css" in page


def test_unit_side_cannot_read_the_report(client_for, insp, submitted):
    assert client_for("east_contact").get(
        f"/work/inspections/{insp.pk}/report/").status_code == 403
