"""The left navigation, by lifecycle stage; each entry shows only when the role may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import permissions_of

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrOrPromise

    from xuncha.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str | StrOrPromise
    url_name: str
    icon: str
    perm: str | None = None  # None: every signed-in user


@dataclass(frozen=True)
class NavSection:
    label: str | StrOrPromise
    items: tuple[NavItem, ...]


# Later parts of the product add their stages here (计划, 巡察, 整改, 线索, 评估, 统计).
SECTIONS: tuple[NavSection, ...] = (
    NavSection(_("工作台"), (
        NavItem(_("我的待办"), "web:home", "home"),
        NavItem(_("站内消息"), "notifications:inbox", "inbox"),
    )),
    NavSection(_("巡察工作"), (
        NavItem(_("全覆盖"), "inspections:coverage_home", "check", "inspections.view_coverageplan"),
        NavItem(_("巡察轮次"), "inspections:rounds", "calendar", "inspections.view_round"),
        NavItem(_("巡察列表"), "inspections:inspections", "building", "inspections.view_inspection"),
        NavItem(_("回避申报"), "inspections:conflicts", "shield", "inspections.view_round"),
        NavItem(_("问题线索"), "leads:list", "lock", "leads.view_lead"),
        NavItem(_("线索办理进度"), "leads:tracking", "clock", "leads.track_lead"),
    )),
    NavSection(_("整改"), (
        NavItem(_("整改方案"), "rectification:plans", "file", "rectification.view_rectificationplan"),
        NavItem(_("整改台账"), "rectification:ledger", "log", "rectification.view_rectificationtask"),
        NavItem(_("问责与成果"), "outcomes:accountability", "shield",
                "outcomes.view_accountabilityrecord"),
        NavItem(_("月度报送"), "reporting:returns", "calendar", "reporting.view_monthlyreturn"),
    )),
    NavSection(_("评估"), (
        NavItem(_("评估计划"), "evaluation:list", "check", "evaluation.view_evaluation"),
        NavItem(_("质询会"), "evaluation:meetings", "users", "evaluation.view_inquirymeeting"),
        NavItem(_("评分表模板"), "evaluation:rubric", "file", "evaluation.view_rubrictemplate"),
    )),
    NavSection(_("统计"), (
        NavItem(_("数据看板"), "dashboards:index", "log", "findings.view_problem"),
        NavItem(_("挂图作战"), "dashboards:board", "calendar", "findings.view_problem"),
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


def navigation_for(user: User, current_path: str = "") -> list[dict[str, Any]]:
    perms = permissions_of(user)
    result = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if item.perm is not None and item.perm not in perms:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:  # a stage whose pages are not routed yet
                continue
            matches = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": matches,
                          "url_name": item.url_name, "badge": None})
        if items:
            result.append({"label": section.label, "items": items})
    # Only the most specific entry is current (/evaluation/rubric/ is not also /evaluation/).
    active = [i for s in result for i in s["items"] if i["active"]]
    if len(active) > 1:
        best = max(active, key=lambda i: len(i["url"]))
        for i in active:
            i["active"] = i is best
    return result
