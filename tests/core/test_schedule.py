from datetime import datetime
from zoneinfo import ZoneInfo

from xuncha.core.schedule import ScheduledRun, run_due

SH = ZoneInfo("Asia/Shanghai")


def test_daily_job_is_enqueued_once_per_day_after_its_hour(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    def daily(when):
        return [k for k in run_due(when) if not k.startswith("figures_summary:")]

    assert daily(datetime(2026, 5, 1, 6, 0, tzinfo=SH)) == []
    assert daily(datetime(2026, 5, 1, 7, 5, tzinfo=SH)) == ["daily_reminders:2026-05-01"]
    assert daily(datetime(2026, 5, 1, 7, 30, tzinfo=SH)) == []
    assert daily(datetime(2026, 5, 1, 9, 0, tzinfo=SH)) == ["visit_notices:2026-05-01"]
    assert daily(datetime(2026, 5, 1, 23, 0, tzinfo=SH)) == []
    assert daily(datetime(2026, 5, 2, 7, 0, tzinfo=SH)) == ["daily_reminders:2026-05-02"]
    assert ScheduledRun.objects.exclude(key__startswith="figures_summary:").count() == 3


def test_the_figures_summary_is_enqueued_once_per_ten_minutes(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    def summary(when):
        return [k for k in run_due(when) if k.startswith("figures_summary:")]

    assert summary(datetime(2026, 5, 1, 0, 3, tzinfo=SH)) == ["figures_summary:2026-05-01T00:00"]
    assert summary(datetime(2026, 5, 1, 0, 9, tzinfo=SH)) == []
    assert summary(datetime(2026, 5, 1, 0, 10, tzinfo=SH)) == ["figures_summary:2026-05-01T00:10"]
    assert summary(datetime(2026, 5, 1, 13, 47, tzinfo=SH)) == ["figures_summary:2026-05-01T13:40"]
    # Claims older than a week are dropped, the daily jobs' are kept.
    assert summary(datetime(2026, 5, 9, 0, 0, tzinfo=SH)) == ["figures_summary:2026-05-09T00:00"]
    assert list(ScheduledRun.objects.filter(key__startswith="figures_summary:")
                .values_list("key", flat=True)) == ["figures_summary:2026-05-09T00:00"]
    assert ScheduledRun.objects.filter(key__startswith="daily_reminders:").exists()
