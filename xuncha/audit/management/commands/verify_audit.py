"""``manage.py verify_audit`` (``xuncha verify-audit``): checks the audit trail's SM3 chain.

Exit status 0 when the chain is intact, 1 when it is broken (the first broken row is named by its
sequence number and id), 2 for bad arguments. Anchors written down from an earlier run
(``--anchor 序号:哈希``) also catch a chain that was recomputed from start to end.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.audit.verify import parse_anchor, verify_chain


class Command(BaseCommand):
    help = "核验审计日志的 SM3 哈希链；链断裂时以非零状态退出，并指出第一处断裂的记录（序号和 id）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor", action="append", default=[], metavar="序号:哈希",
            help="链外留存的某条记录的哈希（取自以前的核验输出），可多次给出。",
        )
        parser.add_argument("--batch-size", type=int, default=5000,
                            help="每批读取的记录数（默认 5000）。")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: dict[int, str] = {}
        for text in options["anchor"]:
            try:
                seq, digest = parse_anchor(text)
            except ValueError:
                raise CommandError(
                    f"锚点“{text}”格式不对，应为 序号:64位十六进制哈希。", returncode=2
                ) from None
            anchors[seq] = digest
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 须为正整数。", returncode=2)
        result = verify_chain(batch_size=options["batch_size"], anchors=anchors)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message()))
            if result.checked:
                self.stdout.write(
                    f"链尾：序号 {result.last_seq}，哈希 {result.last_hash}"
                    "（可抄录留存，下次以 --anchor 序号:哈希 核验）"
                )
            return
        self.stderr.write(self.style.ERROR(result.message()))
        raise SystemExit(1)
