"""Signing in and out through the real pages; lockout (django-axes); every attempt in the trail."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from tests.accounts.helpers import LOGIN_URL, LOGOUT_URL, PASSWORD_URL, events, sign_in, signed_in
from xuncha.audit.models import Outcome


def test_login_page_is_chinese_and_asks_for_username_and_password(world):
    r = Client().get(LOGIN_URL)
    page = r.content.decode()
    assert r.status_code == 200
    assert "登录名" in page and "密码" in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'autocomplete="current-password"' in page


def test_right_password_signs_in_and_lands_on_the_home_page(world, password):
    c, r = sign_in("east_office", password)
    assert r.status_code == 302 and r.url == "/"
    assert c.get("/").status_code == 200


def test_login_goes_on_to_a_safe_next_page_but_not_to_another_site(world, password):
    _c, r = sign_in("east_office", password, next="/inbox/")
    assert r.url == "/inbox/"
    _c, r = sign_in("east_office", password, next="https://evil.example/")
    assert r.url == "/"


def test_wrong_password_is_refused_in_chinese_and_counts_down(world, password):
    c, r = sign_in("east_office", "Wrong#Password1")
    page = r.content.decode()
    assert r.status_code == 200
    assert "登录名或密码不正确" in page
    assert "还可再试 4 次" in page
    assert c.get("/").status_code == 302


def test_inactive_account_is_refused_with_a_chinese_message(world, password):
    user = world.east_contact
    user.is_active = False
    user.save(update_fields=["is_active"])
    c, r = sign_in("east_contact", password)
    assert r.status_code == 200
    assert "该账号已停用" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # A wrong password on a disabled account says nothing about the account.
    c, r = sign_in("east_contact", "Wrong#Password1")
    assert "该账号已停用" not in r.content.decode()
    assert events("auth.login_failed", actor_name="east_contact").count() == 2


def test_every_login_success_and_failure_is_in_the_audit_trail(world, password):
    sign_in("east_office", "Wrong#Password1")
    sign_in("nosuchuser", "Wrong#Password1")
    sign_in("east_office", password)

    failed = list(events("auth.login_failed"))
    assert [e.actor_name for e in failed] == ["east_office", "nosuchuser"]
    assert all(e.outcome == Outcome.FAILURE and e.ip == "127.0.0.1" for e in failed)
    ok = events("auth.login").get()
    assert ok.actor == world.east_office and ok.outcome == Outcome.SUCCESS
    assert ok.ip == "127.0.0.1"
    # Passwords never reach the trail.
    for e in [*failed, ok]:
        assert "Wrong#Password1" not in str(e.changes) and password not in str(e.changes)


def test_five_failures_lock_the_account_for_30_minutes_even_for_the_right_password(
    world, password, clock
):
    for _ in range(4):
        _c, r = sign_in("east_office", "Wrong#Password1")
        assert r.status_code == 200
    _c, r = sign_in("east_office", "Wrong#Password1")
    assert r.status_code == 429
    page = r.content.decode()
    assert "账号已临时锁定" in page
    assert "之后再试" in page and "30 分钟" in page
    assert 30 * 60 <= int(r["Retry-After"]) <= 31 * 60

    c, r = sign_in("east_office", password)
    assert r.status_code == 429
    assert "_auth_user_id" not in c.session

    clock.shift(timedelta(minutes=29))
    _c, r = sign_in("east_office", password)
    assert r.status_code == 429  # that attempt, too, restarted the 30 minutes

    clock.shift(timedelta(minutes=31))
    c, r = sign_in("east_office", password)
    assert r.status_code == 302
    assert c.get("/").status_code == 200


def test_lockout_is_per_account_not_per_address(world, password):
    for _ in range(5):
        sign_in("east_office", "Wrong#Password1")
    _c, r = sign_in("east_director", password)  # same address, another person
    assert r.status_code == 302


def test_locked_out_attempts_are_in_the_audit_trail(world, password):
    for _ in range(5):
        sign_in("east_office", "Wrong#Password1")
    sign_in("east_office", password)

    failed = events("auth.login_failed", actor_name="east_office")
    assert failed.count() == 6  # the attempt during the lock is logged like the others
    locked = list(events("auth.locked_out", actor_name="east_office"))
    assert len(locked) == 2  # when the lock starts and for the attempt during it
    assert all(e.outcome == Outcome.DENIED for e in locked)
    assert locked[0].changes["failures"] == 5
    assert locked[0].changes["until"]
    assert not events("auth.login").exists()


def test_a_successful_login_resets_the_failure_count(world, password):
    for _ in range(4):
        sign_in("east_office", "Wrong#Password1")
    signed_in("east_office", password)
    for _ in range(4):
        _c, r = sign_in("east_office", "Wrong#Password1")
        assert r.status_code == 200


def test_logout_needs_a_post_and_a_get_changes_nothing(world, password):
    c = signed_in("east_office", password)
    r = c.get(LOGOUT_URL)
    assert r.status_code == 405
    assert c.get("/").status_code == 200

    r = c.post(LOGOUT_URL)
    assert r.status_code == 302 and r.url == LOGIN_URL
    assert c.get("/").status_code == 302
    assert events("auth.logout", actor=world.east_office).count() == 1


def test_login_rotates_the_session_key(world, password):
    c = Client()
    c.get(LOGIN_URL)
    before = c.cookies.get("sessionid")
    c, _r = sign_in("east_office", password, client=c)
    assert c.cookies["sessionid"].value != (before.value if before else None)


def test_wrong_current_password_on_the_change_page_counts_as_a_failed_login(world, password):
    c = signed_in("east_office", password)
    data = {"old_password": "Wrong#Password1", "new_password": "Another#Pass2026",
            "new_password2": "Another#Pass2026"}
    for _ in range(4):
        r = c.post(PASSWORD_URL, data)
        assert r.status_code == 200 and "原密码不正确" in r.content.decode()
    r = c.post(PASSWORD_URL, data)
    assert r.status_code == 429  # locked, and the session ended
    assert c.get("/").status_code == 302
    assert events("auth.login_failed", actor_name="east_office").count() == 5
    _c, r = sign_in("east_office", password)
    assert r.status_code == 429
