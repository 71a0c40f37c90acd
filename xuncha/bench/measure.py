"""The benchmark: each hot operation of the product against its floor, measured in the same run.

- county / province dashboard: registry.compute + by_category + by_place (one shared Tally, as a
  page calls them) for the county's / the province's user, vs baseline.dashboard (hand-written
  SQL, same figures); p95 ≤ 200 ms and ≤ 1.5×;
- ledger page: selectors.ledger_page (county user, status filter, 50 rows + count) vs
  baseline.ledger_page (the scope from the user's role assignments, the page, in SQL);
  p95 ≤ 50 ms and ≤ 1.5×;
- ledger API served: GET /api/v1/ledger under granian (2 workers) vs a bare Django view serving
  the same SQL page for the same bearer token (xuncha.bench.urls), in alternating slices;
  ≥ 50 % of its requests per second;
- Excel export: excel.export_ledger of 100,000 rows vs openpyxl write-only writing the same
  values; ≤ 2× and a peak RSS ≤ 300 MB (each in its own child process);
- problem import: importing.import_problems of 10,000 valid rows (rolled back) vs an openpyxl
  read-only read of the same file; ≤ 3×.

Server time is wall time around the call in this process (a fresh user object each run, so the
scope is worked out each time as in a request); app and baseline runs alternate, after warm-up
runs, so both see the same cache. Nothing here asserts a number: it prints what it measured.
"""

from __future__ import annotations

import io
import json
import math
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Runs per operation and scale: (timed runs, warm-up runs).
RUNS: dict[str, dict[str, tuple[int, int]]] = {
    "province": {"county_dashboard": (30, 3), "province_dashboard": (15, 2), "ledger": (200, 10),
                 "export": (3, 0), "import": (3, 1)},
    "county": {"county_dashboard": (30, 3), "province_dashboard": (15, 2), "ledger": (200, 10),
               "export": (3, 0), "import": (3, 1)},
    "small": {"county_dashboard": (3, 1), "province_dashboard": (3, 1), "ledger": (5, 1),
              "export": (1, 0), "import": (1, 0)},
}
EXPORT_ROWS = {"province": 100_000, "county": 100_000, "small": 2_000}
IMPORT_ROWS = {"province": 10_000, "county": 10_000, "small": 200}
SERVE_SECONDS = {"province": 8.0, "county": 8.0, "small": 1.0}
SERVE_MAX_REQUESTS = 40_000
SERVE_CONCURRENCY = 4
SERVE_SLICES = 4  # the API and the bare view alternate, SERVE_SECONDS / SERVE_SLICES at a time
LEDGER_STATUS = "overdue"
OPERATIONS = ("county_dashboard", "province_dashboard", "ledger", "serve", "export", "import")


@dataclass
class Result:
    operation: str
    n: int
    unit: str  # "ms" or "req/s"
    p50: float
    p95: float
    base_p50: float
    base_p95: float
    ratio: float
    target: str
    passed: bool
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    s = sorted(values)
    if not s:
        return math.nan
    return s[max(0, math.ceil(q * len(s)) - 1)]


def _ms(seconds: Sequence[float]) -> tuple[float, float]:
    return percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000


def alternate(app: Callable[[], Any], base: Callable[[], Any], runs: int, warmup: int,
              prepare: Callable[[], Any] | None = None) -> tuple[list[float], list[float]]:
    """Times ``app`` and ``base`` in turn; ``prepare`` (untimed) runs before each app call."""
    a: list[float] = []
    b: list[float] = []
    for i in range(warmup + runs):
        if prepare:
            prepare()
        t0 = time.perf_counter()
        app()
        t1 = time.perf_counter()
        base()
        t2 = time.perf_counter()
        if i >= warmup:
            a.append(t1 - t0)
            b.append(t2 - t1)
    return a, b


# --- the actors ---------------------------------------------------------------------------------

def fresh_user(username: str) -> Any:
    """The user as a request would load it: no scope worked out yet."""
    from xuncha.accounts.models import User

    return User.objects.select_related("unit").get(username=username)


# --- dashboards -----------------------------------------------------------------------------------

