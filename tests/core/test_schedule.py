from datetime import datetime
from zoneinfo import ZoneInfo

from xuncha.core.schedule import ScheduledRun, run_due

SH = ZoneInfo("Asia/Shanghai")


def test_daily_job_is_enqueued_once_per_day_after_its_hour(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert run_due(datetime(2026, 5, 1, 6, 0, tzinfo=SH)) == []
    assert run_due(datetime(2026, 5, 1, 7, 5, tzinfo=SH)) == ["daily_reminders:2026-05-01"]
    assert run_due(datetime(2026, 5, 1, 7, 30, tzinfo=SH)) == []
    assert run_due(datetime(2026, 5, 1, 9, 0, tzinfo=SH)) == ["visit_notices:2026-05-01"]
    assert run_due(datetime(2026, 5, 1, 23, 0, tzinfo=SH)) == []
    assert run_due(datetime(2026, 5, 2, 7, 0, tzinfo=SH)) == ["daily_reminders:2026-05-02"]
    assert ScheduledRun.objects.count() == 3
