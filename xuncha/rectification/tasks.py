"""Background work of rectification, run by the worker (django.tasks, django-tasks-db)."""

from __future__ import annotations

from django.tasks import task


@task()
def daily_reminders() -> dict[str, int]:
    from xuncha.leads.handling import lead_reminders
    from xuncha.rectification.reminders import send_reminders

    sent = send_reminders().sent
    sent["leads"] = lead_reminders()
    return sent
