"""Password rules with their Chinese messages, history, forced change and rotation."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import translation

from tests.accounts.helpers import LOGIN_URL, PASSWORD_URL, events, sign_in, signed_in
from xuncha.accounts import services
from xuncha.accounts.models import PasswordHistory, User
from xuncha.core.errors import ValidationFailed


def refusal(password: str, user: User) -> list[str]:
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return list(exc.messages)
    return []


def test_a_password_shorter_than_10_characters_is_refused_in_chinese(world):
    assert "此密码太短，至少要包含 10 个字符。" in refusal("Ab#12345x", world.east_office)
    assert refusal("Ab#123456x", world.east_office) == []


def test_a_password_with_only_two_character_classes_is_refused_in_chinese(world):
    messages = refusal("abcdefgh1234", world.east_office)
    assert messages == ["密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类，当前只有 2 类。"]
    assert refusal("abcdefgh123#", world.east_office) == []  # lower, digit, special
    assert refusal("ABCDEFGH123a", world.east_office) == []  # upper, digit, lower


def test_a_common_password_is_refused_in_chinese(world):
    assert "该密码过于常见，容易被猜到，请换一个。" in refusal("Admin@123456", world.east_office)
    assert "该密码过于常见，容易被猜到，请换一个。" in refusal("P@ssw0rd123", world.east_office)


def test_a_password_like_the_username_is_refused_in_chinese(world):
    messages = refusal("East_Office1", world.east_office)
    assert any("太相似" in m and "登录名" in m for m in messages), messages


def test_the_rules_are_listed_in_chinese_on_the_change_page(world, password):
    c = signed_in("east_office", password)
    page = c.get(PASSWORD_URL).content.decode()
    assert "至少包含大写字母、小写字母、数字、特殊字符中的 3 类。" in page
    assert "不能使用常见密码。" in page
    assert "不能与最近 5 次使用的密码相同。" in page


@pytest.mark.parametrize(("new", "message"), [
    ("Short#1a", "此密码太短，至少要包含 10 个字符。"),
    ("onlylowercase12", "当前只有 2 类"),
    ("Admin@123456", "该密码过于常见"),
])
def test_the_change_page_shows_why_a_new_password_is_refused(world, password, new, message):
    c = signed_in("east_office", password)
    r = c.post(PASSWORD_URL, {"old_password": password, "new_password": new,
                              "new_password2": new})
    assert r.status_code == 200
    assert message in r.content.decode()
    world.east_office.refresh_from_db()
    assert world.east_office.check_password(password)


def test_the_change_page_refuses_two_different_new_passwords(world, password):
    c = signed_in("east_office", password)
    r = c.post(PASSWORD_URL, {"old_password": password, "new_password": "Another#Pass2026",
                              "new_password2": "Another#Pass2027"})
    assert "两次输入的新密码不一致" in r.content.decode()


def test_none_of_the_last_5_passwords_can_be_reused_but_the_6th_can(world):
    first = "Start#Pass2026"
    user = services.user_create(actor=world.sysadmin, unit=world.units["east_town"],
                                username="wang_min", name="王敏", password=first)
    chain = [first, *[f"Rotate#{n}Pass26" for n in range(1, 6)]]
    for old, new in itertools.pairwise(chain):
        services.password_change(actor=user, old_password=old, new_password=new)
    assert PasswordHistory.objects.filter(user=user).count() == 6

    for recent in chain[1:5]:  # the current one is refused as "same as the old one"
        with pytest.raises(ValidationFailed) as exc:
            services.password_change(actor=user, old_password=chain[-1], new_password=recent)
        assert "不能使用最近 5 次用过的密码。" in exc.value.message
    assert "不能使用最近 5 次用过的密码。" in refusal(chain[-1], user)

    services.password_change(actor=user, old_password=chain[-1], new_password=first)
    assert user.check_password(first)


def test_an_admin_created_account_must_change_its_password_at_first_login(world):
    services.user_create(actor=world.sysadmin, unit=world.units["east_town"],
                         username="li_hua", name="李华", password="Initial#Pass2026")
    c, r = sign_in("li_hua", "Initial#Pass2026")
    assert r.status_code == 302 and r.url == PASSWORD_URL
    page = c.get(PASSWORD_URL).content.decode()
    assert "首次登录" in page

    # Every other page sends the user back; the API answers 403 with a code.
    r = c.get("/")
    assert r.status_code == 302 and r.url == PASSWORD_URL
    r = c.get("/inbox/")
    assert r.status_code == 302 and r.url == PASSWORD_URL
    r = c.get("/api/v1/me")
    assert r.status_code == 403
    assert r.json()["code"] == "password_change_required"
    assert r.json()["message"]

    r = c.post(PASSWORD_URL, {"old_password": "Initial#Pass2026",
                              "new_password": "Mine#Own2026pw", "new_password2": "Mine#Own2026pw"})
    assert r.status_code == 302 and r.url == "/"
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me").status_code == 200
    user = User.objects.get(username="li_hua")
    assert not user.must_change_password and user.check_password("Mine#Own2026pw")
    assert events("user.change_password", actor=user).count() == 1


def test_a_password_reset_by_the_admin_must_be_changed_again(world, password):
    services.user_reset_password(actor=world.sysadmin, user=world.east_contact,
                                 password="Reset#Temp2026")
    _c, r = sign_in("east_contact", "Reset#Temp2026")
    assert r.url == PASSWORD_URL


def test_the_first_login_change_keeps_the_page_the_user_asked_for(world):
    services.user_create(actor=world.sysadmin, unit=world.units["east_town"],
                         username="zhao_lei", name="赵磊", password="Initial#Pass2026")
    c = Client()
    r = c.get("/inbox/")
    assert r.status_code == 302 and r.url.startswith(LOGIN_URL)
    c, r = sign_in("zhao_lei", "Initial#Pass2026", client=c, next="/inbox/")
    assert r.url == PASSWORD_URL
    r = c.post(PASSWORD_URL, {"old_password": "Initial#Pass2026",
                              "new_password": "Mine#Own2026pw", "new_password2": "Mine#Own2026pw"})
    assert r.url == "/inbox/"


def test_a_password_older_than_90_days_must_be_changed(world, password, clock):
    clock.shift(timedelta(days=89))
    c = signed_in("east_office", password)
    assert c.get("/").status_code == 200
    c.post("/accounts/logout/")

    clock.shift(timedelta(days=2))
    c, r = sign_in("east_office", password)
    assert r.url == PASSWORD_URL
    assert c.get("/").url == PASSWORD_URL
    page = c.get(PASSWORD_URL).content.decode()
    assert "密码已超过 90 天未修改" in page
    assert c.get("/api/v1/me").json()["code"] == "password_change_required"

    c.post(PASSWORD_URL, {"old_password": password, "new_password": "Fresh#Pass2026",
                          "new_password2": "Fresh#Pass2026"})
    assert c.get("/").status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_rotation_can_be_turned_off(world, password, clock):
    clock.shift(timedelta(days=400))
    c = signed_in("east_office", password)
    assert c.get("/").status_code == 200


def test_passwords_are_hashed_with_argon2(world):
    user = services.user_create(actor=world.sysadmin, unit=world.units["east_town"],
                                username="sun_li", name="孙丽", password="Initial#Pass2026")
    assert user.password.startswith("argon2$")
    assert PasswordHistory.objects.get(user=user).password.startswith("argon2$")
