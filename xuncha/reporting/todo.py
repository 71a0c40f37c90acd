"""The monthly return on the home page (registered in ReportingConfig.ready): last month's return
is due early this month; it shows until it is submitted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.scope import has, permissions_of, visible
from xuncha.web.todo import Severity, TodoItem, register_todo_provider

if TYPE_CHECKING:
    from xuncha.accounts.models import User

SUBMIT = "reporting.submit_return"


def returns_due(user: User) -> list[TodoItem]:
    from dateutil.relativedelta import relativedelta

    from xuncha.organisations.models import Unit, UnitLevel
    from xuncha.reporting.models import MonthlyReturn, ReturnStatus
    from xuncha.reporting.services import due_date, first_of_month

    if SUBMIT not in permissions_of(user):
        return []
    reporters = list(visible(user, Unit, SUBMIT).filter(level=UnitLevel.COUNTY)[:10])
    if not reporters and has(user, SUBMIT, user.unit):
        # A unit reports monthly while it has a rectification ledger.
        from xuncha.rectification.models import RectificationTask

        if visible(user, RectificationTask).filter(unit=user.unit).exists():
            reporters = [user.unit]
    today = timezone.localdate()
    month = first_of_month(today) - relativedelta(months=1)
    done = set(visible(user, MonthlyReturn).filter(
        reporter__in=reporters, month=month, status=ReturnStatus.SUBMITTED)
        .values_list("reporter_id", flat=True))
    items = []
    for unit in reporters:
        if unit.pk in done:
            continue
        due = due_date(unit, month)
        severity = (Severity.OVERDUE if today > due else
                    Severity.DUE_SOON if (due - today).days <= 3 else Severity.INFO)
        items.append(TodoItem(
            title=_("%(m)s月报未报送:%(u)s") % {"m": month.strftime("%Y年%m月"), "u": unit.name},
            detail=_("数据由系统汇总,核对后报送;截止日期 %(d)s。") % {"d": due},
            url=reverse("reporting:returns"), due=due, severity=severity))
    return items


def register_all() -> None:
    register_todo_provider(returns_due)
