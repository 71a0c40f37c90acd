"""Periodic jobs. django.tasks has no scheduler, so a small loop (``manage.py scheduler``, started by
``xuncha worker`` beside the task worker) enqueues each job once per period. The period key is
claimed in the database first, so two schedulers never enqueue the same run twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone


class ScheduledRun(models.Model):
    key = models.CharField(max_length=120, unique=True)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "core"
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Job:
    name: str
    hour: int  # local hour of day from which the day's run is due
    enqueue: Callable[[], object]

    def key_for(self, now: datetime) -> str:
        return f"{self.name}:{timezone.localtime(now):%Y-%m-%d}"


def _enqueue_reminders() -> object:
    from xuncha.rectification.tasks import daily_reminders

    return daily_reminders.enqueue()


def _enqueue_visit_notices() -> object:
    from xuncha.evaluation.tasks import visit_notices

    return visit_notices.enqueue()


JOBS: tuple[Job, ...] = (
    Job("daily_reminders", 7, _enqueue_reminders),
    Job("visit_notices", 8, _enqueue_visit_notices),
)


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueues every job whose run for today is due and not yet claimed; returns their keys."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    started = []
    for job in JOBS:
        if local.hour < job.hour:
            continue
        key = job.key_for(now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(key=key, enqueued_at=now)
        except IntegrityError:
            continue
        job.enqueue()
        started.append(key)
    return started
