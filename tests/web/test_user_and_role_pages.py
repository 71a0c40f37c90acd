"""Users, role assignments (三员分立), roles and the security policy page."""

from __future__ import annotations

import re

from django.contrib.auth.models import Permission
from django.db.models import F

from tests.world import PASSWORD
from xuncha.accounts.models import Role, RoleAssignment, User

STRONG = "Qingshi#Town2026"


# --- list -------------------------------------------------------------------------------------


def test_user_list_shows_people_in_scope_only(client_for):
    html = client_for("east_office").get("/accounts/users/").content.decode()
    assert "east_contact" in html
    assert "west_contact" not in html
    assert "sysadmin" not in html


def test_user_list_is_refused_without_the_user_permission(client_for):
    assert client_for("east_member").get("/accounts/users/").status_code == 403


def test_user_list_filters_by_search_subtree_role_and_state(client_for, world):
    User.objects.filter(pk=world.east_member.pk).update(is_active=False)
    c = client_for("east_office")

    def listed(query: str) -> set[str]:
        html = c.get(f"/accounts/users/?{query}").content.decode()
        return set(re.findall(r'class="mono">([a-z_]+)</td>', html))

    assert listed("q=village") == {"east_village_contact"}
    town = world.units["east_town"].pk
    assert listed(f"under={town}") == {"east_head", "east_contact", "east_village_contact"}
    assert listed("role=unit_head") == {"east_head"}
    assert listed("active=0") == {"east_member"}


def test_security_administrator_finds_accounts_without_a_role(client_for):
    html = client_for("secadmin").get("/accounts/users/?role=__none__").content.decode()
    assert "nobody" in html
    assert "east_contact" not in html


def test_user_list_pages_by_fifty(client_for, world):
    unit = world.units["east_village"]
    User.objects.bulk_create([
        User(username=f"villager{i:02}", name=f"村民{i:02}", unit=unit) for i in range(60)
    ])
    c = client_for("sysadmin")
    first = c.get("/accounts/users/?q=villager").content.decode()
    assert "共 60 条" in first
    assert first.count('class="row-main"') == 50
    assert "?q=villager&amp;page=2" in first
    second = c.get("/accounts/users/?q=villager&page=2").content.decode()
    assert second.count('class="row-main"') == 10


def test_user_list_has_a_sticky_header_and_row_links(client_for, world):
    html = client_for("east_office").get("/accounts/users/").content.decode()
    assert 'class="table-wrap scroll"' in html
    assert f'href="/accounts/users/{world.east_contact.pk}/"' in html


# --- detail -----------------------------------------------------------------------------------


def test_user_detail_shows_roles_with_their_scope(client_for, world):
    html = client_for("east_office").get(f"/accounts/users/{world.east_director.pk}/").content
    html = html.decode()
    assert "巡察办主任" in html
    assert "本单位及下级" in html
    assert "东湖区" in html  # the anchor


def test_user_detail_out_of_scope_is_not_found(client_for, world):
    assert client_for("east_office").get(f"/accounts/users/{world.west_contact.pk}/"
                                         ).status_code == 404


def test_user_detail_offers_each_administrator_only_their_own_actions(client_for, world):
    url = f"/accounts/users/{world.east_contact.pk}/"
    sysadmin = client_for("sysadmin").get(url).content.decode()
    assert "重置密码" in sysadmin and "授予角色" not in sysadmin
    secadmin = client_for("secadmin").get(url).content.decode()
    assert "授予角色" in secadmin and "重置密码" not in secadmin


# --- create / edit / reset --------------------------------------------------------------------


def test_system_administrator_creates_an_account_that_must_change_its_password(client_for, world):
    r = client_for("sysadmin").post("/accounts/users/add/", {
        "unit": str(world.units["east_town"].pk), "username": "qianjin", "name": "钱进",
        "post": "党政办干事", "phone": "", "email": "", "password": STRONG, "password2": STRONG,
    })
    created = User.objects.get(username="qianjin")
    assert r.status_code == 302
    assert r["Location"] == f"/accounts/users/{created.pk}/"
    assert created.must_change_password


def test_create_form_shows_the_password_rules(client_for):
    html = client_for("sysadmin").get("/accounts/users/add/").content.decode()
    assert "初始密码规则" in html
    assert "10" in html and "3 类" in html


def test_weak_password_is_refused_next_to_the_field_and_other_input_is_kept(client_for, world):
    r = client_for("sysadmin").post("/accounts/users/add/", {
        "unit": str(world.units["east_town"].pk), "username": "qianjin", "name": "钱进",
        "password": "abc", "password2": "abc",
    })
    assert r.status_code == 422
    html = r.content.decode()
    assert "至少 10 个字符" in html or "至少包含 10 个字符" in html
    assert 'value="qianjin"' in html and 'value="钱进"' in html
    assert not User.objects.filter(username="qianjin").exists()


