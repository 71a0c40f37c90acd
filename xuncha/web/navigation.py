"""The left navigation, by lifecycle stage; each entry shows only when the role may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import permissions_of

if TYPE_CHECKING:
    from xuncha.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    perm: str | None = None  # None: every signed-in user


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...]


# Later parts of the product add their stages here (计划, 巡察, 整改, 线索, 评估, 统计).
SECTIONS: tuple[NavSection, ...] = (
    NavSection(_("工作台"), (
        NavItem(_("我的待办"), "web:home", "home"),
        NavItem(_("站内消息"), "notifications:inbox", "inbox"),
    )),
    NavSection(_("基础数据"), (
        NavItem(_("组织机构"), "organisations:tree", "tree", "organisations.view_unit"),
        NavItem(_("届次"), "organisations:terms", "calendar", "organisations.view_term"),
    )),
    NavSection(_("系统管理"), (
        NavItem(_("用户"), "accounts:users", "users", "accounts.view_user"),
        NavItem(_("角色与授权"), "accounts:roles", "shield", "accounts.view_role"),
        NavItem(_("安全策略"), "accounts:policy", "lock", "accounts.manage_role"),
        NavItem(_("审计日志"), "audit:events", "log", "audit.view_auditevent"),
    )),
    NavSection(_("个人"), (
        NavItem(_("个人资料"), "accounts:profile", "user"),
        NavItem(_("接口令牌"), "accounts:tokens", "key"),
    )),
)


def navigation_for(user: User, current_path: str = "") -> list[dict[str, object]]:
    perms = permissions_of(user)
    result = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if item.perm is not None and item.perm not in perms:
                continue
            url = reverse(item.url_name)
            active = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if items:
            result.append({"label": section.label, "items": items})
    return result
