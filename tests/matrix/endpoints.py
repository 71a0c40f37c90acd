"""Every route of /api/v1/ with how to call it on the east scenario, and how to tell "ok" from
"empty" in its answer.

A row names an OpenAPI operation (``"GET /api/v1/units/{unit_id}"``), the scenario objects its path
parameters take, a body builder, and for reads a *probe*: whether the answer contains the east
object the row is about. A 2xx answer is "ok" when the probe finds it and "empty" when it does not;
rows without a probe are "ok" on any 2xx.

Several rows may exercise one operation on objects at different stages (``#fed_back`` etc.).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.matrix.scenario import Scenario

API = "/api/v1"

Probe = Callable[[Any, Scenario], bool]
Body = Callable[[Scenario], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the OpenAPI path, with {placeholders}
    params: dict[str, str] = field(default_factory=dict)  # placeholder → scenario id name
    body: Body | None = None
    probe: Probe | None = None
    variant: str = ""
    multipart: bool = False
    xlsx: bool = False  # the answer is a workbook; the probe gets its cell texts

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def label(self) -> str:
        return self.operation + (f"#{self.variant}" if self.variant else "")

    @property
    def is_object_route(self) -> bool:
        return bool(self.params)

    def url(self, s: Scenario, overrides: dict[str, int] | None = None) -> str:
        values = {k: s[v] for k, v in self.params.items()}
        values.update(overrides or {})
        return self.path.format(**values)


def call(client: Any, ep: Endpoint, s: Scenario, overrides: dict[str, int] | None = None) -> Any:
    url = ep.url(s, overrides)
    body = ep.body(s) if ep.body else None
    method = ep.method.lower()
    if ep.multipart:
        return client.post(url, body or {})
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def xlsx_texts(content: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.extend(str(c) for c in row if c is not None)
    return "\n".join(parts)


def body_text(response: Any) -> str:
    """What an answer says, as text: JSON decoded (the API escapes non-ASCII characters), a
    workbook's cells, or the raw body."""
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        return json.dumps(response.json(), ensure_ascii=False)
    if "spreadsheetml" in content_type and response.status_code == 200:
        return xlsx_texts(response.content)
    return response.content.decode("utf-8", errors="replace")


# --- probes ---------------------------------------------------------------------------------------

def _items(data: Any) -> list[Any]:
    if isinstance(data, dict) and "items" in data:
        return list(data["items"])
    return list(data) if isinstance(data, list) else []


def has_id(name: str, key: str = "id") -> Probe:
    return lambda data, s: any(i.get(key) == s[name] for i in _items(data))


def non_empty(data: Any, s: Scenario) -> bool:
    return bool(_items(data))


def lead_count_probe(data: Any, s: Scenario) -> bool:
    return any(i["inspection_id"] == s["insp:site"] and i["count"] >= 1 for i in data)


def xlsx_has(text: str) -> Probe:
    return lambda texts, s: text in texts


# --- bodies ---------------------------------------------------------------------------------------

def _version_of(model_path: str, name: str) -> Callable[[Scenario], int]:
    def get(s: Scenario) -> int:
        from django.apps import apps

        app, model = model_path.split(".")
        return apps.get_model(app, model).objects.get(pk=s[name]).version

    return get


def _role_permissions(s: Scenario) -> dict[str, Any]:
    from xuncha.accounts.models import Role

    role = Role.objects.get(pk=s["role:team_leader"])
    perms = sorted(f"{p.content_type.app_label}.{p.codename}"
                   for p in role.permissions.select_related("content_type"))
    return {"version": role.version, "permissions": perms}


