"""First start of a real installation: the three separated administrators (三员分立).

Nobody can create the first accounts through the product (creating an account needs a system
administrator), so ``xuncha createadmin`` calls this once. It makes three accounts in the root unit
— a system administrator, a security administrator and an auditor — one administrator role each,
every one obliged to change its password at first login (security.md), and it refuses to run again
once any administrator exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import AdminKind, PasswordHistory, Role, RoleAssignment, User
from xuncha.accounts.roles import sync_builtin_roles
from xuncha.audit.services import record
from xuncha.core.errors import ValidationFailed
from xuncha.organisations.models import KIND_LEVEL, Unit, UnitKind
from xuncha.organisations.services import set_path

BOOTSTRAP_ACTOR = "xuncha-createadmin"
# The role of each of the three accounts, in the order they are asked for.
ADMIN_ROLES = ("system_admin", "security_admin", "auditor")


@dataclass(frozen=True)
class AdminSpec:
    role: str  # one of ADMIN_ROLES
    username: str
    name: str
    password: str
    post: str = ""


def existing_admins() -> list[User]:
    holders = RoleAssignment.objects.exclude(admin_kind=AdminKind.NONE).values("user_id")
    return list(User.objects.filter(pk__in=holders).order_by("pk"))


def _root_unit(*, name: str, code: str) -> Unit:
    """The unit the administrators sit in: the one given by code, else the only root, else new."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            return unit
    else:
        roots = list(Unit.objects.filter(parent__isnull=True).order_by("pk")[:2])
        if len(roots) == 1:
            return roots[0]
        if roots:
            raise ValidationFailed(_("系统中有多个顶级单位，请用 --unit-code 指明管理员所在单位。"))
    if not name.strip() or not code.strip():
        raise ValidationFailed(_("系统中还没有单位：请给出顶级单位的名称和代码（如 江城市、JC）。"))
    unit = Unit(name=name.strip(), short_name=name.strip(), code=code.strip(), kind=UnitKind.CITY,
                level=KIND_LEVEL[UnitKind.CITY])
    try:
        unit.full_clean(exclude=["path", "county"])
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages)) from None
    unit.save()
    set_path(unit)
    unit.save(update_fields=["path", "depth", "county"])
    record(actor=None, actor_name=BOOTSTRAP_ACTOR, action="unit.create", obj=unit,
           changes={"name": [None, unit.name], "code": [None, unit.code]})
    return unit


def _check_specs(specs: Sequence[AdminSpec]) -> None:
    if sorted(s.role for s in specs) != sorted(ADMIN_ROLES):
        raise ValidationFailed(_("须同时创建系统管理员、安全管理员和安全审计员三个账号。"))
    usernames = [s.username.strip().lower() for s in specs]
    if len(set(usernames)) != len(usernames):
        raise ValidationFailed(_("三员分立：三个管理员必须是三个不同的账号。"))
    if len({s.password for s in specs}) != len(specs):
        raise ValidationFailed(_("三员分立：三个管理员账号不能使用相同的密码。"))
    taken = User.objects.filter(username__in=[s.username.strip() for s in specs])
    if taken.exists():
        raise ValidationFailed(
            _("登录名已被使用：%(u)s。") % {"u": "、".join(taken.values_list("username", flat=True))}
        )


@transaction.atomic
def first_admins_create(
    *, specs: Sequence[AdminSpec], root_name: str = "", root_code: str = ""
) -> tuple[Unit, list[User]]:
    """Creates the three administrator accounts of 三员分立 in the root unit.

    Refused when any administrator account already exists: from then on accounts are made by the
    system administrator inside the product, and roles given by the security administrator.
    """
    admins = existing_admins()
    if admins:
        held = "、".join(u.username for u in admins)
        raise ValidationFailed(_("已有管理员账号（%(u)s），不再创建。") % {"u": held})
    _check_specs(specs)
    roles = Role.objects.in_bulk(list(ADMIN_ROLES), field_name="code")
    if len(roles) != len(ADMIN_ROLES):
        sync_builtin_roles()
        roles = Role.objects.in_bulk(list(ADMIN_ROLES), field_name="code")
    unit = _root_unit(name=root_name, code=root_code)
    created = []
    for spec in sorted(specs, key=lambda s: ADMIN_ROLES.index(s.role)):
        user = User(unit=unit, username=spec.username.strip(), name=spec.name.strip(),
                    post=spec.post.strip(), must_change_password=True)
        try:
            validate_password(spec.password, user)
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise ValidationFailed(f"{spec.username}: " + " ".join(exc.messages)) from None
        user.set_password(spec.password)
        user.password_changed_at = timezone.now()
        user.save()
        PasswordHistory.objects.create(user=user, password=user.password)
        role = roles[spec.role]
        RoleAssignment.objects.create(user=user, role=role, admin_kind=role.admin_kind)
        record(actor=None, actor_name=BOOTSTRAP_ACTOR, action="user.create", obj=user,
               changes={"username": [None, user.username], "unit": [None, unit.name]})
        record(actor=None, actor_name=BOOTSTRAP_ACTOR, action="role.assign", obj=user,
               changes={"role": [None, role.code], "anchor": [None, ""]})
        created.append(user)
    return unit, created
