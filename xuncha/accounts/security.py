"""Password age and second-factor rules, read by the session middleware and the login views."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def password_expired(user: Any) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=days)


def is_admin(user: Any) -> bool:
    return user.assignments.exclude(admin_kind="").exists()


def has_confirmed_device(user: Any) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def needs_otp_verification(user: Any) -> bool:
    return has_confirmed_device(user) and not user.is_verified()


def needs_otp_setup(user: Any) -> bool:
    return bool(settings.XUNCHA_REQUIRE_2FA_FOR_ADMINS) and is_admin(user) and not (
        has_confirmed_device(user)
    )
