"""The ``xuncha`` command: demo, serve, worker, createadmin, verify-audit and manage.

Thin by rule (style.md 11): it parses arguments, calls a service or a management command, prints a
summary. The only logic of its own is looking after the two processes of ``xuncha demo``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SETTINGS = "xuncha.settings"
BASE_DIR = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def _require_migrated() -> bool:
    from django.db import connection

    if "accounts_user" not in connection.introspection.table_names():
        print("数据库尚未初始化：请先运行 xuncha manage migrate。", file=sys.stderr)
        return False
    return True


# --- processes ------------------------------------------------------------------------------

def granian_command(*, host: str, port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host,
            "--port", str(port), "--workers", str(workers), "xuncha.wsgi:application"]


def worker_command(extra: Sequence[str] = ()) -> list[str]:
    args = list(extra)
    if not any(a.startswith("--queue-name") for a in args):
        args = ["--queue-name", "*", *args]  # every queue: the product's tasks use more than one
    return [sys.executable, "-m", "django", "db_worker", *args]


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # SO_REUSEADDR: a port left in TIME_WAIT by the last demo is free, a listening one is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(procs: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _label, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for label, p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{label}未能及时停止，强制结束。", file=sys.stderr)
            os.killpg(p.pid, signal.SIGKILL)  # its own session: takes its children too
            p.wait()


def supervise(commands: Sequence[tuple[str, list[str]]], *, ready: tuple[str, int],
              on_ready: Callable[[], None]) -> int:
    """Runs the processes side by side until Ctrl-C or SIGTERM, which it passes on to each.

    The children get their own session, so a Ctrl-C in the terminal reaches them once, from here,
    and not twice (the task worker treats a second signal as "abort the running task").
    """
    received: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        received.append(signum)

    # SIGHUP too: the children are in their own session, a closed terminal would not reach them.
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, on_signal) for s in stop_signals}
    procs: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for label, cmd in commands:
            # Our own fixed commands (this interpreter, granian, db_worker), no shell.
            proc = subprocess.Popen(cmd, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
            procs.append((label, proc))
        announced = False
        deadline = time.monotonic() + READY_TIMEOUT
        while not received:
            dead = [(label, p.returncode) for label, p in procs if p.poll() is not None]
            if dead:
                for label, code in dead:
                    print(f"{label}意外退出（退出码 {code}），正在停止其余进程。", file=sys.stderr)
                return 1
            if not announced:
                if _port_open(*ready):
                    on_ready()
                    announced = True
                elif time.monotonic() > deadline:
                    print(f"网页服务 {READY_TIMEOUT:.0f} 秒内未就绪，正在停止。", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        print("\n正在停止网页服务和后台任务…", flush=True)
        return 0
    finally:
        _stop(procs)
        for s, handler in previous.items():
            signal.signal(s, handler)


# --- commands -------------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    if os.environ.get("XUNCHA_ENV") == "production":
        print("演示模式不能在 XUNCHA_ENV=production 下运行。", file=sys.stderr)
        return 2
    if not port_free(args.host, args.port):
        print(f"端口 {args.port} 已被占用：可能已有一个 xuncha 演示或其他程序在运行。"
              f"请先停止它，或用 --port 指定其他端口。", file=sys.stderr)
        return 1
    # The demo accounts keep their password: rotation is off unless asked for.
    os.environ.setdefault("XUNCHA_PASSWORD_MAX_AGE_DAYS", "0")
    _setup()
    from django.core.management import call_command
    from django.db import connections

    from xuncha.demo.generator import build_demo
    from xuncha.demo.logins import logins_report
    from xuncha.organisations.models import Unit

    print("正在准备数据库…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if Unit.objects.exists():
        print("数据库中已有数据，沿用现有数据。")
    else:
        print("正在装入演示数据…", flush=True)
        print(build_demo(seed=args.seed).describe())
    report = logins_report()
    connections.close_all()

    url = f"http://{args.host}:{args.port}/"

    def announce() -> None:
        print(f"\n巡察整改平台演示已启动：{url}\n\n{report}\n\n按 Ctrl-C 停止。", flush=True)

    return supervise(
        [("网页服务", granian_command(host=args.host, port=args.port, workers=1)),
         ("后台任务", worker_command(["--no-reload"]))],
        ready=(args.host, args.port), on_ready=announce,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    cmd = granian_command(host=args.host, port=args.port, workers=args.workers)
    os.chdir(BASE_DIR)
    os.execv(cmd[0], cmd)  # noqa: S606 — granian takes over this process; signals reach it


def cmd_worker(rest: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    cmd = worker_command(rest)
    os.execv(cmd[0], cmd)  # noqa: S606 — the worker takes over this process


def cmd_manage(rest: Sequence[str]) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xuncha manage", *rest])
    return 0


def cmd_verify_audit(rest: Sequence[str]) -> int:
    _setup()
    from django.core.management import CommandError, call_command

    try:
        call_command("verify_audit", *rest)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.returncode or 1
    except SystemExit as exc:  # the command exits 1 itself when the chain is broken
        return exc.code if isinstance(exc.code, int) else 1
    return 0


# Role code → (option prefix, default login name, label); the same order as bootstrap.ADMIN_ROLES.
ADMIN_LABELS = {"system_admin": ("system", "sysadmin", "系统管理员"),
                "security_admin": ("security", "secadmin", "安全管理员"),
                "auditor": ("auditor", "auditor", "安全审计员")}


def _ask(prompt: str, default: str) -> str:
    answer = input(f"{prompt}" + (f" [{default}]" if default else "") + ":").strip()
    return answer or default


def _ask_password(label: str, username: str, name: str) -> str:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from xuncha.accounts.models import User

    while True:
        first = getpass.getpass(f"{label}密码：")
        if first != getpass.getpass(f"再次输入{label}密码："):
            print("两次输入不一致，请重新输入。")
            continue
        try:
            validate_password(first, User(username=username, name=name))
        except ValidationError as exc:
            print(" ".join(exc.messages))
            continue
        return first


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup()
    if not _require_migrated():
        return 1
    from xuncha.core.errors import ValidationFailed
    from xuncha.demo.bootstrap import ADMIN_ROLES, AdminSpec, existing_admins, first_admins_create
    from xuncha.organisations.models import Unit

    held = existing_admins()
    if held:
        print("已有管理员账号（" + "、".join(u.username for u in held) + "），不再创建。"
              "此后的账号由系统管理员在系统中创建。", file=sys.stderr)
        return 1
    interactive = not args.no_input
    root_name, root_code = args.unit_name, args.unit_code
    if interactive and not Unit.objects.exists():
        print("系统中还没有单位，先建立顶级单位（市或省）。")
        root_name = _ask("顶级单位名称", root_name)
        root_code = _ask("顶级单位代码", root_code)
    specs = []
    for role in ADMIN_ROLES:
        key, default_user, label = ADMIN_LABELS[role]
        username = getattr(args, f"{key}_username") or default_user
        name = getattr(args, f"{key}_name") or ""
        password = (getattr(args, f"{key}_password")
                    or os.environ.get(f"XUNCHA_{key.upper()}_PASSWORD", ""))
        if interactive:
            print(f"— {label} —")
            username = _ask("登录名", username)
            name = _ask("姓名", name or label)
            if not password:
                password = _ask_password(label, username, name)
        if not password:
            print(f"请用 --{key}-password 或环境变量 XUNCHA_{key.upper()}_PASSWORD "
                  f"给出{label}的初始密码。", file=sys.stderr)
            return 1
        specs.append(AdminSpec(role=role, username=username, name=name or label,
                               password=password, post=label))
    try:
        unit, users = first_admins_create(specs=specs, root_name=root_name, root_code=root_code)
    except ValidationFailed as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"已在“{unit.name}”创建三员账号（三员分立，各持一个管理员角色，首次登录须修改密码）：")
    for spec, user in zip(sorted(specs, key=lambda s: ADMIN_ROLES.index(s.role)), users,
                          strict=True):
        print(f"  {user.username}\t{user.name}\t{ADMIN_LABELS[spec.role][2]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xuncha", description="巡察整改平台命令行工具")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("demo", help="演示：迁移数据库、装入演示数据、启动网页服务和后台任务")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--seed", type=int, default=2026, help="演示数据的随机种子")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="用 granian 提供网页服务（生产）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_serve)

    sub.add_parser("worker", help="运行后台任务进程（db_worker），其余参数原样传给它",
                   add_help=False)

    p = sub.add_parser("createadmin", help="创建首批三员账号：系统管理员、安全管理员、安全审计员")
    p.add_argument("--unit-name", default="", help="顶级单位名称（系统中还没有单位时新建）")
    p.add_argument("--unit-code", default="", help="顶级单位代码；已有单位时用它指明所在单位")
    for key, default_user, label in ADMIN_LABELS.values():
        p.add_argument(f"--{key}-username", default="", help=f"{label}登录名（默认 {default_user}）")
        p.add_argument(f"--{key}-name", default="", help=f"{label}姓名")
        p.add_argument(f"--{key}-password", default="",
                       help=f"{label}初始密码（也可用环境变量 XUNCHA_{key.upper()}_PASSWORD）")
    p.add_argument("--no-input", action="store_true", help="不提问，缺少的值用默认值或报错")
    p.set_defaults(func=cmd_createadmin)

    sub.add_parser("verify-audit", add_help=False,
                   help="核验审计日志链的完整性（manage.py verify_audit），参数原样传给它")

    sub.add_parser("manage", help="执行任意 manage.py 命令，例如 xuncha manage migrate",
                   add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Pass-through commands hand every later argument, --help included, to Django.
    if args_list and args_list[0] == "manage":
        return cmd_manage(args_list[1:])
    if args_list and args_list[0] == "worker":
        return cmd_worker(args_list[1:])
    if args_list and args_list[0] == "verify-audit":
        return cmd_verify_audit(args_list[1:])
    args = build_parser().parse_args(args_list)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
