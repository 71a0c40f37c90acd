"""Tampering with the trail behind the application's back is detected, and the row is named."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.audit.conftest import dba, sql
from xuncha.audit.chain import link_hash
from xuncha.audit.models import AuditEvent, AuditHead
from xuncha.audit.verify import verify_chain


def run_command(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_untouched_chain_verifies_and_the_command_says_so_in_chinese(chain):
    trail = chain(5)
    result = verify_chain()
    assert result.ok
    assert result.checked == len(trail)
    assert result.last_seq == trail[-1].seq and result.last_hash == trail[-1].hash
    code, out, err = run_command()
    assert code == 0
    assert f"审计链完整：共核验 {len(trail)} 条记录" in out
    assert trail[-1].hash in out  # the anchor to write down
    assert err == ""


def test_an_empty_trail_verifies(db):
    assert verify_chain().ok
    assert run_command()[0] == 0


def test_editing_one_field_by_raw_sql_names_that_row(chain):
    trail = chain(5)
    victim = trail[2]
    if connection.vendor == "postgresql":
        # While the trigger is on, the database itself refuses; a DBA has to switch it off first.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["西山县", victim.pk])
    with dba():
        sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["西山县", victim.pk])
    result = verify_chain()
    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (victim.seq, victim.pk)
    assert "内容与哈希不符" in result.reason
    code, _out, err = run_command()
    assert code == 1
    assert f"序号 {victim.seq}（id={victim.pk}）" in err
    assert "审计链断裂" in err


def test_editing_the_change_summary_or_the_time_is_detected(chain):
    trail = chain(4)
    with dba():
        sql("UPDATE audit_auditevent SET changes = %s WHERE id = %s",
            ['{"name": ["旧1", "别的"]}', trail[1].pk])
        sql("UPDATE audit_auditevent SET at = %s WHERE id = %s", ["2020-01-01 00:00:00", trail[3].pk])
    assert verify_chain().broken_seq == trail[1].seq
    with dba():
        sql("UPDATE audit_auditevent SET changes = %s WHERE id = %s",
            ['{"name": ["旧1", "新1"]}', trail[1].pk])
    assert verify_chain().broken_seq == trail[3].seq


def test_deleting_a_middle_row_names_the_row_after_the_gap(chain):
    trail = chain(5)
    gone, after = trail[2], trail[3]
    with dba():
        sql("DELETE FROM audit_auditevent WHERE id = %s", [gone.pk])
    result = verify_chain()
    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (after.seq, after.pk)
    assert f"缺少序号 {gone.seq}" in result.reason
    code, _out, err = run_command()
    assert code == 1
    assert f"序号 {after.seq}（id={after.pk}）" in err


def test_deleting_the_last_row_is_caught_by_the_head(chain):
    trail = chain(5)
    last = trail[-1]
    with dba():
        sql("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == last.seq
    assert result.broken_id is None
    assert "末尾记录被删除" in result.reason
    code, _out, err = run_command()
    assert code == 1
    assert f"序号 {last.seq}（该记录已不存在）" in err


def test_swapping_the_content_of_two_rows_names_the_first(chain):
    trail = chain(5)
    a, b = trail[1], trail[3]
    with dba():
        for this, other in ((a, b), (b, a)):
            sql("UPDATE audit_auditevent SET object_id = %s, object_repr = %s, changes = %s "
                "WHERE id = %s",
                [other.object_id, other.object_repr, json.dumps(other.changes), this.pk])
    result = verify_chain()
    assert (result.broken_seq, result.broken_id) == (a.seq, a.pk)
    assert "内容与哈希不符" in result.reason
    code, _out, err = run_command()
    assert code == 1 and f"序号 {a.seq}（id={a.pk}）" in err


def test_reordering_rows_by_swapping_their_sequence_numbers_is_detected(chain):
    trail = chain(5)
    a, b = trail[1], trail[3]
    with dba():
        sql("UPDATE audit_auditevent SET seq = -1 WHERE id = %s", [a.pk])
        sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
        sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = verify_chain()
    assert not result.ok
    # Row b now sits at a's place in the order; its link to the previous row is wrong.
    assert (result.broken_seq, result.broken_id) == (a.seq, b.pk)
    assert "链接不符" in result.reason
    code, _out, err = run_command()
    assert code == 1 and f"序号 {a.seq}（id={b.pk}）" in err


def test_renumbering_after_a_deletion_is_detected(chain):
    trail = chain(5)
    gone = trail[2]
    with dba():
        sql("DELETE FROM audit_auditevent WHERE id = %s", [gone.pk])
        for ev in trail[3:]:
            sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [ev.seq - 1, ev.pk])
        sql("UPDATE audit_audithead SET last_seq = last_seq - 1 WHERE id = 1")
    result = verify_chain()
    assert (result.broken_seq, result.broken_id) == (gone.seq, trail[3].pk)


def test_a_row_inserted_behind_the_heads_back_is_detected(chain):
    trail = chain(3)
    last = trail[-1]
    with dba():
        sql(
            "INSERT INTO audit_auditevent (seq, at, actor_name, unit_name, action, object_type, "
            "object_id, object_repr, changes, outcome, prev_hash, hash) "
            "SELECT seq + 1, at, actor_name, unit_name, action, object_type, object_id, "
            "object_repr, changes, outcome, hash, hash FROM audit_auditevent WHERE id = %s",
            [last.pk],
        )
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == last.seq + 1
    assert "链头之后还有记录" in result.reason


def test_a_missing_head_is_detected(chain):
    chain(2)
    with dba():
        sql("DELETE FROM audit_audithead")
    result = verify_chain()
    assert not result.ok and "链头记录缺失" in result.reason


def test_a_chain_recomputed_end_to_end_is_caught_only_by_an_anchor(chain):
    """SM3 has no key: whoever rewrites a row and every hash after it (and the head) produces a
    consistent chain. A hash written down outside the database (the command prints one) still
    catches it."""
    trail = chain(5)
    anchor = f"{trail[-1].seq}:{trail[-1].hash}"
    with dba():
        sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["改过", trail[2].pk])
        prev = trail[1].hash
        for ev in AuditEvent.objects.filter(seq__gte=trail[2].seq).order_by("seq"):
            ev.prev_hash = prev
            new = link_hash(prev, ev)
            sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, new, ev.pk])
            prev = new
        sql("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
    assert verify_chain().ok
    code, _out, err = run_command("--anchor", anchor)
    assert code == 1
    assert f"序号 {trail[-1].seq}" in err and "锚点" in err


def test_deleting_the_last_row_and_rewinding_the_head_is_caught_by_an_anchor(chain):
    trail = chain(4)
    last, before = trail[-1], trail[-2]
    with dba():
        sql("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
        sql("UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = 1",
            [before.seq, before.hash])
    assert verify_chain().ok
    result = verify_chain(anchors={last.seq: last.hash})
    assert not result.ok and result.broken_seq == last.seq
    assert run_command("--anchor", f"{last.seq}:{last.hash}")[0] == 1


def test_a_malformed_anchor_is_refused_with_a_chinese_message(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="锚点"):
        call_command("verify_audit", "--anchor", "12:not-a-hash", stdout=StringIO())


def test_the_head_names_the_last_row_after_appends(chain):
    trail = chain(3)
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (trail[-1].seq, trail[-1].hash)
