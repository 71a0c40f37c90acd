"""The evaluation's items on the home page's to-do list (registered in EvaluationConfig.ready).

For the reviewers of a visit: "明天到 X 评估" the day before and on the day, "待评分 N 项" while on
site, and for the leader "出具评估报告" once everything is scored. Read through the scope check.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.scope import visible
from xuncha.web.todo import Severity, TodoItem

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def evaluation_todos(user: User) -> list[TodoItem]:
    from xuncha.evaluation.models import Evaluation, EvaluationStatus

    today = timezone.localdate()
    mine = visible(user, Evaluation).filter(members__user_id=user.pk).select_related("unit")
    items: list[TodoItem] = []
    upcoming = mine.filter(status__in=[EvaluationStatus.PLANNED, EvaluationStatus.NOTIFIED],
                           visit_date__in=[today, today + timedelta(days=1)])
    for ev in upcoming.order_by("visit_date"):
        when = _("今天") if ev.visit_date == today else _("明天")
        items.append(TodoItem(
            title=_("%(w)s到%(u)s开展整改评估") % {"w": when, "u": ev.unit.name},
            detail=_("先开展满意度测评,再对照问题清单和整改进度台账核查。"),
            url=reverse("evaluation:detail", args=[ev.pk]), due=ev.visit_date,
            severity=Severity.DUE_SOON))
    on_site = (mine.filter(status=EvaluationStatus.ON_SITE)
               .annotate(unscored=Count("items", filter=Q(items__score__isnull=True))))
    for ev in on_site:
        if ev.unscored:
            items.append(TodoItem(
                title=_("待评分 %(n)d 项:%(u)s") % {"n": ev.unscored, "u": ev.unit.name},
                detail=_("按“八查”评分表逐项评分并写明理由。"),
                url=reverse("evaluation:scoring", args=[ev.pk]), due=ev.visit_date))
        elif ev.leader_id == user.pk:
            items.append(TodoItem(
                title=_("出具评估报告:%(u)s") % {"u": ev.unit.name},
                detail=_("各项已评分,请填写评估意见和反馈问题。"),
                url=reverse("evaluation:report", args=[ev.pk]), due=ev.visit_date,
                severity=Severity.DUE_SOON))
    return items
