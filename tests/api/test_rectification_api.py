"""The rectification flow through the JSON API, with the same rules as the services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.inspections.helpers import rectifying_inspection

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def post(c, url, data):
    return c.post(url, json.dumps(data, default=str), content_type="application/json")


def test_plan_to_closure_through_the_api(world, client_for):
    insp, (p1, p2) = rectifying_inspection(world)
    unit = client_for("east_contact")
    r = post(unit, "/api/v1/plans", {"inspection_id": insp.pk,
                                     "first_responsible_id": world.east_head.pk,
                                     "group_leader": "镇党委书记"})
    assert r.status_code == 201, r.content
    plan = r.json()
    deadline = plan["period_start"]
    for p in (p1,):
        r = post(unit, f"/api/v1/plans/{plan['id']}/tasks", {
            "problem_id": p.pk, "measure": "加强学习", "deadline": deadline,
            "responsible_leader": "书记", "responsible_person": "主任"})
        assert r.status_code == 201, r.content
    check = unit.get(f"/api/v1/plans/{plan['id']}/check").json()
    assert {c["criterion"] for c in check} == {"missing_items", "vague_measures"}
    r = unit.post(f"/api/v1/plans/{plan['id']}/submit")
    assert r.status_code == 422 and r.json()["code"] == "plan_check_failed"
    assert len(r.json()["details"]) == len(check)
    task_id = unit.get(f"/api/v1/plans/{plan['id']}/tasks").json()[0]["id"]
    r = unit.patch(f"/api/v1/tasks/{task_id}", json.dumps(
        {"version": 1, "measure": "6月底前修订《公务接待管理办法》并组织干部学习2次"}),
        content_type="application/json")
    assert r.status_code == 200, r.content
    post(unit, f"/api/v1/plans/{plan['id']}/tasks", {
        "problem_id": p2.pk, "measure": "立即清退违规发放的津补贴2.4万元", "deadline": deadline,
        "responsible_leader": "书记", "responsible_person": "主任"})
    assert unit.post(f"/api/v1/plans/{plan['id']}/submit").status_code == 200
    for who in ("east_office", "east_jiwei", "east_zzb"):
        r = post(client_for(who), f"/api/v1/plans/{plan['id']}/reviews", {"decision": "approve"})
        assert r.status_code == 201, r.content
    assert unit.get(f"/api/v1/plans/{plan['id']}").json()["status"] == "approved"
    r = unit.post(f"/api/v1/tasks/{task_id}/progress",
                  {"text": "办法已修订印发", "percent": "100",
                   "files": [__import__("django.core.files.uploadedfile", fromlist=["x"])
                             .SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]})
    assert r.status_code == 201, r.content
    assert post(unit, f"/api/v1/tasks/{task_id}/request-closure",
                {"note": "已完成"}).status_code == 200
    r = post(unit, f"/api/v1/tasks/{task_id}/verify",
             {"method": "document", "result": "passed", "note": "自己销自己的号"})
    assert r.status_code == 403
    r = post(client_for("east_office"), f"/api/v1/tasks/{task_id}/verify",
             {"method": "on_site", "result": "passed", "note": "现场查看印发文件和学习记录"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client_for("west_office").get(f"/api/v1/tasks/{task_id}").status_code == 404
    xlsx = client_for("east_office").get("/api/v1/ledger.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_ledger_filters_and_counts(world, client_for):
    _insp, _ = rectifying_inspection(world)
    r = client_for("east_office").get("/api/v1/ledger?status=overdue")
    assert r.status_code == 200 and r.json()["count"] == 0
    assert client_for("west_office").get("/api/v1/ledger").json()["count"] == 0
    assert timedelta(days=1)


def test_outcomes_and_returns_through_the_api(world, client_for):
    from datetime import date

    insp, (p1, _) = rectifying_inspection(world)
    jiwei = client_for("east_jiwei")
    r = post(jiwei, "/api/v1/accountability", {
        "unit_id": insp.unit_id, "person_name": "李某", "post": "党政办主任", "problem_id": p1.pk,
        "responsibility": "direct", "form": "first", "measure": "批评教育",
        "decided_on": "2024-06-01", "deciding_body": "区纪委监委"})
    assert r.status_code == 201, r.content
    assert client_for("west_office").get("/api/v1/accountability").json() == []
    office = client_for("east_office")
    r = post(office, "/api/v1/returns", {"reporter_id": world.units["east"].pk,
                                         "month": date.today().replace(day=1)})
    assert r.status_code == 200 and r.json()["data"]["problems"]["fed_back"] == 2
    r = post(office, f"/api/v1/returns/{r.json()['id']}/submit", {"note": ""})
    assert r.json()["status"] == "submitted"
    rows = client_for("city_office").get(
        f"/api/v1/returns/city-overview?city_id={world.units['city'].pk}"
        f"&month={date.today().replace(day=1)}").json()
    assert {x["county"]: x["submitted"] for x in rows} == {"东湖区": True, "西山县": False}


def test_anonymous_survey_answer_through_the_api(world, client):
    from tests.evaluation.helpers import planned_evaluation
    from xuncha.surveys import services

    ev = planned_evaluation(world)
    s = services.survey_open(actor=world.east_office, evaluation=ev)
    code = services.codes_issue(actor=world.east_office, survey=s, count=1)[0]
    q = client.get(f"/api/v1/public/surveys/{s.slug}")
    assert q.status_code == 200 and len(q.json()["questions"]) == 7
    body = {"code": code, "answers": {"1": "知道", "2": "满意", "3": "满意", "4": "满意",
                                      "5": "满意", "6": "满意"}}
    assert post(client, f"/api/v1/public/surveys/{s.slug}/answers", body).status_code == 201
    again = post(client, f"/api/v1/public/surveys/{s.slug}/answers", body)
    assert again.status_code == 422 and "已经使用过" in again.json()["message"]
    assert client.get(f"/api/v1/surveys/{s.pk}/results").status_code == 401
