"""The JSON API's two ways in: a personal token (Authorization: Bearer) or the browser session,
to which the same session rules apply."""

from __future__ import annotations

from django.test import Client

from tests.accounts.helpers import PASSWORD_URL, signed_in
from xuncha.accounts import services


def test_a_personal_token_authenticates_on_api_me(world):
    _token, raw = services.token_create(actor=world.east_office, name="报表脚本")
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["username"] == "east_office"


def test_a_revoked_token_gets_401(world):
    token, raw = services.token_create(actor=world.east_office, name="报表脚本")
    services.token_revoke(actor=world.east_office, token=token)
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_an_unknown_token_and_no_token_get_401(world):
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer xc_not-a-token").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_a_token_of_a_disabled_account_gets_401(world):
    _token, raw = services.token_create(actor=world.east_office, name="报表脚本")
    world.east_office.is_active = False
    world.east_office.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_session_works_on_the_api_after_signing_in(world, password):
    c = signed_in("east_office", password)
    r = c.get("/api/v1/me")
    assert r.status_code == 200 and r.json()["username"] == "east_office"


def test_htmx_requests_are_sent_to_the_pending_step_with_hx_redirect(world, password):
    world.east_office.must_change_password = True
    world.east_office.save(update_fields=["must_change_password"])
    c = signed_in("east_office", password)
    r = c.get("/", HTTP_HX_REQUEST="true")
    assert r.status_code == 204
    assert r["HX-Redirect"] == PASSWORD_URL


def test_the_redirect_to_a_pending_step_carries_a_chinese_message(world, password):
    world.east_office.must_change_password = True
    world.east_office.save(update_fields=["must_change_password"])
    c = signed_in("east_office", password)
    r = c.get("/", follow=True)
    assert r.redirect_chain[-1][0] == PASSWORD_URL
    assert "须先修改密码" in r.content.decode()
