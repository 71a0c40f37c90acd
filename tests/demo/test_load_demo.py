from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xuncha.accounts.roles import BUILTIN_ROLES
from xuncha.demo import generator
from xuncha.demo.generator import DEMO_PASSWORD, build_demo
from xuncha.organisations.models import Unit


def test_load_demo_prints_summary_and_logins(db, monkeypatch):
    # The tree and the people only: the full build (with the inspection work, about ten seconds)
    # and its logins table are checked once, in test_work.py.
    monkeypatch.setattr(generator, "STEPS", generator.STRUCTURE_STEPS)
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "已装入演示数据" in text
    for username in ("donghu_director", "xishan_director", "jiangcheng_director", "sysadmin",
                     "secadmin", "auditor", "donghu_ducha", "jiangcheng_jiwei"):
        assert username in text
    table = text.split("登录名", 1)[1]
    for role in BUILTIN_ROLES:
        assert f" {role.name} " in table, role.name
    assert DEMO_PASSWORD in text


def test_load_demo_if_empty_skips_a_loaded_database(db):
    build_demo(work=False)
    count = Unit.objects.count()
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Unit.objects.count() == count


def test_load_demo_without_if_empty_refuses_a_loaded_database(db):
    build_demo(work=False)
    with pytest.raises(CommandError, match="已有单位"):
        call_command("load_demo", stdout=StringIO())