def _import_file(s: Scenario) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from xuncha.findings.importing import headers

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(headers())
    ws.append([None, "0203", "党员发展档案缺失", "2023年镇机关党支部两名新党员的入党志愿书缺失。",
               "一般", None, "否", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    return {"file": SimpleUploadedFile(
        "problems.xlsx", buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _feedback_hash(s: Scenario) -> dict[str, str]:
    from xuncha.reports.models import FeedbackList

    return {"content_hash": FeedbackList.objects.get(pk=s["feedback"]).content_hash}


V = _version_of
E = Endpoint

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- accounts ---
    E("GET", f"{API}/me"),
    E("GET", f"{API}/users", probe=has_id("user:east_clerk")),
    E("POST", f"{API}/users", body=lambda s: {
        "unit_id": s["unit:east_town"], "username": "matrix_new", "name": "新建账号",
        "password": "Qingshi#Town2031"}),
    E("POST", f"{API}/users", body=lambda s: {
        "unit_id": s["unit:east_town"], "username": "matrix_weak", "name": "弱口令",
        "password": "1234567890"}, variant="weak_password"),
    E("GET", f"{API}/users/{{user_id}}", {"user_id": "user:east_clerk"}),
    E("PATCH", f"{API}/users/{{user_id}}", {"user_id": "user:east_clerk"},
      body=lambda s: {"version": V("accounts.User", "user:east_clerk")(s), "post": "一级科员"}),
    E("POST", f"{API}/users/{{user_id}}/roles", {"user_id": "user:east_clerk"},
      body=lambda s: {"role_id": s["role:team_leader"]}),
    # 三员分立: a business role for the system administrator's account is refused.
    E("POST", f"{API}/users/{{user_id}}/roles", {"user_id": "user:sysadmin"},
      body=lambda s: {"role_id": s["role:team_leader"]}, variant="admin_account"),
    E("DELETE", f"{API}/role-assignments/{{assignment_id}}", {"assignment_id": "assignment"}),
    E("GET", f"{API}/roles", probe=has_id("role:team_leader")),
    E("POST", f"{API}/roles", body=lambda s: {
        "code": "matrix_role", "name": "矩阵测试角色", "data_scope": "unit"}),
    E("GET", f"{API}/roles/{{role_id}}", {"role_id": "role:team_leader"}),
    E("PUT", f"{API}/roles/{{role_id}}/permissions", {"role_id": "role:team_leader"},
      body=_role_permissions),
    E("GET", f"{API}/tokens", probe=has_id("token")),
    E("POST", f"{API}/tokens", body=lambda s: {"name": "矩阵测试"}),
    E("DELETE", f"{API}/tokens/{{token_id}}", {"token_id": "token"}),
    # --- organisations ---
    E("GET", f"{API}/units", probe=has_id("unit:east_town")),
    E("POST", f"{API}/units", body=lambda s: {
        "parent_id": s["unit:east_town"], "name": "东湖区青石镇杏花村", "code": "EAST-QS-XH",
        "kind": "village"}),
    E("GET", f"{API}/units/{{unit_id}}", {"unit_id": "unit:east_town"}),
    E("PATCH", f"{API}/units/{{unit_id}}", {"unit_id": "unit:east_town"},
      body=lambda s: {"version": V("organisations.Unit", "unit:east_town")(s),
                      "short_name": "青石"}),
    E("GET", f"{API}/terms", probe=has_id("term")),
    E("POST", f"{API}/terms", body=lambda s: {
        "unit_id": s["unit:east"], "name": "十三届", "start_date": "2026-09-01",
        "end_date": "2031-08-31"}),
    E("GET", f"{API}/terms/{{term_id}}", {"term_id": "term"}),
    E("PATCH", f"{API}/terms/{{term_id}}", {"term_id": "term"},
      body=lambda s: {"version": V("organisations.Term", "term")(s), "name": "第十二届"}),
    # --- notifications ---
    E("GET", f"{API}/notifications", probe=has_id("notification")),
    E("POST", f"{API}/notifications/{{notification_id}}/read",
      {"notification_id": "notification"}),
    E("POST", f"{API}/notifications/read-all"),
    # --- audit ---
    E("GET", f"{API}/audit/events", probe=non_empty),
    E("POST", f"{API}/audit/verify"),
    # --- inspections: rounds, teams, targets ---
    E("GET", f"{API}/rounds", probe=has_id("round")),
    E("POST", f"{API}/rounds", body=lambda s: {
        "term_id": s["term"], "kind": "regular", "entry_date": "2024-06-01",
        "exit_date": "2024-07-15"}),
    E("GET", f"{API}/rounds/{{round_id}}", {"round_id": "round"}),
    E("PATCH", f"{API}/rounds/{{round_id}}", {"round_id": "round"},
      body=lambda s: {"version": V("inspections.Round", "round")(s), "notes": "第一轮"}),
    E("GET", f"{API}/rounds/{{round_id}}/checklist", {"round_id": "round"}, probe=non_empty),
    E("PUT", f"{API}/rounds/{{round_id}}/checklist", {"round_id": "round"},
      body=lambda s: [{"title": "看班子"}, {"title": "看作风"}, {"title": "看廉洁"}]),
    E("GET", f"{API}/rounds/{{round_id}}/teams", {"round_id": "round"}, probe=has_id("team")),
    E("POST", f"{API}/rounds/{{round_id}}/teams", {"round_id": "round"}, body=lambda s: {}),
    # The second team, still 筹备: members are added before entry (一次一授权).
    E("POST", f"{API}/teams/{{team_id}}/members", {"team_id": "team2"},
      body=lambda s: {"user_id": s["user:east_inspector_c"], "position": "member"}),
    E("DELETE", f"{API}/team-members/{{member_id}}", {"member_id": "member:removable"}),
    E("POST", f"{API}/teams/{{team_id}}/inspections", {"team_id": "team"},
      body=lambda s: {"unit_id": s["unit:east_village2"]}),
    E("GET", f"{API}/inspections", probe=has_id("insp:site")),
    E("GET", f"{API}/inspections/{{inspection_id}}", {"inspection_id": "insp:site"}),
    E("POST", f"{API}/inspections/{{inspection_id}}/enter", {"inspection_id": "insp:prep"}),
    # --- coverage ---
    E("GET", f"{API}/terms/{{term_id}}/coverage", {"term_id": "term"}),
    E("POST", f"{API}/terms/{{term_id}}/coverage", {"term_id": "term"},
      body=lambda s: {"planned_rounds": 6}),
    E("POST", f"{API}/terms/{{term_id}}/coverage/entries", {"term_id": "term"},
      body=lambda s: {"unit_id": s["unit:east_school"], "included": False,
                      "reason": "已并入其他单位"}),
    # --- conflict declarations ---
    E("GET", f"{API}/conflict-declarations", probe=has_id("declaration")),
    E("POST", f"{API}/conflict-declarations", body=lambda s: {
        "unit_id": s["unit:east_zzb"], "kind": "worked_in", "period": "2010-2012"}),
    E("DELETE", f"{API}/conflict-declarations/{{declaration_id}}",
      {"declaration_id": "declaration"}),
    # --- intake ---
    E("GET", f"{API}/rounds/{{round_id}}/intake", {"round_id": "round"}, probe=has_id("intake")),
    E("POST", f"{API}/rounds/{{round_id}}/intake", {"round_id": "round"}, body=lambda s: {
        "source_kind": "public", "source_name": "群众来信", "content": "反映柳树村低保评定不公开。",
        "target_unit_ids": [s["unit:east_village"]]}),
    E("POST", f"{API}/intake/{{item_id}}/mark", {"item_id": "intake"},
      body=lambda s: {"version": V("inspections.IntakeItem", "intake")(s), "status": "followed",
                      "note": "已约谈窗口负责人核实"}),
    # --- findings ---
    E("GET", f"{API}/problem-categories", probe=non_empty),
    E("GET", f"{API}/inspections/{{inspection_id}}/problems", {"inspection_id": "insp:site"},
      probe=has_id("problem:draft")),
    E("GET", f"{API}/inspections/{{inspection_id}}/problems", {"inspection_id": "insp:fb"},
      probe=has_id("problem:fed_back"), variant="fed_back"),
    E("POST", f"{API}/inspections/{{inspection_id}}/problems", {"inspection_id": "insp:site"},
      body=lambda s: {"category_id": s["category"], "title": "财务报销不规范",
                      "facts": "2023年镇财政所有14笔差旅费报销缺少审批单。"}),
    E("GET", f"{API}/problems/{{problem_id}}", {"problem_id": "problem:draft"}),
    E("GET", f"{API}/problems/{{problem_id}}", {"problem_id": "problem:fed_back"},
      variant="fed_back"),
    E("PATCH", f"{API}/problems/{{problem_id}}", {"problem_id": "problem:draft"},
      body=lambda s: {"version": V("findings.Problem", "problem:draft")(s),
                      "severity": "serious"}),
    E("POST", f"{API}/problems/{{problem_id}}/withdraw", {"problem_id": "problem:draft"},
      body=lambda s: {"reason": "与第2号问题重复"}),
    E("GET", f"{API}/inspections/{{inspection_id}}/problems.xlsx",
      {"inspection_id": "insp:site"}, xlsx=True, probe=xlsx_has("基层党组织建设薄弱问题1")),
    E("GET", f"{API}/inspections/{{inspection_id}}/problems.xlsx",
      {"inspection_id": "insp:fb"}, xlsx=True, probe=xlsx_has("村务公开不及时"),
      variant="fed_back"),
    E("GET", f"{API}/problem-template.xlsx"),
    E("POST", f"{API}/inspections/{{inspection_id}}/problems/import",
      {"inspection_id": "insp:site"}, body=_import_file, multipart=True),
    E("GET", f"{API}/inspections/{{inspection_id}}/recommendations",
      {"inspection_id": "insp:site"}, probe=has_id("recommendation")),
    E("POST", f"{API}/inspections/{{inspection_id}}/recommendations",
      {"inspection_id": "insp:site"},
      body=lambda s: {"department_id": s["unit:east_bureau"], "title": "加强窗口作风建设",
                      "content": "建议在全区开展政务服务窗口作风专项整治,限期整改。"}),
    E("POST", f"{API}/recommendations/{{recommendation_id}}/send",
      {"recommendation_id": "recommendation"}),
    # --- leads ---
    E("GET", f"{API}/leads", probe=has_id("lead")),
    E("GET", f"{API}/leads/{{lead_id}}", {"lead_id": "lead"}),
    E("POST", f"{API}/inspections/{{inspection_id}}/leads", {"inspection_id": "insp:site"},
      body=lambda s: {"summary": "违规收受礼金", "facts": "2023年春节期间收受管理服务对象礼金2万元。",
                      "persons": [{"name": "孙某", "post": "青石镇副镇长"}]}),
    E("POST", f"{API}/problems/{{problem_id}}/convert-to-lead", {"problem_id": "problem:draft"},
      body=lambda s: {"persons": [{"name": "赵某", "post": "党支部书记"}],
                      "note": "涉及违规发展党员,移交线索。"}),
    E("GET", f"{API}/lead-counts", probe=lead_count_probe),
    E("POST", f"{API}/leads/{{lead_id}}/transfer", {"lead_id": "lead"}, body=lambda s: {}),
    E("POST", f"{API}/leads/{{lead_id}}/receive", {"lead_id": "lead:transferred"}),
    E("POST", f"{API}/leads/{{lead_id}}/advance", {"lead_id": "lead:trial"},
      body=lambda s: {"action": "sanction", "on_date": _today(), "note": "作出处分决定"}),
    E("POST", f"{API}/leads/{{lead_id}}/sanctions", {"lead_id": "lead:trial"},
      body=lambda s: {"person_index": 0, "kind": "party", "detail": "党内警告",
                      "decided_on": _today()}),
    E("GET", f"{API}/leads/{{lead_id}}/steps", {"lead_id": "lead:trial"}, probe=non_empty),
    E("GET", f"{API}/lead-tracking", probe=has_id("lead")),
    # --- reports and feedback ---
    E("GET", f"{API}/inspections/{{inspection_id}}/report-versions",
      {"inspection_id": "insp:site"}, probe=has_id("version:draft")),
    E("POST", f"{API}/inspections/{{inspection_id}}/report-versions",
      {"inspection_id": "insp:site"},
      body=lambda s: {"title": "关于巡察青石镇党委的情况报告(二稿)", "body": REPORT_BODY_2}),
    E("GET", f"{API}/report-versions/{{version_id}}", {"version_id": "version:draft"}),
    E("POST", f"{API}/report-versions/{{version_id}}/submit", {"version_id": "version:draft"}),
    E("POST", f"{API}/report-versions/{{version_id}}/annotations",
      {"version_id": "version:submitted"}, body=lambda s: {"body": "请补充整改建议"}),
    E("POST", f"{API}/annotations/{{annotation_id}}/reply", {"annotation_id": "annotation"},
      body=lambda s: {"reply": "已按意见修改"}),
    E("POST", f"{API}/annotations/{{annotation_id}}/resolve", {"annotation_id": "annotation"}),
    E("POST", f"{API}/report-versions/{{version_id}}/return", {"version_id": "version:submitted"},
      body=lambda s: {"reason": "问题描述不够具体"}),
    E("POST", f"{API}/report-versions/{{version_id}}/approve",
      {"version_id": "version:submitted"}),
    E("GET", f"{API}/inspections/{{inspection_id}}/feedback", {"inspection_id": "insp:fb"}),
    E("POST", f"{API}/feedback/{{feedback_id}}/sign", {"feedback_id": "feedback"},
      body=_feedback_hash),
)

REPORT_BODY_2 = ("# 一、基本情况\n\n第一巡察组于2024年3月进驻青石镇。\n\n# 二、发现的问题\n\n"
                 "- 党支部组织生活不规范\n- 发展党员程序不严格\n- 财务报销不规范")

BY_LABEL = {ep.label: ep for ep in ENDPOINTS}


def classify(ep: Endpoint, response: Any, s: Scenario) -> str:
    code = response.status_code
    if 200 <= code < 300:
        if ep.probe is None:
            return "ok"
        data = xlsx_texts(response.content) if ep.xlsx else response.json()
        return "ok" if ep.probe(data, s) else "empty"
    return {403: "denied", 404: "hidden", 422: "invalid"}.get(code, f"status {code}")
