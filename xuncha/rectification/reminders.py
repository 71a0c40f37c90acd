"""The daily reminder run: due soon, due today, overdue, and overdue long enough to escalate.

Recipients: the task's responsible account (if any) and the unit's contacts for the first three;
the office and the unit's head (the responsible leader's side) when escalated. Idempotent: each
reminder carries a key (task, kind, deadline), and the inbox keeps one message per key, so running
twice sends nothing twice. A changed deadline is a new reminder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.recipients import role_holders_over, unit_people
from xuncha.notifications.models import Category
from xuncha.notifications.services import notify
from xuncha.organisations.rules import rules_for
from xuncha.rectification.models import PlanStatus, RectificationTask, TaskStatus


@dataclass
class ReminderRun:
    day: date
    sent: dict[str, int] = field(default_factory=lambda: {"due_soon": 0, "due_today": 0,
                                                         "overdue": 0, "escalated": 0})

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _unit_people(unit_id: int, codes: list[str]) -> list[Any]:
    return unit_people(unit_id, codes)


def _office_people(task: RectificationTask) -> list[Any]:
    return role_holders_over(task.unit, ["office_director", "office_staff"])


def send_reminders(today: date | None = None) -> ReminderRun:
    today = today or timezone.localdate()
    run = ReminderRun(day=today)
    tasks = (RectificationTask.objects
             .filter(plan__status=PlanStatus.APPROVED, deadline__isnull=False)
             .exclude(status=TaskStatus.CLOSED)
             .select_related("unit", "problem", "responsible_user"))
    rules_cache: dict[int, Any] = {}
    for task in tasks.iterator(chunk_size=500):
        rules = rules_cache.get(task.unit.county_id or task.unit_id)
        if rules is None:
            rules = rules_cache[task.unit.county_id or task.unit_id] = rules_for(task.unit)
        days_left = (task.deadline - today).days
        kind = None
        if days_left == 0:
            kind = "due_today"
        elif 0 < days_left <= rules.due_soon_days:
            kind = "due_soon"
        elif days_left < 0:
            kind = "overdue"
        if kind is None:
            continue
        people = _unit_people(task.unit_id, ["unit_contact"])
        if task.responsible_user is not None:
            people.append(task.responsible_user)
        link = f"/rectification/tasks/{task.pk}/"
        titles = {
            "due_soon": _("整改任务将于 %(d)s 到期:%(t)s"),
            "due_today": _("整改任务今天到期:%(t)s"),
            "overdue": _("整改任务已逾期(%(d)s 到期):%(t)s"),
        }
        title = titles[kind] % {"d": task.deadline, "t": task.problem.title[:60]}
        sent = notify(recipients=people, title=title, link=link, category=Category.REMINDER,
                      body=task.measure[:300],
                      dedupe_key=f"task:{task.pk}:{kind}:{task.deadline:%Y%m%d}")
        run.sent[kind] += len(sent)
        if kind == "overdue" and -days_left >= rules.escalate_after_days:
            boss = _office_people(task) + _unit_people(task.unit_id, ["unit_head"])
            sent = notify(recipients=boss, category=Category.WARNING, link=link,
                          title=_("整改任务逾期超过 %(n)d 天:%(u)s · %(t)s")
                          % {"n": rules.escalate_after_days, "u": task.unit.name,
                             "t": task.problem.title[:40]},
                          body=_("责任领导:%(l)s;责任人:%(p)s;完成时限:%(d)s")
                          % {"l": task.responsible_leader, "p": task.responsible_person,
                             "d": task.deadline},
                          dedupe_key=f"task:{task.pk}:escalated:{task.deadline:%Y%m%d}")
            run.sent["escalated"] += len(sent)
    return run


def next_run_after(now: Any) -> Any:
    """The worker runs reminders once a day at 07:00 local time."""
    local = timezone.localtime(now)
    target = local.replace(hour=7, minute=0, second=0, microsecond=0)
    return target if target > local else target + timedelta(days=1)
