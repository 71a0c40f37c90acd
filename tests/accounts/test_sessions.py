"""Session limits with a moved clock: idle 30 minutes, absolute 12 hours."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.accounts.helpers import LOGIN_URL, events, signed_in


def test_29_minutes_idle_is_still_signed_in(world, password, clock):
    c = signed_in("east_office", password)
    clock.shift(timedelta(minutes=29))
    assert c.get("/").status_code == 200


def test_31_minutes_idle_goes_back_to_the_login_page(world, password, clock):
    c = signed_in("east_office", password)
    assert c.get("/").status_code == 200
    clock.shift(timedelta(minutes=31))
    r = c.get("/")
    assert r.status_code == 302
    assert r.url.startswith(LOGIN_URL)
    assert c.get(r.url).status_code == 200


def test_each_request_restarts_the_idle_clock(world, password, clock):
    c = signed_in("east_office", password)
    for _ in range(4):
        clock.shift(timedelta(minutes=25))
        assert c.get("/").status_code == 200


def test_the_session_ends_at_12_hours_however_active(world, password, clock):
    c = signed_in("east_office", password)
    for _ in range(35):  # every 20 minutes: 11 h 40 min
        clock.shift(timedelta(minutes=20))
        assert c.get("/").status_code == 200
    clock.shift(timedelta(minutes=20))  # 12 h since the login
    r = c.get("/")
    assert r.status_code == 302 and r.url.startswith(LOGIN_URL)
    assert "_auth_user_id" not in c.session
    expired = events("auth.session_expired", actor=world.east_office).get()
    assert expired.changes == {"reason": "absolute"}
    r = c.get(LOGIN_URL)
    assert "登录已超时" in r.content.decode()


def test_the_api_answers_401_when_the_session_is_over(world, password, clock):
    c = signed_in("east_office", password)
    for _ in range(35):
        clock.shift(timedelta(minutes=20))
        assert c.get("/api/v1/me").status_code == 200
    clock.shift(timedelta(minutes=20))
    r = c.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["code"] == "session_expired"
    assert r.json()["message"] == "登录已超时，请重新登录。"
    assert c.get("/api/v1/me").status_code == 401


def test_the_server_side_session_expires_after_30_minutes_too(world, password):
    c = signed_in("east_office", password)
    session = Session.objects.get(session_key=c.cookies["sessionid"].value)
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)
    # No persistent cookie: it goes when the browser closes.
    assert c.cookies["sessionid"]["max-age"] == ""
    assert c.cookies["sessionid"]["httponly"]