def dashboard_app(user: Any, group: str, use_summary: bool = True) -> dict[str, Any]:
    """What a dashboard page computes: the key figures, the breakdown by category and the
    ranking by place, sharing one Tally as a page does."""
    from xuncha.dashboards import breakdowns, registry
    from xuncha.dashboards.registry import Filters

    f = Filters()
    tally = registry.Tally(user, f, group, use_summary=use_summary)
    return {"figures": registry.compute(user, f, tally=tally),
            "by_category": breakdowns.by_category(user, f, tally=tally),
            "by_place": breakdowns.by_place(user, f, group=group, tally=tally)}


def dashboard_scope(username: str) -> Any:
    from xuncha.accounts.scope import permissions_of
    from xuncha.bench import baseline
    from xuncha.bench.generator import COUNTY_USER

    u = fresh_user(username)
    # The roles that see lead counts (the offices) count the leads of their scope.
    sees_leads = bool({"leads.view_lead", "leads.view_lead_counts"} & permissions_of(u))
    return baseline.Scope(u.unit.county_id if username == COUNTY_USER else None, u.unit_id,
                          sees_leads=sees_leads)


def dashboards_equal(username: str, group: str) -> tuple[bool, str]:
    """The hand-written SQL's figures against the application's, for this user."""
    from xuncha.bench import baseline

    app = dashboard_app(fresh_user(username), group)
    sql = baseline.dashboard(dashboard_scope(username), group)
    diffs = []
    app_figs = baseline.app_figures(app["figures"])
    for k, v in app_figs.items():
        if sql["figures"].get(k) != v:
            diffs.append(f"{k}: app {v} / sql {sql['figures'].get(k)}")
    if app["by_category"] != sql["by_category"]:
        diffs.append("by_category differs")
    if app["by_place"] != sql["by_place"]:
        diffs.append("by_place differs")
    return not diffs, "; ".join(diffs)


