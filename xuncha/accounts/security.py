"""Password age and second-factor rules, read by the session middleware and the sign-in views.

Kept free of request handling so that the API, the pages and the tests ask the same questions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def password_age_limit() -> timedelta | None:
    """The rotation period (security.md: default 90 days); ``None`` when rotation is off."""
    days = int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0) or 0)
    return timedelta(days=days) if days > 0 else None


def password_expires_at(user: Any) -> datetime | None:
    limit = password_age_limit()
    if limit is None:
        return None
    # Accounts made outside the services (fixtures, the demo seed) have no change date yet: their
    # password counts from the day the account was created.
    since = user.password_changed_at or user.date_joined
    return since + limit if since else None


def password_expired(user: Any) -> bool:
    expires = password_expires_at(user)
    return expires is not None and timezone.now() >= expires


def password_change_reason(user: Any) -> str:
    """Why the user must change the password now: ``"first_login"``, ``"expired"`` or ``""``."""
    if user.must_change_password:
        return "first_login"
    if password_expired(user):
        return "expired"
    return ""


def is_admin(user: Any) -> bool:
    """One of the three separated administrators (三员分立): a role with an ``admin_kind``."""
    return user.assignments.exclude(admin_kind="").exists()


def _confirmed_totp(user: Any) -> Any:
    # Only TOTP devices are offered (django_otp.plugins.otp_totp); asking about them alone keeps the
    # middleware and the verify page in agreement if another device type is ever installed.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id")


def confirmed_devices(user: Any) -> list[Any]:
    return list(_confirmed_totp(user))


def has_confirmed_device(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and _confirmed_totp(user).exists()


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (set by django_otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def needs_otp_verification(user: Any) -> bool:
    """The user has a confirmed device but this session has not yet given a code."""
    return not is_verified(user) and has_confirmed_device(user)


def otp_required(user: Any) -> bool:
    """When XUNCHA_REQUIRE_2FA_FOR_ADMINS is on, the three administrators must use TOTP."""
    return bool(getattr(settings, "XUNCHA_REQUIRE_2FA_FOR_ADMINS", False)) and is_admin(user)


def needs_otp_setup(user: Any) -> bool:
    return otp_required(user) and not has_confirmed_device(user)


# The steps a signed-in session must finish before anything else, in the order they are asked for:
# the code of an existing device, then a new password, then binding a device when it is required.
OTP_REQUIRED = "otp_required"
PASSWORD_CHANGE_REQUIRED = "password_change_required"
OTP_SETUP_REQUIRED = "otp_setup_required"


def pending_step(user: Any) -> str:
    """The first unfinished step for this session, or ``""`` when the session may be used."""
    if needs_otp_verification(user):
        return OTP_REQUIRED
    if password_change_reason(user):
        return PASSWORD_CHANGE_REQUIRED
    if needs_otp_setup(user):
        return OTP_SETUP_REQUIRED
    return ""
