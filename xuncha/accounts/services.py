"""Writes on people, roles and tokens.

三员分立 as enforced here: the system administrator (accounts.manage_user) creates and edits
accounts; the security administrator (accounts.manage_role) defines roles and assigns them; the
auditor only reads the trail. An account holds at most one administrator role and nothing besides it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.accounts.models import AdminKind, ApiToken, PasswordHistory, Role, RoleAssignment, User
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import diff, record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.organisations.models import Unit

USER_FIELDS = ("name", "post", "phone", "email", "is_active")
TOKEN_PREFIX = "xc_"


def _password_errors(password: str, user: User | None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages),
            details=[{"field": "password", "message": m} for m in exc.messages],
        ) from None


@transaction.atomic
def user_create(
    *, actor: User, unit: Unit, username: str, name: str, password: str,
    post: str = "", phone: str = "", email: str = "",
) -> User:
    """Creates an account in a unit the system administrator manages.

    The account must change its password at first login (security.md).
    """
    scope.require(actor, "accounts.manage_user", unit)
    username = username.strip()
    user = User(unit=unit, username=username, name=name.strip(), post=post.strip(),
                phone=phone.strip(), email=email.strip(), must_change_password=True)
    # Every problem at once: the name taken, the password too weak, a field too long.
    details: list[dict[str, str]] = []
    if User.objects.filter(username__iexact=username).exists():
        details.append({"field": "username", "message": _("登录名已被使用:%(u)s。") % {"u": username}})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        details += [{"field": "password", "message": m} for m in exc.messages]
    user.set_password(password)
    try:
        user.full_clean(exclude=["password", "username"] if details and details[0]["field"] ==
                        "username" else ["password"])
    except ValidationError as exc:
        details += [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    if details:
        raise ValidationFailed("；".join(d["message"] for d in details), details=details)
    user.password_changed_at = timezone.now()
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    record(actor=actor, action="user.create", obj=user,
           changes={"username": [None, username], "unit": [None, unit.name]})
    return user


def _refuse_admin_target(actor: User, user: User) -> None:
    """三员分立: an administrator's account is not edited, reset or stripped by another
    administrator (the system administrator must not be able to silence the auditor); it is
    maintained with the ``xuncha createadmin`` tool on the server."""
    if user.pk != actor.pk and user.assignments.exclude(admin_kind="").exists():
        raise PermissionDenied(_("三员账号不能由其他管理员修改,请在服务器上使用管理命令维护。"))


@transaction.atomic
def user_update(*, actor: User, user: User, expected_version: int, **fields: Any) -> User:
    scope.require(actor, "accounts.manage_user", user.unit)
    _refuse_admin_target(actor, user)
    if set(fields) - set(USER_FIELDS):
        raise ValueError("unknown fields")
    if "is_active" in fields and not fields["is_active"] and user.pk == actor.pk:
        raise ValidationFailed(_("不能停用自己的账号。"))
    before = {f: getattr(user, f) for f in USER_FIELDS}
    for f, v in fields.items():
        setattr(user, f, v.strip() if isinstance(v, str) else v)
    updated = User.objects.filter(pk=user.pk, version=expected_version).update(
        version=expected_version + 1, **{f: getattr(user, f) for f in fields}
    )
    if not updated:
        raise Conflict(_("该账号已被他人修改,请刷新后再保存。"))
    user.version = expected_version + 1
    record(actor=actor, action="user.update", obj=user,
           changes=diff(before, {f: getattr(user, f) for f in USER_FIELDS}))
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> User:
    """An administrator sets a temporary password; the owner must change it at next login."""
    scope.require(actor, "accounts.manage_user", user.unit)
    _refuse_admin_target(actor, user)
    _password_errors(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    PasswordHistory.objects.create(user=user, password=user.password)
    record(actor=actor, action="user.reset_password", obj=user)
    return user


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The owner changes their own password: old one checked, rules and history applied."""
    if not actor.check_password(old_password):
        raise ValidationFailed(
            _("原密码不正确。"), details=[{"field": "old_password", "message": _("原密码不正确。")}]
        )
    if old_password == new_password:
        raise ValidationFailed(
            _("新密码不能与原密码相同。"),
            details=[{"field": "new_password", "message": _("新密码不能与原密码相同。")}],
        )
    _password_errors(new_password, actor)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.password_changed_at = timezone.now()
    actor.save(update_fields=["password", "must_change_password", "password_changed_at"])
    PasswordHistory.objects.create(user=actor, password=actor.password)
    record(actor=actor, action="user.change_password", obj=actor)
    return actor


def _refuse_mixed_admin(user: User, role: Role) -> None:
    """三员分立: no account holds two administrator roles, nor an administrator and a business role."""
    held = list(user.assignments.select_related("role"))
    if role.admin_kind:
        other_admin = [a for a in held if a.role.admin_kind and a.role.admin_kind != role.admin_kind]
        if other_admin:
            raise ValidationFailed(
                _("三员分立:该账号已是“%(held)s”,不能再授予“%(new)s”。")
                % {"held": other_admin[0].role.name, "new": role.name}
            )
        if any(not a.role.admin_kind for a in held):
            raise ValidationFailed(_("三员分立:管理员账号不能同时持有业务角色。"))
    elif any(a.role.admin_kind for a in held):
        raise ValidationFailed(_("三员分立:管理员账号不能同时持有业务角色。"))


