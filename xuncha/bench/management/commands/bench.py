"""manage.py bench [--scale province|county|small] [--seed N] [--only op,op] [--generate]

Runs the benchmark (xuncha.bench.measure) against the configured database — SQLite by default,
PostgreSQL when DATABASE_URL points to one — and prints one table: operation, n, p50 and p95,
the baseline measured in the same run, the ratio, the target and pass/fail. The scale comes from
--scale or XUNCHA_BENCH_SCALE (default province). If the database holds no bench data it is
generated first (the database must then be empty of units); bench data of another scale or seed
is refused unless --replace.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.bench import measure
from xuncha.bench.generator import SCALES, find_marker


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the bench loads no URLs it does not serve
    help = "运行性能基准：看板、台账、接口吞吐、导出、导入，与手写 SQL / 裸 openpyxl 对比"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default=os.environ.get("XUNCHA_BENCH_SCALE", "province"),
                            choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--only", default="",
                            help=f"comma-separated subset of {','.join(measure.OPERATIONS)}")
        parser.add_argument("--replace", action="store_true",
                            help="regenerate when the database holds bench data of another scale")
        parser.add_argument("--json", default="", help="also write the results to this file")
        # Internal: the export runs in a child process so that its peak memory is its own.
        parser.add_argument("--child", default="", help="(internal)")
        parser.add_argument("--child-rows", type=int, default=0)
        parser.add_argument("--child-runs", type=int, default=1)

    def handle(self, *args: Any, **opts: Any) -> None:
        # Query logging (DEBUG) would be timed too and grow without bound over the runs.
        settings.DEBUG = False
        if opts["child"]:
            kind = opts["child"].removeprefix("export-")
            out = measure.child_export(kind, opts["child_rows"], opts["child_runs"])
            self.stdout.write(json.dumps(out))
            return
        scale = opts["scale"]
        found = find_marker()
        if found is None or found != (scale, opts["seed"]):
            if found is not None and not opts["replace"]:
                raise CommandError(f"数据库中是 scale={found[0]} seed={found[1]} 的基准数据；"
                                   f"要换成 {scale}/{opts['seed']} 请加 --replace。")
            call_command("bench_data", scale=scale, seed=opts["seed"],
                         replace=found is not None, stdout=self.stdout)
        ops = [o for o in opts["only"].split(",") if o] or list(measure.OPERATIONS)
        unknown = set(ops) - set(measure.OPERATIONS)
        if unknown:
            raise CommandError(f"未知操作 {sorted(unknown)}")
        self.stdout.write(f"基准测试 scale={scale}：{measure.environment()}")
        results = measure.run(scale, ops, log=lambda m: self.stdout.write(m))
        self.stdout.write("")
        self.stdout.write(measure.table(results))
        if opts["json"]:
            with open(opts["json"], "w") as fh:
                json.dump([r.__dict__ for r in results], fh, ensure_ascii=False, indent=1,
                          default=str)
