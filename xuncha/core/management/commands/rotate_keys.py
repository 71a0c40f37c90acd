from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.crypto import DecryptionError, KeyMaterialError
from xuncha.core.rotation import rotate_keys, verify_all


class Command(BaseCommand):
    help = "轮换 SM4 密钥:新密钥重新加密全部机密字段并逐条验证;--drop-old 验证后删除旧密钥。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--drop-old", action="store_true", help="验证通过后删除旧密钥")
        parser.add_argument("--verify-only", action="store_true", help="只验证现有密钥能否解密全部数据")

    def handle(self, *args: Any, **options: Any) -> None:
        from xuncha.core.crypto import key_ring

        try:
            if options["verify_only"]:
                n = verify_all(key_ring())
                self.stdout.write(f"密钥验证通过:{n} 个加密字段值均可解密。")
                return
            result = rotate_keys(drop_old=options["drop_old"])
        except (DecryptionError, KeyMaterialError) as exc:
            raise CommandError(f"密钥轮换中止,数据未改动:{exc}") from exc
        self.stdout.write(
            f"已启用新密钥 {result.new_key_id}(原密钥 {result.old_key_ids}),"
            f"重新加密并验证 {result.values} 个字段值;"
            + ("旧密钥已删除。" if result.dropped_old else "旧密钥仍保留,确认无误后可加 --drop-old 删除。")
        )
