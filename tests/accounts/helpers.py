"""Helpers for the sign-in tests: sign in through the real login page, read the trail, make codes."""

from __future__ import annotations

import time
from datetime import datetime

from django.test import Client

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
PASSWORD_URL = "/accounts/password/change/"
OTP_VERIFY_URL = "/accounts/otp/verify/"
OTP_SETUP_URL = "/accounts/otp/setup/"


def sign_in(username: str, password: str, client: Client | None = None, **extra: str):  # type: ignore[no-untyped-def]
    """Posts the login form the way a browser does; returns (client, response)."""
    c = client or Client()
    data = {"username": username, "password": password, **extra}
    return c, c.post(LOGIN_URL, data)


def signed_in(username: str, password: str) -> Client:
    c, r = sign_in(username, password)
    assert r.status_code == 302, r.content.decode()[:500]
    return c


def totp_code(device, at: datetime | None = None) -> str:  # type: ignore[no-untyped-def]
    """The code an authenticator app shows for ``device`` now (or at ``at``)."""
    from django_otp.oath import TOTP

    t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    t.time = at.timestamp() if at else time.time()
    return f"{t.token():0{device.digits}d}"


def events(action: str, **filters: object):  # type: ignore[no-untyped-def]
    from xuncha.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action, **filters).order_by("seq")
