"""Built-in roles follow the code without undoing what a security administrator changed."""

from __future__ import annotations

from xuncha.accounts import roles
from xuncha.accounts.models import Role


def codes(role: Role) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}


def test_upgrade_keeps_hand_made_changes_and_applies_code_changes(db, monkeypatch):
    role = Role.objects.get(code="leadership")
    from django.contrib.auth.models import Permission

    extra = Permission.objects.get(codename="view_user", content_type__app_label="accounts")
    role.permissions.add(extra)  # the security admin granted it by hand
    removed = Permission.objects.get(codename="view_term", content_type__app_label="organisations")
    role.permissions.remove(removed)  # and withdrew this one
    new_defs = tuple(
        roles.RoleDef(d.code, d.name, d.data_scope,
                      tuple(c for c in d.permissions if c != "organisations.view_unit"),
                      d.admin_kind, d.description) if d.code == "leadership" else d
        for d in roles.BUILTIN_ROLES)
    monkeypatch.setattr(roles, "BUILTIN_ROLES", new_defs)
    roles.sync_builtin_roles()
    now = codes(Role.objects.get(code="leadership"))
    assert "accounts.view_user" in now          # hand grant kept
    assert "organisations.view_term" not in now  # hand removal kept
    assert "organisations.view_unit" not in now  # code removal applied


def test_admin_roles_are_always_exactly_the_code(db):
    role = Role.objects.get(code="auditor")
    from django.contrib.auth.models import Permission

    role.permissions.add(Permission.objects.get(codename="view_user",
                                                content_type__app_label="accounts"))
    roles.sync_builtin_roles()
    assert codes(Role.objects.get(code="auditor")) == {"audit.view_auditevent"}
