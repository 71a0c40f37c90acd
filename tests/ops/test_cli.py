from __future__ import annotations

import socket

import pytest

from xuncha.accounts.models import AdminKind, RoleAssignment, User
from xuncha.cli import main
from xuncha.organisations.models import Unit
from xuncha.organisations.services import set_path

ARGS = [
    "createadmin", "--no-input", "--unit-name", "江城市", "--unit-code", "JC",
    "--system-username", "zhang_sys", "--system-name", "张立新",
    "--system-password", "Sys#Admin2026x",
    "--security-username", "li_sec", "--security-name", "李红梅",
    "--security-password", "Sec#Admin2026y",
    "--auditor-username", "wang_audit", "--auditor-name", "王建国",
    "--auditor-password", "Aud#Admin2026z",
]


def test_createadmin_creates_three_separate_administrators(db, capsys):
    assert main(ARGS) == 0
    root = Unit.objects.get(code="JC")
    assert root.parent is None and root.path == f"/{root.pk}/"
    admins = {a.admin_kind: a.user for a in RoleAssignment.objects.select_related("user")}
    assert set(admins) == {AdminKind.SYSTEM, AdminKind.SECURITY, AdminKind.AUDIT}
    assert len({u.pk for u in admins.values()}) == 3
    for kind, user in admins.items():
        assert user.unit == root
        assert user.must_change_password
        assert RoleAssignment.objects.filter(user=user).count() == 1
        assert RoleAssignment.objects.get(user=user).role.admin_kind == kind
    assert admins[AdminKind.SYSTEM].check_password("Sys#Admin2026x")
    assert "三员" in capsys.readouterr().out


def test_createadmin_refuses_when_administrators_exist(db, capsys):
    assert main(ARGS) == 0
    capsys.readouterr()
    again = [a.replace("zhang_sys", "zhao_sys") for a in ARGS]
    assert main(again) == 1
    assert "已有管理员账号" in capsys.readouterr().err
    assert User.objects.count() == 3


def test_createadmin_refuses_one_password_for_two_administrators(db, capsys):
    same = [a.replace("Aud#Admin2026z", "Sec#Admin2026y") for a in ARGS]
    assert main(same) == 1
    assert "相同的密码" in capsys.readouterr().err
    assert not User.objects.exists()


def test_createadmin_refuses_a_weak_password(db, capsys):
    weak = [a.replace("Aud#Admin2026z", "abc") for a in ARGS]
    assert main(weak) == 1
    assert "wang_audit" in capsys.readouterr().err
    assert not User.objects.exists()


def test_createadmin_uses_the_existing_root_unit(db):
    root = Unit.objects.create(name="江城市", code="JC", kind="city", level=1)
    set_path(root)
    root.save()
    assert main([a for a in ARGS if a not in ("--unit-name", "江城市")]) == 0
    assert User.objects.filter(unit=root).count() == 3
    assert Unit.objects.count() == 1


def test_demo_says_in_chinese_when_the_port_is_busy(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["demo", "--port", str(port)]) == 1
    assert f"端口 {port} 已被占用" in capsys.readouterr().err


def test_demo_refuses_production(monkeypatch, capsys):
    monkeypatch.setenv("XUNCHA_ENV", "production")
    assert main(["demo"]) == 2
    assert "production" in capsys.readouterr().err


def test_verify_audit_reports_a_missing_or_failing_command_as_failure(db, monkeypatch):
    from django.core.management import CommandError

    import xuncha.cli

    def failing(*args, **kwargs):
        raise CommandError("审计日志链在第 3 条断开。")

    monkeypatch.setattr("django.core.management.call_command", failing)
    assert xuncha.cli.main(["verify-audit"]) == 1


def test_unknown_command_is_refused():
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2


def test_verify_audit_exits_with_the_commands_status(db, monkeypatch):
    import xuncha.cli

    def broken(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr("django.core.management.call_command", broken)
    assert xuncha.cli.main(["verify-audit"]) == 1


def test_verify_audit_passes_on_an_intact_chain(db, capsys):
    from xuncha.demo.generator import build_demo

    build_demo(work=False)
    assert main(["verify-audit"]) == 0


SLEEPER = ["-c", "import time; time.sleep(60)"]


def _listening_socket() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


@pytest.fixture
def spawned(monkeypatch):
    """Every process the supervisor starts, to check afterwards that none is left running."""
    import subprocess

    procs: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        p = real_popen(*args, **kwargs)
        procs.append(p)
        return p

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    return procs


def test_supervisor_passes_sigterm_on_and_stops_both_processes(spawned):
    import os
    import signal
    import sys

    from xuncha.cli import supervise

    def on_ready():
        os.kill(os.getpid(), signal.SIGTERM)  # as a service manager would

    with _listening_socket() as s:
        rc = supervise([("a", [sys.executable, *SLEEPER]), ("b", [sys.executable, *SLEEPER])],
                       ready=s.getsockname(), on_ready=on_ready)
    assert rc == 0
    assert len(spawned) == 2
    assert all(p.poll() is not None for p in spawned)


def test_supervisor_stops_the_other_process_when_one_dies(spawned, capsys):
    import sys

    from xuncha.cli import supervise

    with _listening_socket() as s:
        rc = supervise(
            [("网页服务", [sys.executable, "-c", "raise SystemExit(3)"]),
             ("后台任务", [sys.executable, *SLEEPER])],
            ready=s.getsockname(), on_ready=lambda: None,
        )
    assert rc == 1
    assert "网页服务意外退出（退出码 3）" in capsys.readouterr().err
    assert len(spawned) == 2
    assert all(p.poll() is not None for p in spawned)
