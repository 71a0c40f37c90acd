"""The auditor's page: only the auditor gets in; filters, expansion, verification and export."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.audit.conftest import dba, sql
from xuncha.audit.actions import ACTION_LABELS, action_label
from xuncha.audit.export import neutralise
from xuncha.audit.models import AuditEvent, Outcome
from xuncha.audit.services import record

# Every actor of the world but the auditor: both other administrators and every business role.
OTHERS = [
    "sysadmin", "secadmin", "nobody", "city_office",
    *(f"east_{r}" for r in ("director", "office", "leader", "member", "head", "contact",
                            "village_contact", "bureau_contact", "jiwei", "zzb", "leadership")),
]


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def rows_in(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(n) for n in re.findall(r'<tr id="event-(\d+)"', text(response))]


# --- Who may open it (三员分立) ---


def test_the_auditor_opens_the_audit_log(client_for):
    r = client_for("auditor").get("/audit/")
    assert r.status_code == 200
    body = text(r)
    assert "审计日志" in body and "核验审计链" in body


@pytest.mark.parametrize("name", OTHERS)
def test_nobody_but_the_auditor_opens_the_page_the_export_or_the_verification(client_for, name):
    c = client_for(name)
    assert c.get("/audit/").status_code == 403
    assert c.get("/audit/export/?format=csv").status_code == 403
    assert c.post("/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action__in=["audit.export", "audit.verify"]).exists()
    # Each refusal is itself in the trail.
    assert AuditEvent.objects.filter(action="access.denied", actor_name=name).count() == 3


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "east_office"])
def test_nobody_but_the_auditor_reads_the_log_through_the_api(client_for, name):
    c = client_for(name)
    r = c.get("/api/v1/audit/events")
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert c.post("/api/v1/audit/verify").status_code == 403


def test_the_auditor_reads_the_log_through_the_api(client_for, chain):
    trail = chain(3)
    r = client_for("auditor").get("/api/v1/audit/events?action=unit.")
    assert r.status_code == 200
    assert [i["seq"] for i in r.json()["items"]] == [e.seq for e in reversed(trail)]
    v = client_for("auditor").post("/api/v1/audit/verify")
    assert v.status_code == 200 and v.json()["ok"] is True


def test_a_signed_out_visitor_is_sent_to_the_login_page(db, client):
    r = client.get("/audit/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_only_the_auditor_sees_the_menu_entry(client_for):
    assert 'href="/audit/"' in text(client_for("auditor").get("/audit/"))
    assert 'href="/audit/"' not in text(client_for("sysadmin").get("/"))


# --- The list ---


def test_the_list_shows_newest_first_fifty_per_page(world, client_for):
    for i in range(60):
        record(actor=world.east_office, action="unit.update", object_repr=f"单位{i}")
    c = client_for("auditor")
    first = rows_in(c.get("/audit/"))
    assert len(first) == 50
    assert first == sorted(first, reverse=True)
    second = rows_in(c.get("/audit/?page=2"))
    assert len(second) == AuditEvent.objects.count() - 50
    assert max(second) < min(first)


def test_actions_show_with_chinese_labels_and_unknown_ones_by_code(world, client_for):
    record(actor=world.east_office, action="unit.create", object_repr="新单位")
    record(actor=world.east_office, action="future.thing", object_repr="以后的功能")
    body = text(client_for("auditor").get("/audit/"))
    assert "新建单位" in body
    assert "future.thing" in body
    assert action_label("auth.login") == "登录"
    assert action_label("auth.login_failed") == "登录失败"
    assert action_label("access.denied") == "拒绝访问"
    assert action_label("no.such") == "no.such"


def test_every_action_recorded_by_the_foundation_has_a_label():
    for code in ("auth.login", "auth.logout", "auth.login_failed", "access.denied",
                 "unit.create", "unit.update", "term.create", "term.update", "user.create",
                 "user.update", "user.reset_password", "user.change_password", "role.assign",
                 "role.revoke", "role.set_permissions", "token.create", "token.revoke",
                 "audit.verify", "audit.export"):
        assert code in ACTION_LABELS


def test_a_row_expands_to_the_change_summary_and_the_hashes(world, client_for):
    c = client_for("auditor")
    ev = record(actor=world.east_office, action="unit.update", object_repr="东湖区青石镇",
                changes={"name": ["青石乡", "青石镇"]})
    body = html.unescape(text(c.get("/audit/")))
    row = body[body.index(f'<tr id="event-{ev.seq}"'):]
    row = row[: row.index("</tr>")]
    assert "<details" in row and "<summary>" in row
    assert '"name": [\n    "青石乡",\n    "青石镇"\n  ]' in row  # pretty-printed JSON
    assert ev.hash in row and ev.prev_hash in row
    assert "东湖区委巡察办" in row  # the actor's unit


def test_filters_by_action_prefix_outcome_actor_object_and_time(world, client_for):
    a = record(actor=world.east_office, action="unit.update", object_repr="东湖区青石镇")
    b = record(actor=world.west_office, action="unit.create", object_repr="西山县青石镇")
    d = record(actor=world.west_contact, action="access.denied", object_repr="/audit/",
               outcome=Outcome.DENIED)
    f = record(actor=None, actor_name="mallory", action="auth.login_failed",
               object_repr="mallory", outcome=Outcome.FAILURE)
    old = record(actor=world.east_office, action="unit.update", object_repr="很久以前")
    with dba():
        sql("UPDATE audit_auditevent SET at = %s WHERE id = %s",
            [(timezone.now() - timedelta(days=30)).isoformat(" "), old.pk])
    c = client_for("auditor")

    def seqs(query: str) -> set[int]:
        return set(rows_in(c.get("/audit/?" + query)))

    assert seqs("action=unit.") >= {a.seq, b.seq, old.seq}
    assert seqs("action=unit.") & {d.seq, f.seq} == set()
    assert seqs("action=unit.create") == {b.seq}
    assert seqs("outcome=denied") == {d.seq}
    assert seqs("outcome=failure") == {f.seq}
    assert seqs("actor=mallory") == {f.seq}
    assert seqs("actor=west_office") == {b.seq}
    assert seqs("q=青石镇") == {a.seq, b.seq}
    today = timezone.localdate()
    assert old.seq not in seqs(f"since={today - timedelta(days=1)}")
    assert seqs(f"until={today - timedelta(days=20)}") == {old.seq}
    assert a.seq in seqs(f"since={today}&until={today}")


def test_a_bad_filter_is_explained_not_fatal(client_for, chain):
    chain(2)
    r = client_for("auditor").get("/audit/?since=not-a-date&until=2020-01-01&outcome=nope")
    assert r.status_code == 200
    assert "field-error" in text(r)


def test_the_page_has_no_inline_script(client_for, chain):
    chain(1)
    body = text(client_for("auditor").get("/audit/"))
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag
    assert " on" + "click=" not in body


# --- Verification ---


def test_the_verify_button_reports_an_intact_chain_and_is_itself_recorded(client_for, chain):
    c = client_for("auditor")
    chain(3)
    r = c.post("/audit/verify/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    # Everything so far: the three events and the auditor's login.
    assert "审计链完整：共核验 4 条记录" in text(r)
    assert "<html" not in text(r)  # the htmx partial
    full = c.post("/audit/verify/")
    assert "<html" in text(full) and "审计链完整" in text(full)
    ev = AuditEvent.objects.filter(action="audit.verify").first()
    assert ev is not None and ev.changes["ok"] is True


def test_the_verify_button_names_the_first_broken_row(client_for, chain):
    trail = chain(4)
    with dba():
        sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["改过", trail[1].pk])
    r = client_for("auditor").post("/audit/verify/", HTTP_HX_REQUEST="true")
    assert "审计链断裂" in text(r)
    assert f"序号 {trail[1].seq}（id={trail[1].pk}）" in text(r)
    assert AuditEvent.objects.filter(action="audit.verify").first().changes["broken_seq"] == \
        trail[1].seq


def test_verification_only_answers_post(client_for):
    assert client_for("auditor").get("/audit/verify/").status_code == 405


# --- Export ---


def make_hostile(world):  # type: ignore[no-untyped-def]
    """Events whose text an attacker chose (a login name tried, an object name)."""
    record(actor=None, actor_name="=HYPERLINK(\"http://evil\")", action="auth.login_failed",
           object_repr="@SUM(A1)", outcome=Outcome.FAILURE)
    record(actor=world.east_office, action="unit.update", object_repr="+cmd|' /C calc'!A0")
    record(actor=world.east_office, action="unit.update", object_repr="-2+3")
    return list(AuditEvent.objects.order_by("-seq"))


def test_export_to_xlsx_neutralises_formulas(client_for, world):
    c = client_for("auditor")
    hostile = make_hostile(world)
    r = c.get("/audit/export/?format=xlsx&action=unit.")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert [row[0] for row in rows[1:]] == [e.seq for e in hostile if e.action == "unit.update"]
    r = c.get("/audit/export/?format=xlsx&outcome=failure")
    rows += list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    cells = [c for row in rows[1:] for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(\"http://evil\")" in cells
    assert "'@SUM(A1)" in cells and "'+cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_export_to_csv_neutralises_formulas_and_follows_the_filters(client_for, world):
    c = client_for("auditor")
    make_hostile(world)
    r = c.get("/audit/export/?format=csv&outcome=failure")
    assert r.status_code == 200
    content = b"".join(r.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][0] == "序号"
    assert len(rows) == 2  # the header and the one failure
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][8] == "'@SUM(A1)"
    assert rows[1][4] == "登录失败"


def test_an_export_is_itself_recorded(client_for, world):
    c = client_for("auditor")
    make_hostile(world)
    c.get("/audit/export/?format=xlsx&action=unit.")
    ev = AuditEvent.objects.filter(action="audit.export").get()
    assert ev.changes["format"] == "xlsx"
    assert ev.changes["rows"] == 2
    assert ev.changes["filters"] == {"action": "unit."}


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_neutralise_prefixes_a_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["普通文本", "1-2", "", 5, None])
def test_neutralise_leaves_ordinary_values(value):
    assert neutralise(value) == value
