from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from xuncha.rectification.reminders import send_reminders


class Command(BaseCommand):
    help = "发送整改任务临期、到期、逾期提醒和逾期升级提醒(可重复运行,不会重复发送)。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="按指定日期运行(YYYY-MM-DD),默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        day = date.fromisoformat(options["date"]) if options.get("date") else None
        run = send_reminders(day)
        self.stdout.write(
            f"{run.day}:临期 {run.sent['due_soon']},今日到期 {run.sent['due_today']},"
            f"逾期 {run.sent['overdue']},升级 {run.sent['escalated']}(共 {run.total} 条)"
        )
