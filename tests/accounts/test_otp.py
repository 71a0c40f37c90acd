"""The second factor: TOTP setup with a QR code, verification after the password, replay refused,
removal only with a valid code, and administrators forced to use it when the setting is on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import (
    LOGIN_URL,
    OTP_SETUP_URL,
    OTP_VERIFY_URL,
    PASSWORD_URL,
    events,
    sign_in,
    signed_in,
    totp_code,
)
from xuncha.audit.models import Outcome


def bind_device(c: Client, username: str) -> TOTPDevice:
    """Goes through the setup page as a user would: open it, read the code, confirm."""
    r = c.get(OTP_SETUP_URL)
    assert r.status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    r = c.post(OTP_SETUP_URL, {"action": "confirm", "token": totp_code(device)})
    assert r.status_code == 302, r.content.decode()[-1500:]
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_the_setup_page_shows_an_inline_svg_qr_code_and_the_secret(world, password):
    c = signed_in("east_office", password)
    r = c.get(OTP_SETUP_URL)
    page = r.content.decode()
    device = TOTPDevice.objects.get(user=world.east_office)
    assert not device.confirmed
    assert re.search(r'<figure class="otp-qr">\s*<svg', page)  # inline SVG, no image request
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    assert "otpauth://" not in page  # the URL is only inside the QR code
    # No inline script: every <script> has a src, and the CSP has no unsafe-inline for scripts.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "unsafe-inline" not in r["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    # Reloading shows the same secret: the app the user scanned keeps working.
    assert secret in c.get(OTP_SETUP_URL).content.decode()


def test_a_wrong_first_code_does_not_bind_the_device(world, password, clock):
    c = signed_in("east_office", password)
    c.get(OTP_SETUP_URL)
    device = TOTPDevice.objects.get(user=world.east_office)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    r = c.post(OTP_SETUP_URL, {"action": "confirm", "token": wrong})
    assert r.status_code == 200
    assert "动态口令不正确" in r.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not events("otp.device_add").exists()


def test_binding_a_device_with_a_valid_code_is_audited_and_verifies_the_session(world, password):
    c = signed_in("east_office", password)
    device = bind_device(c, "east_office")
    event = events("otp.device_add").get()
    assert event.actor == world.east_office and event.object_id == str(device.pk)
    assert c.get("/").status_code == 200  # this session already showed a code


def test_after_the_password_a_user_with_a_device_must_give_a_code(world, password, clock):
    c = signed_in("east_office", password)
    bind_device(c, "east_office")
    c.post("/accounts/logout/")

    clock.shift(timedelta(seconds=60))
    c, r = sign_in("east_office", password)
    assert r.status_code == 302 and r.url == OTP_VERIFY_URL
    # Nothing else until the code: pages, the password page, the API.
    assert c.get("/").url == OTP_VERIFY_URL
    assert c.get(PASSWORD_URL).url == OTP_VERIFY_URL
    assert c.get(OTP_SETUP_URL).url == OTP_VERIFY_URL
    r = c.get("/api/v1/me")
    assert r.status_code == 403 and r.json()["code"] == "otp_required"

    device = TOTPDevice.objects.get(user=world.east_office)
    r = c.post(OTP_VERIFY_URL, {"token": totp_code(device)})
    assert r.status_code == 302 and r.url == "/"
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me").status_code == 200
    assert events("auth.otp_verify", actor=world.east_office).count() == 1


def test_a_replayed_code_is_refused(world, password, clock):
    c = signed_in("east_office", password)
    device = bind_device(c, "east_office")
    c.post("/accounts/logout/")

    clock.shift(timedelta(seconds=60))
    code = totp_code(device)
    first, _r = sign_in("east_office", password)
    assert first.post(OTP_VERIFY_URL, {"token": code}).url == "/"

    # Someone who saw the code types it into another session within the same 30 seconds.
    second, _r = sign_in("east_office", password)
    r = second.post(OTP_VERIFY_URL, {"token": code})
    assert r.status_code == 200
    assert "已使用过" in r.content.decode()
    assert second.get("/").url == OTP_VERIFY_URL
    failed = events("auth.otp_failed", actor=world.east_office).get()
    assert failed.outcome == Outcome.FAILURE

    # The device model itself refuses the used code; the next code works.
    device.refresh_from_db()
    assert device.verify_token(code) is False
    clock.shift(timedelta(seconds=31))
    device.refresh_from_db()
    assert second.post(OTP_VERIFY_URL, {"token": totp_code(device)}).url == "/"


def test_repeated_wrong_codes_are_slowed_down(world, password, clock):
    c = signed_in("east_office", password)
    device = bind_device(c, "east_office")
    c.post("/accounts/logout/")
    clock.shift(timedelta(seconds=60))
    c, _r = sign_in("east_office", password)
    wrong = f"{(int(totp_code(device)) + 7) % 1000000:06d}"
    c.post(OTP_VERIFY_URL, {"token": wrong})
    r = c.post(OTP_VERIFY_URL, {"token": totp_code(device)})  # right, but too soon after
    assert "错误次数过多" in r.content.decode()
    clock.shift(timedelta(seconds=2))
    assert c.post(OTP_VERIFY_URL, {"token": totp_code(device)}).url == "/"


def test_a_device_is_removed_only_with_a_valid_code_and_the_removal_is_audited(
    world, password, clock
):
    c = signed_in("east_office", password)
    device = bind_device(c, "east_office")
    clock.shift(timedelta(seconds=31))
    page = c.get(OTP_SETUP_URL).content.decode()
    assert "已启用" in page
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i: i + 4] for i in range(0, len(secret), 4))
    assert "otp-qr" not in page  # a bound secret is never shown again
    assert secret not in page and grouped not in page

    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    r = c.post(OTP_SETUP_URL, {"action": "remove", "token": wrong})
    assert "未解除绑定" in r.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    r = c.post(OTP_SETUP_URL, {"action": "remove", "token": ""})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    clock.shift(timedelta(seconds=31))
    device.refresh_from_db()
    r = c.post(OTP_SETUP_URL, {"action": "remove", "token": totp_code(device)})
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.east_office).exists()
    event = events("otp.device_remove").get()
    assert event.actor == world.east_office and event.object_id == str(device.pk)
    # Without a device the next login needs no code.
    c.post("/accounts/logout/")
    _c, r = sign_in("east_office", password)
    assert r.url == "/"


ADMINS = ["sysadmin", "secadmin", "auditor"]


@pytest.mark.parametrize("admin", ADMINS)
@override_settings(XUNCHA_REQUIRE_2FA_FOR_ADMINS=True)
def test_when_required_an_administrator_can_do_nothing_before_binding_a_device(
    world, password, admin
):
    c, r = sign_in(admin, password)
    assert r.url == OTP_SETUP_URL
    assert c.get("/").url == OTP_SETUP_URL
    assert c.get("/audit/").url == OTP_SETUP_URL
    r = c.get("/api/v1/me")
    assert r.status_code == 403 and r.json()["code"] == "otp_setup_required"
    page = c.get(OTP_SETUP_URL).content.decode()
    assert "须使用动态口令" in page

    bind_device(c, admin)
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me").status_code == 200


@override_settings(XUNCHA_REQUIRE_2FA_FOR_ADMINS=True)
def test_when_required_an_administrator_with_a_device_signs_in_with_a_code(
    world, password, clock
):
    c = signed_in("secadmin", password)
    device = bind_device(c, "secadmin")
    c.post("/accounts/logout/")
    clock.shift(timedelta(seconds=60))
    c, r = sign_in("secadmin", password)
    assert r.url == OTP_VERIFY_URL
    device.refresh_from_db()
    assert c.post(OTP_VERIFY_URL, {"token": totp_code(device)}).url == "/"
    assert c.get("/").status_code == 200


@override_settings(XUNCHA_REQUIRE_2FA_FOR_ADMINS=True)
def test_when_required_business_users_still_choose_for_themselves(world, password):
    c, r = sign_in("east_office", password)
    assert r.url == "/"
    assert c.get("/").status_code == 200


@override_settings(XUNCHA_REQUIRE_2FA_FOR_ADMINS=False)
def test_when_not_required_administrators_sign_in_with_the_password_alone(world, password):
    _c, r = sign_in("sysadmin", password)
    assert r.url == "/"


def test_the_verify_page_without_a_device_just_moves_on(world, password):
    c = signed_in("east_office", password)
    assert c.get(OTP_VERIFY_URL).url == "/"
    assert Client().get(OTP_VERIFY_URL).url.startswith(LOGIN_URL)


@override_settings(XUNCHA_REQUIRE_2FA_FOR_ADMINS=True)
def test_a_new_administrator_changes_the_password_first_then_binds_a_device(world, password):
    # An administrator account is (re)issued on the server, as `xuncha createadmin` does: another
    # administrator may not reset it (三员分立).
    world.auditor.set_password("Temp#Auditor2026")
    world.auditor.must_change_password = True
    world.auditor.save()
    c, r = sign_in("auditor", "Temp#Auditor2026")
    assert r.url == PASSWORD_URL
    assert c.get(OTP_SETUP_URL).url == PASSWORD_URL
    r = c.post(PASSWORD_URL, {"old_password": "Temp#Auditor2026",
                              "new_password": "Own#Auditor2026", "new_password2": "Own#Auditor2026"})
    assert r.url == OTP_SETUP_URL
    assert c.get("/").url == OTP_SETUP_URL
    bind_device(c, "auditor")
    assert c.get("/").status_code == 200
