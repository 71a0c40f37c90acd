"""Checks the audit chain and names the first broken row.

The walk goes in sequence order and checks, for every row: the sequence number is the next one
(nothing deleted, nothing inserted, nothing renumbered), ``prev_hash`` is the previous row's hash
(nothing deleted or reordered), and the hash recomputed from the row's content is the stored one
(nothing edited). The head row must name the last row (the newest rows were not deleted), and no row
may lie beyond the head. Anchors (``seq → hash`` pairs written down outside the database, e.g. from
an earlier run of ``verify_audit``) catch a chain recomputed from start to end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Max

from xuncha.audit.chain import GENESIS, link_hash
from xuncha.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    # The newest link checked: worth writing down outside the database as an anchor.
    last_seq: int = 0
    last_hash: str = GENESIS

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共核验 {self.checked} 条记录。"
        where = (f"序号 {self.broken_seq}（id={self.broken_id}）" if self.broken_id is not None
                 else f"序号 {self.broken_seq}（该记录已不存在）")
        return f"审计链断裂：第一处问题在{where}：{self.reason}"


def parse_anchor(text: str) -> tuple[int, str]:
    """``"120:ab12…"`` → (120, "ab12…"); ValueError when it is not that."""
    seq_text, sep, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(text)
    seq = int(seq_text)
    if seq < 1:
        raise ValueError(text)
    return seq, digest


def verify_chain(batch_size: int = 5000, anchors: Mapping[int, str] | None = None) -> VerifyResult:
    """Walks the chain up to the head and reports the first broken link.

    The head is read first: rows appended while the walk runs lie beyond it and are left to the next
    run. It is safe to run while the system is in use.
    """
    anchors = {int(k): v.lower() for k, v in (anchors or {}).items()}
    head = AuditHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head is not None else None
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    if head_seq is not None:
        qs = qs.filter(seq__lte=head_seq)

    def broken(seq: int | None, pk: int | None, reason: str) -> VerifyResult:
        return VerifyResult(False, checked, seq, pk, reason, last_seq, prev_hash)

    # Keyset pagination: a long trail is verified in constant memory.
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for ev in batch:
            if ev.seq != expected_seq:
                if ev.seq > expected_seq:
                    missing = (str(expected_seq) if ev.seq == expected_seq + 1
                               else f"{expected_seq}–{ev.seq - 1}")
                    reason = f"序号不连续，缺少序号 {missing}（记录被删除或序号被改动）"
                else:
                    reason = f"序号不连续，应为 {expected_seq}（记录被插入或序号被改动）"
                return broken(ev.seq, ev.pk, reason)
            if ev.prev_hash != prev_hash:
                return broken(ev.seq, ev.pk, "与前一条记录的链接不符（前序记录被删除、篡改或重排）")
            if link_hash(ev.prev_hash, ev) != ev.hash:
                return broken(ev.seq, ev.pk, "内容与哈希不符（记录被篡改）")
            if ev.seq in anchors and anchors[ev.seq] != ev.hash:
                return broken(ev.seq, ev.pk, "哈希与链外留存的锚点不符（审计链被整体重算）")
            prev_hash = ev.hash
            expected_seq += 1
            checked += 1
            last_seq = ev.seq

    if head is None:
        if checked:
            return broken(None, None, "链头记录缺失（链头被删除）")
        # Never written to: an empty trail is intact, but no anchor can be met.
    elif head.last_seq != checked:
        missing = (str(head.last_seq) if head.last_seq == checked + 1
                   else f"{checked + 1}–{head.last_seq}")
        return VerifyResult(
            False, checked, checked + 1, None,
            f"链尾不符：链头记录最后序号为 {head.last_seq}，实际只有 {checked} 条，"
            f"缺少序号 {missing}（末尾记录被删除或链头被篡改）",
            last_seq, prev_hash,
        )
    elif head.last_hash != prev_hash:
        last = AuditEvent.objects.filter(seq=last_seq).values_list("pk", flat=True).first()
        return VerifyResult(False, checked, last_seq or None, last,
                            "链尾不符：链头记录的哈希与最后一条记录不符（末尾记录或链头被篡改）",
                            last_seq, prev_hash)
    unmet = sorted(s for s in anchors if s > checked)
    if unmet:
        return VerifyResult(False, checked, unmet[0], None,
                            f"链外留存的锚点序号 {unmet[0]} 已不存在（记录被删除）", last_seq, prev_hash)
    # Rows beyond the head: read the highest sequence number before the head again. A genuine
    # append commits its row and the head together, so the head read second is never behind it.
    top = AuditEvent.objects.aggregate(top=Max("seq"))["top"] or 0
    head_now = AuditHead.objects.filter(id=1).values_list("last_seq", flat=True).first() or 0
    if top > head_now:
        first_extra = (AuditEvent.objects.filter(seq__gt=head_now).order_by("seq")
                       .values_list("seq", "pk").first())
        seq, pk = first_extra if first_extra else (top, None)
        return VerifyResult(False, checked, seq, pk,
                            "链头之后还有记录（链头被回退或记录被绕过链头插入）", last_seq, prev_hash)
    return VerifyResult(True, checked, last_seq=last_seq, last_hash=prev_hash)
