from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xuncha.demo.generator import DEMO_PASSWORD
from xuncha.organisations.models import Unit


def test_load_demo_prints_summary_and_logins(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "已装入演示数据" in text
    for username in ("donghu_director", "xishan_director", "jiangcheng_director", "sysadmin",
                     "secadmin", "auditor", "donghu_ducha"):
        assert username in text
    assert DEMO_PASSWORD in text


def test_load_demo_if_empty_skips_a_loaded_database(db):
    call_command("load_demo", stdout=StringIO())
    count = Unit.objects.count()
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Unit.objects.count() == count


def test_load_demo_without_if_empty_refuses_a_loaded_database(db):
    call_command("load_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="已有单位"):
        call_command("load_demo", stdout=StringIO())
