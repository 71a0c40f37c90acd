"""Periodic jobs. django.tasks has no scheduler, so a small loop (``manage.py scheduler``, started by
``xuncha worker`` beside the task worker) enqueues each job once per period. The period key is
claimed in the database first, so two schedulers never enqueue the same run twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    # 0: once a day; else once in every period of this many minutes (from ``hour`` on).
    every_minutes: int = 0

    def key_for(self, now: datetime) -> str:
        local = timezone.localtime(now)
        if not self.every_minutes:
            return f"{self.name}:{local:%Y-%m-%d}"
        slot = (local.hour * 60 + local.minute) // self.every_minutes * self.every_minutes
        return f"{self.name}:{local:%Y-%m-%d}T{slot // 60:02d}:{slot % 60:02d}"


def _enqueue_reminders() -> object:
    from xuncha.rectification.tasks import daily_reminders

    return daily_reminders.enqueue()


def _enqueue_visit_notices() -> object:
    from xuncha.evaluation.tasks import visit_notices

    return visit_notices.enqueue()


def _enqueue_summary() -> object:
    from xuncha.dashboards.tasks import refresh_summary

    return refresh_summary.enqueue()


# How often the worker recounts the figures' summary (xuncha.dashboards.summary).
SUMMARY_MINUTES = 10

JOBS: tuple[Job, ...] = (
    Job("daily_reminders", 7, _enqueue_reminders),
    Job("visit_notices", 8, _enqueue_visit_notices),
    Job("figures_summary", 0, _enqueue_summary, every_minutes=SUMMARY_MINUTES),
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
        if job.every_minutes:  # a claim per period: keep a week of them
            ScheduledRun.objects.filter(key__startswith=f"{job.name}:",
                                        enqueued_at__lt=now - timedelta(days=7)).delete()
    return started