def test_taken_username_is_refused_next_to_the_field(client_for, world):
    r = client_for("sysadmin").post("/accounts/users/add/", {
        "unit": str(world.units["east_town"].pk), "username": "east_contact", "name": "重名",
        "password": STRONG, "password2": STRONG,
    })
    assert r.status_code == 422
    assert "登录名已被使用" in r.content.decode()


def test_mismatched_passwords_are_refused(client_for, world):
    r = client_for("sysadmin").post("/accounts/users/add/", {
        "unit": str(world.units["east_town"].pk), "username": "qianjin", "name": "钱进",
        "password": STRONG, "password2": STRONG + "x",
    })
    assert r.status_code == 422
    assert "两次输入的密码不一致" in r.content.decode()


def test_security_administrator_may_not_create_accounts(client_for):
    assert client_for("secadmin").get("/accounts/users/add/").status_code == 403


def test_edit_user_saves_and_stale_edit_shows_the_conflict(client_for, world):
    target = world.east_contact
    c = client_for("sysadmin")
    data = {"name": "赵丽", "post": "党政办主任", "phone": "", "email": "", "is_active": "on"}
    r = c.post(f"/accounts/users/{target.pk}/edit/", {**data, "version": str(target.version)})
    assert r.status_code == 302
    User.objects.filter(pk=target.pk).update(post="他人改的职务", version=F("version") + 1)
    r = c.post(f"/accounts/users/{target.pk}/edit/", {**data, "version": str(target.version + 1)})
    assert r.status_code == 409
    html = r.content.decode()
    assert "该账号已被他人修改" in html
    assert "他人改的职务" in html
    assert 'value="党政办主任"' in html


def test_administrator_cannot_disable_their_own_account(client_for, world):
    me = world.sysadmin
    r = client_for("sysadmin").post(f"/accounts/users/{me.pk}/edit/", {
        "name": me.name, "version": str(me.version),
    })
    assert r.status_code == 422
    assert "不能停用自己的账号" in r.content.decode()


def test_reset_password_sets_a_temporary_password(client_for, world):
    target = world.east_contact
    r = client_for("sysadmin").post(f"/accounts/users/{target.pk}/password/", {
        "password": STRONG, "password2": STRONG,
    })
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(STRONG)


def test_reset_password_is_refused_to_office_staff(client_for, world):
    r = client_for("east_office").post(f"/accounts/users/{world.east_contact.pk}/password/", {
        "password": STRONG, "password2": STRONG,
    })
    assert r.status_code == 403
    world.east_contact.refresh_from_db()
    assert world.east_contact.check_password(PASSWORD)


# --- role assignment --------------------------------------------------------------------------


def test_security_administrator_assigns_a_role_with_an_anchor(client_for, world):
    role = Role.objects.get(code="office_staff")
    r = client_for("secadmin").post(f"/accounts/users/{world.nobody.pk}/roles/add/", {
        "role": str(role.pk), "anchor": str(world.units["east"].pk),
    })
    assert r.status_code == 302
    a = RoleAssignment.objects.get(user=world.nobody)
    assert (a.role, a.anchor) == (role, world.units["east"])


def test_separation_of_administrators_is_explained_in_chinese(client_for, world):
    auditor = Role.objects.get(code="auditor")
    r = client_for("secadmin").post(f"/accounts/users/{world.east_office.pk}/roles/add/", {
        "role": str(auditor.pk), "anchor": "",
    })
    assert r.status_code == 422
    assert "三员分立:管理员账号不能同时持有业务角色。" in r.content.decode()


def test_security_administrator_cannot_grant_to_themself(client_for, world):
    role = Role.objects.get(code="leadership")
    r = client_for("secadmin").post(f"/accounts/users/{world.secadmin.pk}/roles/add/", {
        "role": str(role.pk),
    })
    assert r.status_code == 422
    assert "不能给自己授权" in r.content.decode()


def test_system_administrator_may_not_assign_roles(client_for, world):
    assert client_for("sysadmin").get(f"/accounts/users/{world.nobody.pk}/roles/add/"
                                      ).status_code == 403


def test_revoke_removes_the_assignment(client_for, world):
    a = RoleAssignment.objects.get(user=world.east_contact)
    c = client_for("secadmin")
    r = c.post(f"/accounts/assignments/{a.pk}/revoke/")
    assert r.status_code == 302
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()
    assert "已撤销角色" in c.get(r["Location"]).content.decode()


