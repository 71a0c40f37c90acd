from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from xuncha.core.schedule import run_due


class Command(BaseCommand):
    help = "定时任务调度:每天按时把提醒等任务放入后台队列(由 xuncha worker 一并启动)。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=int, default=60, help="检查间隔(秒)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for key in run_due():
                self.stdout.write(f"已排队:{key}")
            if options["once"]:
                return
            time.sleep(options["interval"])
