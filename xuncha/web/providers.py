"""The foundation's to-do items and key figures (registered in WebConfig.ready).

Later parts of the product register their own in their apps' ``ready``. Every count goes through
the scope check, so a figure never counts rows the user could not open.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from xuncha.accounts.scope import has, permissions_of, visible
from xuncha.web.todo import (
    Figure,
    Severity,
    TodoItem,
    register_figure_provider,
    register_todo_provider,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# Warn this many days before the password expires.
PASSWORD_WARNING_DAYS = 14


def _url(name: str, **query: str) -> str:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def unread_messages(user: User) -> list[TodoItem]:
    from xuncha.notifications.models import Notification

    unread = visible(user, Notification).filter(read_at__isnull=True)
    count = unread.count()
    if not count:
        return []
    latest = unread.order_by("-created_at", "-id").first()
    return [TodoItem(
        title=_("%(n)d 条未读消息") % {"n": count},
        detail=_("最新：%(t)s") % {"t": latest.title} if latest else "",
        url=_url("notifications:inbox"),
    )]


def password_due(user: User) -> list[TodoItem]:
    """First login after an administrator set the password, or rotation (security.md) nearly due."""
    url = _url("accounts:password_change")
    if user.must_change_password:
        return [TodoItem(
            title=_("请修改初始密码"),
            detail=_("密码由管理员设置，须改为只有您知道的密码后才能继续使用。"),
            url=url, severity=Severity.OVERDUE,
        )]
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return []
    expires = user.password_changed_at + timedelta(days=days)
    left = expires - timezone.now()
    if left > timedelta(days=PASSWORD_WARNING_DAYS):
        return []
    due = timezone.localdate(expires)
    if left <= timedelta(0):
        return [TodoItem(title=_("密码已过期"), detail=_("请立即修改密码。"), url=url, due=due,
                         severity=Severity.OVERDUE)]
    return [TodoItem(
        title=_("密码将在 %(d)d 天内过期") % {"d": max(left.days, 0) + 1},
        detail=_("密码每 %(n)d 天须更换一次，请在到期前修改。") % {"n": days},
        url=url, due=due, severity=Severity.DUE_SOON,
    )]


def system_admin_checks(user: User) -> list[TodoItem]:
    """系统管理员: units nobody can work in yet, and accounts switched off."""
    from xuncha.accounts.models import User as UserModel
    from xuncha.organisations.models import Unit

    if not has(user, "accounts.manage_user"):
        return []
    items = []
    empty_units = (
        visible(user, Unit, "accounts.manage_user")
        .filter(is_active=True, members__isnull=True).count()
    )
    if empty_units:
        items.append(TodoItem(
            title=_("%(n)d 个单位尚无用户账号") % {"n": empty_units},
            detail=_("这些单位的人员还不能登录系统办理整改事项。"),
            url=_url("organisations:tree", members="none"),
        ))
    inactive = visible(user, UserModel, "accounts.manage_user").filter(is_active=False).count()
    if inactive:
        items.append(TodoItem(
            title=_("%(n)d 个账号已停用") % {"n": inactive},
            detail=_("核对人员调离、退休情况，确认停用的账号无需恢复。"),
            url=_url("accounts:users", active="0"),
        ))
    return items


def security_admin_checks(user: User) -> list[TodoItem]:
    """安全管理员: accounts that exist but can do nothing until a role is assigned."""
    from xuncha.accounts.models import User as UserModel

    if not has(user, "accounts.manage_role"):
        return []
    no_role = (
        visible(user, UserModel, "accounts.manage_role")
        .filter(is_active=True, assignments__isnull=True).count()
    )
    if not no_role:
        return []
    return [TodoItem(
        title=_("%(n)d 个账号尚未授予角色") % {"n": no_role},
        detail=_("未授权的账号登录后看不到任何业务数据。"),
        url=_url("accounts:users", role="__none__"),
        severity=Severity.DUE_SOON,
    )]


def auditor_checks(user: User) -> list[TodoItem]:
    if "audit.view_auditevent" not in permissions_of(user):
        return []
    return [TodoItem(
        title=_("核验审计日志链"),
        detail=_("定期核验日志链的完整性，及时发现被篡改或删除的记录。"),
        url=_url("audit:verify") or _url("audit:events"),
    )]


def foundation_figures(user: User) -> list[Figure]:
    from xuncha.accounts.models import Role
    from xuncha.accounts.models import User as UserModel
    from xuncha.notifications.models import Notification
    from xuncha.organisations.models import Term, Unit

    perms = permissions_of(user)
    figures = []
    if "organisations.view_unit" in perms:
        figures.append(Figure(
            label=_("可见单位"), value=visible(user, Unit).filter(is_active=True).count(),
            url=_url("organisations:tree"), hint=_("数据范围内启用的单位"),
        ))
    if "accounts.view_user" in perms:
        figures.append(Figure(
            label=_("可见人员"), value=visible(user, UserModel).filter(is_active=True).count(),
            url=_url("accounts:users"), hint=_("数据范围内启用的账号"),
        ))
    if "organisations.view_term" in perms:
        today = timezone.localdate()
        current = (
            visible(user, Term).filter(start_date__lte=today, end_date__gte=today)
            .select_related("unit").order_by("unit__path").first()
        )
        if current is not None:
            figures.append(Figure(
                label=_("当前届次"), value=current.name, url=_url("organisations:terms"),
                hint=_("%(u)s,%(s)s 至 %(e)s") % {
                    "u": current.unit.short_name or current.unit.name,
                    "s": current.start_date.isoformat(), "e": current.end_date.isoformat()},
            ))
    if "accounts.view_role" in perms:
        figures.append(Figure(label=_("角色"), value=visible(user, Role).count(),
                              url=_url("accounts:roles"), hint=_("内置与自定义角色")))
    unread = visible(user, Notification).filter(read_at__isnull=True).count()
    figures.append(Figure(
        label=_("未读消息"), value=unread, url=_url("notifications:inbox"),
        hint=_("站内消息与提醒"),
    ))
    return figures


def register_all() -> None:
    for provider in (password_due, unread_messages, system_admin_checks, security_admin_checks,
                     auditor_checks):
        register_todo_provider(provider)
    register_figure_provider(foundation_figures)