def test_revoke_is_post_only_and_refused_to_others(client_for, world):
    a = RoleAssignment.objects.get(user=world.east_contact)
    assert client_for("secadmin").get(f"/accounts/assignments/{a.pk}/revoke/").status_code == 405
    assert client_for("east_office").post(f"/accounts/assignments/{a.pk}/revoke/"
                                          ).status_code in (302, 403)
    assert RoleAssignment.objects.filter(pk=a.pk).exists()


# --- roles and policy -------------------------------------------------------------------------


def test_roles_page_lists_roles_for_the_security_administrator(client_for):
    html = client_for("secadmin").get("/accounts/roles/").content.decode()
    assert "巡察办主任" in html and "安全审计员" in html


def test_roles_page_is_refused_to_the_system_administrator(client_for):
    assert client_for("sysadmin").get("/accounts/roles/").status_code == 403


def test_role_detail_groups_permissions_by_app_in_chinese(client_for):
    role = Role.objects.get(code="office_staff")
    html = client_for("secadmin").get(f"/accounts/roles/{role.pk}/").content.decode()
    assert "组织机构" in html  # the app
    assert "查看单位" in html  # Django's "Can view 单位", said in Chinese
    assert "管理届次" in html


def test_role_permissions_can_be_changed_for_a_business_role(client_for):
    role = Role.objects.get(code="leadership")
    r = client_for("secadmin").post(f"/accounts/roles/{role.pk}/permissions/", {
        "permissions": ["organisations.view_unit", "organisations.view_term",
                        "accounts.view_user"],
        "version": str(role.version),
    })
    assert r.status_code == 302
    codes = {p.codename for p in role.permissions.all()}
    assert "view_user" in codes


def test_stale_role_permissions_show_the_conflict_and_keep_the_ticks(client_for):
    role = Role.objects.get(code="leadership")
    seen = role.version
    Role.objects.filter(pk=role.pk).update(version=F("version") + 1)
    r = client_for("secadmin").post(f"/accounts/roles/{role.pk}/permissions/", {
        "permissions": ["accounts.view_user"], "version": str(seen),
    })
    assert r.status_code == 409
    html = r.content.decode()
    assert "该角色已被他人修改" in html
    assert 'value="accounts.view_user" checked' in html


def test_administrator_role_permissions_are_fixed(client_for):
    role = Role.objects.get(code="system_admin")
    assert client_for("secadmin").get(f"/accounts/roles/{role.pk}/permissions/").status_code == 403


def test_permission_editor_offers_view_and_declared_permissions_only(client_for):
    role = Role.objects.get(code="leadership")
    html = client_for("secadmin").get(f"/accounts/roles/{role.pk}/permissions/").content.decode()
    assert 'value="organisations.manage_unit"' in html
    assert 'value="organisations.add_unit"' not in html
    assert Permission.objects.filter(codename="add_unit").exists()


def test_policy_page_shows_the_policy_in_force(client_for, settings):
    settings.XUNCHA_REQUIRE_2FA_FOR_ADMINS = False
    html = client_for("secadmin").get("/accounts/policy/").content.decode()
    for text in ("10 个字符", "至少 3 类", "最近 5 次", "每 90 天", "连续失败 5 次", "30 分钟",
                 "登录 12 小时后", "未强制"):
        assert text in html, text


def test_policy_page_is_for_the_security_administrator_only(client_for):
    assert client_for("sysadmin").get("/accounts/policy/").status_code == 403
    assert client_for("east_office").get("/accounts/policy/").status_code == 403


def test_security_admin_creates_a_custom_role_copied_from_another(client_for):
    source = Role.objects.get(code="unit_contact")
    c = client_for("secadmin")
    assert c.get("/accounts/roles/new/").status_code == 200
    r = c.post("/accounts/roles/new/", {"name": "街道整改专班", "code": "street_task_force",
                                       "data_scope": "subtree", "copy_from": str(source.pk)})
    assert r.status_code == 302
    role = Role.objects.get(code="street_task_force")
    assert set(role.permissions.all()) == set(source.permissions.all())
    bad = c.post("/accounts/roles/new/", {"name": "街道整改专班", "code": "Bad Code!",
                                         "data_scope": "subtree"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "角色代码只能用" in html and "角色名称已被使用" in html


def test_only_the_security_admin_creates_roles(client_for):
    for who in ("sysadmin", "auditor", "east_director"):
        assert client_for(who).get("/accounts/roles/new/").status_code in (403, 404)
