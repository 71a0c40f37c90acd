"""manage.py bench_data --scale province|county|small --seed N [--today YYYY-MM-DD] [--replace]

Writes the bench data set (xuncha.bench.generator) into the configured database, which must be
empty of units (``make bench`` uses its own SQLite file under var/bench/). No audit rows are
written: bench data is not a real history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.bench.generator import SCALES, BenchDataError, find_marker, generate


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the bench loads no URLs it does not serve
    help = "生成基准测试数据（省级规模：50,000 个单位、500,000 个问题、1,250,000 项任务……）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="province", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="the date the data is generated around (default: today)")
        parser.add_argument("--replace", action="store_true",
                            help="empty the database first (manage.py flush) — never on real data")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["replace"]:
            found = find_marker()
            from xuncha.organisations.models import Unit

            if Unit.objects.exists() and found is None:
                raise CommandError("数据库中的数据不是基准数据，拒绝清空。")
            self.stdout.write("清空数据库…")
            call_command("flush", interactive=False, verbosity=0)
            from xuncha.findings.categories import ensure_default_categories
            from xuncha.findings.models import ProblemCategory

            ensure_default_categories(ProblemCategory)
        self.stdout.write(f"生成基准数据 scale={opts['scale']} seed={opts['seed']}…")
        try:
            summary = generate(opts["scale"], opts["seed"], opts["today"],
                               log=lambda m: self.stdout.write(m))
        except BenchDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.describe())
