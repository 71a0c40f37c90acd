"""The demo logins table, read from the database: one account per role and place.

The CLI prints it every time the demo starts (also when the data was loaded on an earlier run), so
it is built from what is stored, not from what the generator remembers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password

from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import BUILTIN_ROLES
from xuncha.demo.generator import DEMO_PASSWORD
from xuncha.organisations.models import Unit, UnitLevel


@dataclass(frozen=True)
class LoginRow:
    username: str
    name: str
    role: str
    unit: str
    demo_password: bool  # False once the owner has changed it


def demo_logins(*, counties: int = 2) -> list[LoginRow]:
    """The first account of every role at the city level and in the first ``counties`` counties,
    in the order of ``BUILTIN_ROLES`` (office first, administrators last)."""
    county_ids = list(
        Unit.objects.filter(level=UnitLevel.COUNTY).order_by("pk").values_list("pk", flat=True)
        [:counties]
    )
    place = {cid: i for i, cid in enumerate(county_ids)}
    role_order = {d.code: i for i, d in enumerate(BUILTIN_ROLES)}
    picked: dict[tuple[str, int | None], RoleAssignment] = {}
    assignments = (
        RoleAssignment.objects.filter(user__is_active=True)
        .select_related("user", "user__unit", "user__unit__county", "role")
        .order_by("user_id", "pk")
    )
    for a in assignments:
        county_id = a.user.unit.county_id
        if county_id is not None and county_id not in place:
            continue
        picked.setdefault((a.role.code, county_id), a)

    def key(item: tuple[tuple[str, int | None], RoleAssignment]) -> tuple[int, int, int]:
        (code, county_id), a = item
        return (role_order.get(code, len(role_order)),
                -1 if county_id is None else place[county_id], a.user_id)

    checked: dict[str, bool] = {}
    rows = []
    for (_code, _county), a in sorted(picked.items(), key=key):
        user: User = a.user
        if user.password not in checked:  # the demo accounts share one hash: one check
            checked[user.password] = check_password(DEMO_PASSWORD, user.password)
        rows.append(LoginRow(username=user.username, name=user.name, role=a.role.name,
                             unit=_unit_label(user.unit),
                             demo_password=checked[user.password]))
    return rows


def _unit_label(unit: Unit) -> str:
    """The short name where it still says which county (东湖区委巡察办), else the full name."""
    short = unit.short_name or unit.name
    if unit.county is not None and unit.county.name not in short:
        return unit.name
    return short


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_logins(rows: list[LoginRow], *, total_users: int | None = None) -> str:
    """A plain-text table for a terminal: 登录名 | 姓名 | 角色 | 单位."""
    if not rows:
        return "（没有可登录的账号：请运行 xuncha createadmin 或 manage.py load_demo）"
    header = ("登录名", "姓名", "角色", "单位")
    cells = [header] + [
        (r.username, r.name, r.role, r.unit + ("" if r.demo_password else "（已改密）"))
        for r in rows
    ]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if any(r.demo_password for r in rows):
        lines.append("")
        lines.append(f"演示密码（以上账号通用）：{DEMO_PASSWORD}")
        if total_users is not None and total_users > len(rows):
            lines.append(f"另有 {total_users - len(rows)} 个演示账号"
                         "（其他单位的负责人、联络员、巡察组成员等），密码相同。")
    return "\n".join(lines)


def logins_report() -> str:
    return format_logins(demo_logins(), total_users=User.objects.filter(is_active=True).count())