def op_dashboard(scale: str, which: str) -> Result:
    from xuncha.bench import baseline
    from xuncha.bench.generator import COUNTY_USER, PROVINCE_USER

    username, group = ((COUNTY_USER, "unit") if which == "county_dashboard"
                       else (PROVINCE_USER, "county"))
    runs, warmup = RUNS[scale][which]
    scope = dashboard_scope(username)
    holder: dict[str, Any] = {}
    notes: list[str] = []
    if which == "province_dashboard":
        # Above county level the page reads the worker's summary (dashboards.summary): refresh it
        # as the worker's job does, and time that job and the live count for the record.
        from xuncha.dashboards import registry, summary

        t0 = time.perf_counter()
        run = summary.refresh()
        notes.append(f"read from the summary table; the worker's refresh took "
                     f"{time.perf_counter() - t0:.1f} s ({run.cells:,} cells, every "
                     f"{summary.REFRESH_MINUTES} min)")
        live = []
        for _i in range(2):
            t0 = time.perf_counter()
            dashboard_app(fresh_user(username), group, use_summary=False)
            live.append(time.perf_counter() - t0)
        notes.append(f"the same counted live, without the summary: {min(live):.2f} s")
        tally = registry.Tally(fresh_user(username), registry.Filters(), group)
        tally.problems()
        if tally.computed_at is None:
            notes.append("SUMMARY NOT USED")

    def prepare() -> None:
        holder["user"] = fresh_user(username)

    a, b = alternate(lambda: dashboard_app(holder["user"], group),
                     lambda: baseline.dashboard(scope, group), runs, warmup, prepare)
    equal, diff = dashboards_equal(username, group)
    notes.insert(0, "figures equal to the SQL" if equal else f"FIGURES DIFFER: {diff}")
    p50, p95, status = page_times(username, "/dashboards/", max(3, runs // 3))
    notes.append(f"the whole page as served in process (GET /dashboards/: every section, the "
                 f"template, the middleware): p50 {_fmt(p50, 'ms')}, p95 {_fmt(p95, 'ms')}"
                 + ("" if status == 200 else f" — STATUS {status}"))
    return _timed_result(which.replace("_", " "), a, b, limit_ms=200, max_ratio=1.5,
                         notes=notes, ok=equal and "SUMMARY NOT USED" not in notes)


def page_times(username: str, path: str, runs: int) -> tuple[float, float, int]:
    """p50 and p95 (ms) of a page requested through Django's test client as ``username``, after
    one warm-up request; and the last status."""
    from django.conf import settings
    from django.test import Client

    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h] or ["127.0.0.1"]
    client = Client(HTTP_HOST=hosts[0].lstrip("."))
    client.force_login(fresh_user(username))
    status = client.get(path).status_code
    times = []
    for _i in range(runs):
        t0 = time.perf_counter()
        status = client.get(path).status_code
        times.append(time.perf_counter() - t0)
    p50, p95 = _ms(times)
    return p50, p95, status


def _timed_result(name: str, a: list[float], b: list[float], *, limit_ms: float | None,
                  max_ratio: float, notes: list[str], ok: bool = True,
                  extra: dict[str, Any] | None = None) -> Result:
    p50, p95 = _ms(a)
    b50, b95 = _ms(b)
    ratio = p95 / b95 if b95 else math.inf
    target = (f"p95 ≤ {limit_ms:g} ms, " if limit_ms is not None else "") + f"≤ {max_ratio:g}×"
    passed = ok and ratio <= max_ratio and (limit_ms is None or p95 <= limit_ms)
    return Result(name, len(a), "ms", p50, p95, b50, b95, ratio, target, passed, notes,
                  extra or {})


# --- the ledger page ------------------------------------------------------------------------------

def _plain(v: Any) -> Any:
    """A value as both readers give it: SQLite's raw cursor returns naive UTC datetimes."""
    from datetime import UTC, datetime

    return v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v


def ledger_equal(username: str, status: str) -> tuple[bool, str]:
    """The hand-written SQL's page against the application's: same total, same rows, same values."""
    from xuncha.bench import baseline
    from xuncha.rectification import selectors

    user = fresh_user(username)
    total, rows = selectors.ledger_page(user=user, f=selectors.LedgerFilter(status=status))
    b_total, b_rows = baseline.ledger_page(user.pk, status)
    fields = (*baseline.LEDGER_COLUMNS, "problem_number", "problem_title")
    app = [tuple(_plain(r[c]) for c in fields) for r in rows]
    sql = [tuple(_plain(v) for v in r) for r in b_rows]
    if total != b_total or app != sql:
        return False, (f"app {total} rows {[r[0] for r in app][:5]} / sql {b_total} "
                       f"{[r[0] for r in sql][:5]}")
    return True, ""


def op_ledger(scale: str) -> Result:
    from xuncha.bench import baseline
    from xuncha.bench.generator import COUNTY_USER
    from xuncha.rectification import selectors

    runs, warmup = RUNS[scale]["ledger"]
    user_id = fresh_user(COUNTY_USER).pk
    f = selectors.LedgerFilter(status=LEDGER_STATUS)
    holder: dict[str, Any] = {}

    def prepare() -> None:
        holder["user"] = fresh_user(COUNTY_USER)

    def app() -> None:
        holder["total"], _rows = selectors.ledger_page(user=holder["user"], f=f)

    a, b = alternate(app, lambda: baseline.ledger_page(user_id, LEDGER_STATUS), runs, warmup,
                     prepare)
    equal, diff = ledger_equal(COUNTY_USER, LEDGER_STATUS)
    note = (f"status={LEDGER_STATUS}, {holder.get('total', 0):,} matching tasks; both work the "
            f"scope out from the user's role assignments; "
            + ("page equal to the SQL" if equal else f"PAGE DIFFERS: {diff}"))
    return _timed_result("ledger page (50 rows + count)", a, b, limit_ms=50, max_ratio=1.5,
                         notes=[note], ok=equal)


# --- served throughput ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(port: int, path: str, headers: dict[str, str], seconds: float, concurrency: int,
         max_requests: int) -> dict[str, Any]:
    """A small, bounded load generator: ``concurrency`` keep-alive connections to 127.0.0.1 for
    ``seconds`` (or ``max_requests`` in all), one request at a time each."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    count = [0]

    def worker() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        try:
            while time.perf_counter() < stop_at:
                with lock:
                    if count[0] >= max_requests:
                        break
                    count[0] += 1
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                mine.append(time.perf_counter() - t0)
                if resp.status != 200:
                    errors.append(f"HTTP {resp.status}")
                    break
        except OSError as exc:
            errors.append(str(exc))
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed,
            "rps": len(latencies) / elapsed if elapsed else 0.0, "latencies": latencies,
            "errors": errors}


class Server:
    """granian, 2 workers, the product's WSGI application with the bench URLs on top."""

    def __init__(self, workers: int = 2):
        from xuncha.cli import granian_command

        self.port = _free_port()
        self.cmd = granian_command(host="127.0.0.1", port=self.port, workers=workers)
        self.cmd += ["--no-access-log", "--log-level", "warning"]
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xuncha.bench.settings", "DEBUG": "0"}
        self.proc = subprocess.Popen(self.cmd, cwd=BASE_DIR, env=env,  # noqa: S603
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"granian exited: {err[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("granian did not start in 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def bench_token(username: str) -> tuple[Any, str]:
    """A personal API token for the bench account, written directly (no audit row)."""
    import secrets

    from xuncha.accounts.models import ApiToken
    from xuncha.accounts.services import TOKEN_PREFIX, token_digest

    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=fresh_user(username), name="bench", prefix=raw[:10],
                                    digest=token_digest(raw))
    return token, raw


