"""manage.py load_demo — loads the fictional 江城市 into an empty database and prints the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.demo.generator import DemoError, build_demo
from xuncha.demo.logins import logins_report
from xuncha.organisations.models import Unit


class Command(BaseCommand):
    help = "装入演示数据（虚构的江城市及其县区、单位、届次和各角色账号）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--scale", type=int, default=1,
                            help="规模倍数：县区数 = 2 × scale（默认 1）")
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有单位时跳过，不报错")

    def handle(self, *args: Any, seed: int, scale: int, if_empty: bool, **options: Any) -> None:
        if if_empty and Unit.objects.exists():
            self.stdout.write("数据库中已有单位数据，跳过演示数据。")
        else:
            try:
                s = build_demo(seed=seed, scale=scale)
            except DemoError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(s.describe())
        self.stdout.write("")
        self.stdout.write(logins_report())