@transaction.atomic
def role_assign(
    *, actor: User, user: User, role: Role, anchor: Unit | None = None,
    custom_units: Iterable[Unit] = (),
) -> RoleAssignment:
    """Grants ``role`` to ``user``, its scope anchored at ``anchor`` (default: the user's unit).

    Only the security administrator assigns roles, and only over units in their own scope.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    scope.require(actor, "accounts.manage_role", user.unit)
    if anchor is not None:
        scope.require(actor, "accounts.manage_role", anchor)
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能给自己授权。"))
    _refuse_mixed_admin(user, role)
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, anchor=anchor, admin_kind=role.admin_kind, granted_by=actor
            )
    except IntegrityError:
        raise ValidationFailed(_("该账号已持有此角色,或已持有另一个管理员角色。")) from None
    units = list(custom_units)
    if units:
        assignment.custom_units.set(units)
    scope.forget(user)
    record(actor=actor, action="role.assign", obj=user,
           changes={"role": [None, role.code], "anchor": [None, anchor.name if anchor else ""]})
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    scope.require(actor, "accounts.manage_role", assignment.user.unit)
    if assignment.admin_kind:
        raise PermissionDenied(_("三员角色不能在系统中撤销,请在服务器上使用管理命令维护。"))
    if assignment.user_id == actor.pk:
        raise PermissionDenied(_("不能撤销自己的授权。"))
    user, role = assignment.user, assignment.role
    assignment.delete()
    scope.forget(user)
    record(actor=actor, action="role.revoke", obj=user, changes={"role": [role.code, None]})


@transaction.atomic
def role_set_permissions(
    *, actor: User, role: Role, permission_codes: Iterable[str], expected_version: int
) -> Role:
    """Changes what a role may do. Administrator roles are fixed: their powers define 三员分立."""
    from django.contrib.auth.models import Permission

    scope.require(actor, "accounts.manage_role")
    if role.admin_kind:
        raise PermissionDenied(_("三员角色的权限是固定的,不能修改。"))
    codes = sorted(set(permission_codes))
    perms = []
    for code in codes:
        app_label, _sep, codename = code.partition(".")
        p = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if p is None:
            raise ValidationFailed(_("权限“%(c)s”不存在。") % {"c": code})
        perms.append(p)
    before = sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in role.permissions.select_related("content_type")
    )
    updated = Role.objects.filter(pk=role.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("该角色已被他人修改,请刷新后再保存。"))
    role.version = expected_version + 1
    role.permissions.set(perms)
    record(actor=actor, action="role.set_permissions", obj=role,
           changes={"permissions": [before, codes]})
    return role


@transaction.atomic
def role_create(*, actor: User, code: str, name: str, data_scope: str, description: str = "",
                copy_from: Role | None = None) -> Role:
    """The security administrator adds a committee's own role, optionally starting from the
    permissions of an existing business role. Administrator roles cannot be copied."""
    from xuncha.accounts.models import DataScope

    scope.require(actor, "accounts.manage_role")
    errors = []
    code, name = code.strip().lower(), name.strip()
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        errors.append({"field": "code", "message": _("角色代码只能用小写字母、数字和下划线。")})
    elif Role.objects.filter(code=code).exists():
        errors.append({"field": "code", "message": _("角色代码已被使用。")})
    if not name:
        errors.append({"field": "name", "message": _("请填写角色名称。")})
    elif Role.objects.filter(name=name).exists():
        errors.append({"field": "name", "message": _("角色名称已被使用。")})
    if data_scope not in DataScope.values:
        errors.append({"field": "data_scope", "message": _("请选择数据范围。")})
    if copy_from is not None and copy_from.admin_kind:
        errors.append({"field": "copy_from", "message": _("三员角色不能复制。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    role = Role.objects.create(code=code, name=name, data_scope=data_scope,
                               description=description.strip())
    if copy_from is not None:
        role.permissions.set(copy_from.permissions.all())
    record(actor=actor, action="role.create", obj=role,
           changes={"code": code, "copy_from": copy_from.code if copy_from else None})
    return role


def token_digest(token: str) -> str:
    return sm3_hex(token.encode())


@transaction.atomic
def token_create(
    *, actor: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Creates a personal API token and returns it once; only its SM3 digest is kept."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写令牌名称。"), details=[{"field": "name", "message": ""}])
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= 10:
        raise ValidationFailed(_("每人最多 10 个有效令牌,请先撤销不用的令牌。"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:60], prefix=raw[:10], digest=token_digest(raw), expires_at=expires_at
    )
    record(actor=actor, action="token.create", obj=token)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("只能撤销自己的令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="token.revoke", obj=token)
    return token


def token_authenticate(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user", "user__unit").filter(
        digest=token_digest(raw)
    ).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def admin_kind_of(user: User) -> str:
    a = user.assignments.exclude(admin_kind="").first()
    return a.admin_kind if a else AdminKind.NONE