def _merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    return {"requests": requests, "seconds": seconds, "rps": requests / seconds if seconds else 0.0,
            "latencies": [x for r in runs for x in r["latencies"]],
            "errors": [e for r in runs for e in r["errors"]]}


def op_serve(scale: str) -> Result:
    from django.conf import settings

    from xuncha.bench.generator import COUNTY_USER

    token, raw = bench_token(COUNTY_USER)
    seconds = SERVE_SECONDS[scale]
    app_path = f"/api/v1/ledger?status={LEDGER_STATUS}"
    # The same token: the bare view checks it and works the scope out in SQL (baseline.token_user,
    # baseline.ledger_page), as the API must.
    bare_path = f"/bench/bare/ledger?status={LEDGER_STATUS}"
    auth = {"Authorization": f"Bearer {raw}"}
    try:
        with Server() as server:
            warm = min(1.0, seconds / 2)
            load(server.port, app_path, auth, warm, SERVE_CONCURRENCY, 2000)
            load(server.port, bare_path, auth, warm, SERVE_CONCURRENCY, 2000)
            # In alternating slices, so that both see the same load from the rest of the machine.
            runs: dict[str, list[dict[str, Any]]] = {"app": [], "bare": []}
            for i in range(SERVE_SLICES):
                order = (("app", app_path), ("bare", bare_path))
                for key, path in order if i % 2 == 0 else order[::-1]:
                    runs[key].append(load(server.port, path, auth, seconds / SERVE_SLICES,
                                          SERVE_CONCURRENCY, SERVE_MAX_REQUESTS // SERVE_SLICES))
            app, bare = _merged(runs["app"]), _merged(runs["bare"])
            hello = load(server.port, "/bench/bare/hello", {}, min(seconds, 3.0),
                         SERVE_CONCURRENCY, SERVE_MAX_REQUESTS)
    finally:
        token.delete()
    ratio = app["rps"] / bare["rps"] if bare["rps"] else 0.0
    p50, p95 = _ms(app["latencies"])
    conn_max_age = (os.environ.get("XUNCHA_BENCH_CONN_MAX_AGE")
                    or settings.DATABASES["default"].get("CONN_MAX_AGE", 0))
    notes = [f"/api/v1/ledger {app['rps']:.0f} req/s vs bare view {bare['rps']:.0f} req/s "
             f"(bare p95 {_ms(bare['latencies'])[1]:.1f} ms); constant JSON view "
             f"{hello['rps']:.0f} req/s; {SERVE_CONCURRENCY} connections, granian 2 workers, "
             f"CONN_MAX_AGE={conn_max_age}"]
    errors = app["errors"] + bare["errors"]
    if errors:
        notes.append("ERRORS: " + "; ".join(sorted(set(errors))[:3]))
    return Result("ledger API served (req/s)", app["requests"], "req/s", app["rps"], app["rps"],
                  bare["rps"], bare["rps"], ratio, "≥ 0.5× bare view", ratio >= 0.5 and not errors,
                  notes, {"latency_p50_ms": p50, "latency_p95_ms": p95, "hello_rps": hello["rps"]})


# --- Excel export (in child processes, for their peak memory) -------------------------------------

def export_queryset(n_rows: int) -> Any:
    """The province user's ledger, narrowed to ``n_rows`` tasks by an id range."""
    from xuncha.bench.generator import PROVINCE_USER
    from xuncha.rectification import selectors

    user = fresh_user(PROVINCE_USER)
    ledger = selectors.ledger_queryset(user=user, f=selectors.LedgerFilter())
    ids = ledger.order_by("id").values_list("id", flat=True)
    lo = ids.first()
    hi = ids[n_rows - 1: n_rows].first() or ids.last()
    return user, ledger.filter(id__gte=lo, id__lte=hi)


class PrivateMemory:
    """Samples the process's private resident memory (RssAnon: heap, SQLite's page cache and
    sorter, openpyxl's buffers) every 10 ms and keeps the peak. Unlike ru_maxrss it leaves out the
    database file's pages mapped by SQLite's mmap, which are the OS page cache, not the export's."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def current_mb() -> float:
        try:
            with open("/proc/self/status") as fh:
                for line in fh:
                    if line.startswith("RssAnon:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.current_mb())
            self._stop.wait(0.01)

    def __enter__(self) -> PrivateMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self.current_mb())


def child_export(kind: str, n_rows: int, runs: int) -> dict[str, Any]:
    """Runs in a child process: the app export or the bare openpyxl write, ``runs`` times."""
    from openpyxl import Workbook

    from xuncha.rectification import excel

    base_rss = PrivateMemory.current_mb()
    times: list[float] = []
    size = rows_written = 0
    user, qs = export_queryset(n_rows)
    values = list(excel.ledger_rows(qs)) if kind == "base" else []
    memory = PrivateMemory().__enter__()
    for _ in range(runs):
        t0 = time.perf_counter()
        if kind == "app":
            with transaction.atomic():  # the export's audit row is not kept: not a real export
                data = excel.export_ledger(user=user, tasks=qs, title="bench")
                transaction.set_rollback(True)
        else:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet(excel.SHEET)
            ws.append(excel.HEADERS)
            for row in values:
                ws.append(row)
            buf = io.BytesIO()
            wb.save(buf)
            data = buf.getvalue()
        times.append(time.perf_counter() - t0)
        size = len(data)
    memory.__exit__()
    rows_written = qs.count()
    return {"times": times, "peak_private_mb": memory.peak_mb,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "start_private_mb": base_rss, "bytes": size, "rows": rows_written}


def _run_child(kind: str, n_rows: int, runs: int) -> dict[str, Any]:
    cmd = [sys.executable, str(BASE_DIR / "manage.py"), "bench", "--child", f"export-{kind}",
           "--child-rows", str(n_rows), "--child-runs", str(runs)]
    env = {**os.environ, "DEBUG": "0"}
    out = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True,  # noqa: S603
                         timeout=1800, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"export child failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def op_export(scale: str) -> Result:
    runs, _warm = RUNS[scale]["export"]
    n_rows = EXPORT_ROWS[scale]
    app = _run_child("app", n_rows, runs)
    base = _run_child("base", n_rows, runs)
    r = _timed_result(f"Excel export ({app['rows']:,} rows)", app["times"], base["times"],
                      limit_ms=None, max_ratio=2.0, notes=[])
    r.target = "≤ 2×, peak ≤ 300 MB"
    r.passed = r.passed and app["peak_private_mb"] <= 300
    r.notes.append(f"peak private memory of the exporting process {app['peak_private_mb']:.0f} MB "
                   f"({app['start_private_mb']:.0f} MB before the export; peak RSS incl. the "
                   f"database pages SQLite maps {app['peak_rss_mb']:.0f} MB; bare write "
                   f"{base['peak_private_mb']:.0f} MB incl. the values held in memory); "
                   f"file {app['bytes'] / 1e6:.1f} MB")
    r.extra["peak_private_mb"] = app["peak_private_mb"]
    r.extra["peak_rss_mb"] = app["peak_rss_mb"]
    return r


# --- problem import -------------------------------------------------------------------------------

def import_file(n_rows: int) -> bytes:
    """A filled-in problem list of ``n_rows`` valid rows, in the import's layout."""
    import random

    from xuncha.core import spreadsheets as xl
    from xuncha.findings import importing
    from xuncha.findings.models import ProblemCategory

    rng = random.Random(7)  # noqa: S311 — a reproducible file, not secrets
    labels = [c.label for c in ProblemCategory.objects.filter(parent__isnull=False)
              .select_related("parent")]
    rows = []
    for i in range(n_rows):
        rows.append((None, rng.choice(labels), f"基准导入问题第{i + 1}条：制度执行不到位",
                     f"经查阅{2020 + i % 5}年会议记录和财务凭证发现，第{i + 1}项事项未按规定履行集体决策程序。",
                     rng.choice(["一般", "较重", "严重"]), None, rng.choice(["是", "否"]),
                     rng.choice(["是", "否"])))
    return xl.write_rows(importing.SHEET, importing.headers(), rows)


def op_import(scale: str) -> Result:
    from openpyxl import load_workbook

    from xuncha.bench.generator import IMPORT_USER
    from xuncha.findings import importing
    from xuncha.inspections.models import Inspection, InspectionStatus, TeamMember

    runs, warmup = RUNS[scale]["import"]
    n_rows = IMPORT_ROWS[scale]
    data = import_file(n_rows)
    importer = fresh_user(IMPORT_USER)
    team_ids = TeamMember.objects.filter(user=importer).values_list("team_id", flat=True)
    inspection = Inspection.objects.filter(team_id__in=team_ids, status=InspectionStatus.ON_SITE,
                                           problems__isnull=True).select_related(
        "round", "unit").first()
    if inspection is None:
        raise RuntimeError("no inspection on site without problems for the importer")
    created = [0]

    def app() -> None:
        with transaction.atomic():  # rolled back: every run imports into the same empty inspection
            res = importing.import_problems(actor=fresh_user(IMPORT_USER), inspection=inspection,
                                            data=data, filename="bench.xlsx")
            created[0] = res.created
            transaction.set_rollback(True)

    def base() -> None:
        wb = load_workbook(io.BytesIO(data), read_only=True)
        for _row in wb[importing.SHEET].iter_rows(values_only=True):
            pass
        wb.close()

    a, b = alternate(app, base, runs, warmup)
    return _timed_result(f"problem import ({n_rows:,} rows)", a, b, limit_ms=None, max_ratio=3.0,
                         notes=[f"{created[0]:,} problems created and validated per run "
                                f"(rolled back); file {len(data) / 1e6:.1f} MB"],
                         ok=created[0] == n_rows)


# --- the run and the table ------------------------------------------------------------------------

def run(scale: str, operations: Sequence[str] = OPERATIONS,
        log: Callable[[str], None] = print) -> list[Result]:
    results: list[Result] = []
    for op in operations:
        log(f"… {op}")
        t0 = time.perf_counter()
        if op in ("county_dashboard", "province_dashboard"):
            r = op_dashboard(scale, op)
        elif op == "ledger":
            r = op_ledger(scale)
        elif op == "serve":
            r = op_serve(scale)
        elif op == "export":
            r = op_export(scale)
        elif op == "import":
            r = op_import(scale)
        else:
            raise ValueError(op)
        log(f"  {time.perf_counter() - t0:.1f}s")
        results.append(r)
    return results


def _fmt(v: float, unit: str) -> str:
    if math.isnan(v):
        return "—"
    if unit == "req/s":
        return f"{v:,.0f}/s"
    if v >= 1000:
        return f"{v / 1000:.2f} s"
    return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def table(results: Sequence[Result], header: str = "") -> str:
    cols = ["operation", "n", "p50", "p95", "baseline p50", "baseline p95", "ratio", "target",
            "result"]
    rows = []
    for r in results:
        ratio = f"{r.ratio:.2f}×" if r.unit == "ms" else f"{r.ratio:.2f}× of bare"
        rows.append([r.operation, f"{r.n:,}", _fmt(r.p50, r.unit), _fmt(r.p95, r.unit),
                     _fmt(r.base_p50, r.unit), _fmt(r.base_p95, r.unit), ratio, r.target,
                     "pass" if r.passed else "FAIL"])
    lines = [header] if header else []
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "|".join("---" for _ in cols) + "|")
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    notes = [f"- {r.operation}: {n}" for r in results for n in r.notes]
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines)


def environment() -> str:
    vendor = connection.vendor
    version = ""
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("select sqlite_version()")
            version = "SQLite " + cur.fetchone()[0]
        elif vendor == "postgresql":
            cur.execute("show server_version")
            version = "PostgreSQL " + cur.fetchone()[0]
    return (f"{version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
            f"{timezone.localdate().isoformat()}")
