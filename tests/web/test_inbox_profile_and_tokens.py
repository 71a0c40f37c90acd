"""The inbox, the profile page and personal API tokens."""

from __future__ import annotations

import re

from xuncha.accounts.models import ApiToken
from xuncha.accounts.services import token_authenticate, token_create
from xuncha.notifications.models import Notification
from xuncha.notifications.services import notify


def one(user, title="整改方案待审核", link=""):
    return notify(recipients=[user], title=title, link=link)[0]


# --- inbox ------------------------------------------------------------------------------------


def test_inbox_shows_unread_messages_of_the_user_only(client_for, world):
    one(world.east_office, "给我的消息")
    one(world.west_office, "给别人的消息")
    html = client_for("east_office").get("/inbox/").content.decode()
    assert "给我的消息" in html
    assert "给别人的消息" not in html


def test_all_tab_includes_messages_already_read(client_for, world):
    n = one(world.east_office, "已读过的消息")
    Notification.objects.filter(pk=n.pk).update(read_at=n.created_at)
    c = client_for("east_office")
    assert "已读过的消息" not in c.get("/inbox/").content.decode()
    assert "已读过的消息" in c.get("/inbox/?show=all").content.decode()


def test_empty_inbox_says_so(client_for):
    assert "没有未读消息" in client_for("east_office").get("/inbox/").content.decode()


def test_mark_read_with_htmx_returns_the_row_and_the_new_badge(client_for, world):
    n = one(world.east_office)
    one(world.east_office, "另一条")
    r = client_for("east_office").post(f"/inbox/{n.pk}/read/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert f'id="msg-{n.pk}"' in html and "已读" in html
    assert re.search(r'id="unread-badge"[^>]*hx-swap-oob="true"[^>]*>1<', html)
    assert 'id="nav-inbox-count"' in html
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_without_htmx_goes_back_to_the_inbox(client_for, world):
    n = one(world.east_office)
    r = client_for("east_office").post(f"/inbox/{n.pk}/read/")
    assert r.status_code == 302 and r["Location"] == "/inbox/"


def test_someone_elses_message_is_not_found(client_for, world):
    n = one(world.west_office)
    c = client_for("east_office")
    assert c.post(f"/inbox/{n.pk}/read/").status_code == 404
    assert c.get(f"/inbox/{n.pk}/open/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(client_for, world):
    one(world.east_office, "一")
    one(world.east_office, "二")
    c = client_for("east_office")
    r = c.post("/inbox/read-all/")
    assert r.status_code == 302
    assert not Notification.objects.filter(recipient=world.east_office, read_at=None).exists()
    assert "已将 2 条消息标为已读" in c.get("/inbox/").content.decode()


def test_mark_all_read_is_post_only(client_for, world):
    one(world.east_office)
    assert client_for("east_office").get("/inbox/read-all/").status_code == 405


def test_opening_a_message_follows_its_link_and_marks_it_read(client_for, world):
    n = one(world.east_office, link="/org/units/")
    r = client_for("east_office").get(f"/inbox/{n.pk}/open/")
    assert r.status_code == 302 and r["Location"] == "/org/units/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_a_message_never_leaves_the_site(client_for, world):
    n = one(world.east_office, link="https://evil.example/phish")
    r = client_for("east_office").get(f"/inbox/{n.pk}/open/")
    assert r["Location"] == "/inbox/"


# --- profile ----------------------------------------------------------------------------------


def test_profile_shows_own_details_roles_and_scope(client_for):
    html = client_for("east_director").get("/accounts/profile/").content.decode()
    assert "巡察办主任" in html
    assert "本单位及下级" in html
    assert "东湖区" in html
    assert 'href="/accounts/password/change/"' in html
    assert 'href="/accounts/otp/setup/"' in html


def test_profile_of_an_account_without_roles_says_so(client_for):
    html = client_for("nobody").get("/accounts/profile/").content.decode()
    assert "您还没有被授予角色" in html


# --- tokens -----------------------------------------------------------------------------------


def test_new_token_is_shown_once_and_works(client_for, world):
    c = client_for("east_office")
    r = c.post("/accounts/tokens/", {"name": "市级平台对接", "expires": "90"})
    assert r.status_code == 200
    html = r.content.decode()
    raw = re.search(r'id="new-token">([^<]+)<', html).group(1)
    assert token_authenticate(raw) == world.east_office
    assert "离开本页后无法再次查看" in html
    assert 'src="/static/js/copy.js"' in html
    token = ApiToken.objects.get(user=world.east_office)
    assert token.expires_at is not None
    assert raw not in c.get("/accounts/tokens/").content.decode()


def test_token_without_a_name_is_refused(client_for):
    r = client_for("east_office").post("/accounts/tokens/", {"name": "", "expires": ""})
    assert r.status_code == 422
    assert "这个字段是必填项" in r.content.decode()


def test_token_list_shows_only_own_tokens(client_for, world):
    token_create(actor=world.west_office, name="别人的令牌")
    token_create(actor=world.east_office, name="我的令牌")
    html = client_for("east_office").get("/accounts/tokens/").content.decode()
    assert "我的令牌" in html and "别人的令牌" not in html


def test_revoke_own_token_with_htmx_returns_the_updated_row(client_for, world):
    token, raw = token_create(actor=world.east_office, name="我的令牌")
    r = client_for("east_office").post(f"/accounts/tokens/{token.pk}/revoke/",
                                       HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "已撤销" in r.content.decode()
    assert token_authenticate(raw) is None


def test_someone_elses_token_cannot_be_revoked(client_for, world):
    token, raw = token_create(actor=world.west_office, name="别人的令牌")
    assert client_for("east_office").post(f"/accounts/tokens/{token.pk}/revoke/"
                                          ).status_code == 404
    assert token_authenticate(raw) == world.west_office


def test_profile_opens_for_a_role_that_cannot_list_users(client_for):
    r = client_for("east_member").get("/accounts/profile/")
    assert r.status_code == 200
    assert "巡察组组员" in r.content.decode()
