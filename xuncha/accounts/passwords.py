"""Password rules (security.md): ≥ 10 characters, 3 of 4 character classes, a common-password
blocklist, last 5 not reused. Each failure has its own Chinese message.

Composition rules and rotation are what Chinese assessors (等保 2.0 level 3) expect; OWASP ASVS 5.0
advises against both. We follow the assessors and say so in docs/security.md.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import (
    CommonPasswordValidator as DjangoCommonPasswordValidator,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "特殊字符"),
)

# Passwords Chinese users pick that Django's English list misses.
EXTRA_COMMON = {
    "woaini1314", "5201314520", "qwertyuiop", "1qaz2wsx3edc", "1q2w3e4r5t", "zxcvbnm123",
    "abc1234567", "a123456789", "aa123456789", "admin12345", "admin@1234", "admin@123456",
    "password@1", "p@ssw0rd12", "passw0rd!!", "qwer1234!@", "1234qwer!@#$", "huawei@123",
    "xuncha@123", "xuncha1234", "zhongguo123", "china12345", "abcd@12345", "abc@123456",
    # Ones that pass the length and class rules, which is what makes them worth listing.
    "admin@12345", "admin#12345", "admin@2024!", "p@ssw0rd123", "p@ssword123", "password@123",
    "password123!", "qwe123!@#$", "1qaz@wsx#edc", "1qaz!qaz2wsx", "zaq12wsxcde3", "woaini@1314",
    "a1234567890", "qwer@123456", "qwe@123456", "abc@1234567", "huawei@1234", "xuncha@2024",
    "xuncha@2025", "xuncha@2026", "xuncha@12345",
}


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other signs."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = [name for rx, name in CLASSES if rx.search(password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类，当前只有 %(have)d 类。"),
                code="password_too_few_classes",
                params={"n": self.min_classes, "have": len(present)},
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。") % {"n": self.min_classes}


class CommonPasswordValidator(DjangoCommonPasswordValidator):
    """Django's list of 20,000 common passwords plus the ones Chinese users pick."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower().strip()
        if lowered in self.passwords or lowered in EXTRA_COMMON:
            raise ValidationError(
                _("该密码过于常见，容易被猜到，请换一个。"), code="password_too_common"
            )

    def get_help_text(self) -> str:
        return _("不能使用常见密码。")


class PasswordHistoryValidator:
    """The new password may not be any of the last ``keep`` passwords (the current one included).

    ``PasswordHistory`` holds a row for every password set through the services, the current one
    first. The current hash is checked on its own as well: accounts made outside the services have
    no history yet, and a hash upgraded at login no longer equals its history row.
    """

    def __init__(self, keep: int = 5) -> None:
        self.keep = keep

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        recent = list(user.password_history.values_list("password", flat=True)[: self.keep])
        if user.password and user.password not in recent:
            recent.insert(0, user.password)
        if any(encoded and check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。"),
                code="password_reused",
                params={"n": self.keep},
            )

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次使用的密码相同。") % {"n": self.keep}
