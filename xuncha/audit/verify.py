"""Checks the audit chain and names the first broken row."""

from __future__ import annotations

from dataclasses import dataclass


from xuncha.audit.chain import GENESIS, link_hash
from xuncha.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"审计链完整:共核验 {self.checked} 条记录。"
        return f"审计链断裂:第一处问题在序号 {self.broken_seq}(id={self.broken_id}):{self.reason}"


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walks the chain in sequence order: contiguous numbers, each row's hash recomputed, each row
    linked to the previous one's hash, and the head naming the last row."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_id = None
    qs = AuditEvent.objects.order_by("seq")
    # Iterate by keyset so that a long trail is verified in constant memory.
    last_seq = 0
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for ev in batch:
            if ev.seq != expected_seq:
                return VerifyResult(False, checked, ev.seq, ev.pk,
                                    f"序号不连续,应为 {expected_seq}(记录被删除或重排)")
            if ev.prev_hash != prev_hash:
                return VerifyResult(False, checked, ev.seq, ev.pk,
                                    "与前一条记录的链接不符(前序记录被删除、篡改或重排)")
            if link_hash(ev.prev_hash, ev) != ev.hash:
                return VerifyResult(False, checked, ev.seq, ev.pk, "内容与哈希不符(记录被篡改)")
            prev_hash = ev.hash
            expected_seq += 1
            checked += 1
            last_id = ev.pk
            last_seq = ev.seq
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return VerifyResult(False, checked, head.last_seq, last_id,
                            f"链尾不符:链头记录最后序号为 {head.last_seq},实际 {checked}"
                            "(末尾记录被删除或链头被篡改)")
    return VerifyResult(True, checked)
