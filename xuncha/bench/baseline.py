"""The hand-written SQL the benchmark compares the application with.

Each function returns the *same* figures as the application code it stands for — the smoke test
checks that they are equal on the small data set — but straight from SQL: no scope machinery, no
ORM, no serialisation. The scope is given as it is known to the caller: one county (its id) or the
whole province (``county_id=None``: every row in the database hangs under the province's root).
The ledger page works it out from the user's role assignments, in SQL, as the application does.
"""

# ruff: noqa: S608 — table and column names are constants of this module, values are parameters
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

FED_BACK = ("rectifying", "evaluating", "archived")
IN_FED_BACK = "('rectifying', 'evaluating', 'archived')"

T_PROBLEM = "findings_problem"
T_INSP = "inspections_inspection"
T_TASK = "rectification_rectificationtask"
T_PLAN = "rectification_rectificationplan"
T_UNIT = "organisations_unit"
T_CAT = "findings_problemcategory"


@dataclass(frozen=True)
class Scope:
    county_id: int | None  # None: the whole province
    user_unit_id: int  # recommendations addressed to the user's own unit are visible too
    sees_leads: bool = False


def _rate(n: int, d: int) -> Decimal | None:
    if not d:
        return None
    return (Decimal(100 * n) / Decimal(d)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rate2(n: int, d: int) -> float | None:
    return round(100 * n / d, 2) if d else None


def local_date_sql(column: str) -> str:
    """The local calendar date of a stored UTC datetime, in SQL (Django's ``__date``)."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"
    offset = ZoneInfo(settings.TIME_ZONE).utcoffset(timezone.now().replace(tzinfo=None))
    seconds = int(offset.total_seconds()) if offset else 0
    return f"date({column}, '{seconds:+d} seconds')"


def _where(scope: Scope, alias: str, first: bool = False) -> tuple[str, list[Any]]:
    if scope.county_id is None:
        return "", []
    return f"{'WHERE' if first else 'AND'} {alias}.county_id = %s", [scope.county_id]


def dashboard(scope: Scope, group: str, today: date | None = None) -> dict[str, Any]:
    """Every key figure of ``registry.compute`` plus ``by_category`` and ``by_place`` (per unit
    for a county, per county for the province)."""
    today = today or timezone.localdate()
    place = "unit_id" if group == "unit" else "county_id"
    w_p, a_p = _where(scope, "p")
    w_t, a_t = _where(scope, "t")
    w_t1, a_t1 = _where(scope, "t", first=True)
    with connection.cursor() as cur:
        # Problems: found / fed back / rectified, by place and category, in one pass. Rectified =
        # fed back, has a task, and not among the problems that still have an open task (the
        # partial index on open tasks answers that set).
        cur.execute(f"""
            SELECT p.{place}, COALESCE(c.parent_id, c.id), count(*),
                   sum(CASE WHEN i.status IN {IN_FED_BACK} THEN 1 ELSE 0 END),
                   sum(CASE WHEN i.status IN {IN_FED_BACK}
                             AND p.id NOT IN (SELECT t.problem_id FROM {T_TASK} t
                                              WHERE NOT (t.status = 'closed') {w_t})
                             AND EXISTS (SELECT 1 FROM {T_TASK} t2 WHERE t2.problem_id = p.id)
                            THEN 1 ELSE 0 END)
            FROM {T_PROBLEM} p JOIN {T_INSP} i ON i.id = p.inspection_id
            JOIN {T_CAT} c ON c.id = p.category_id
            WHERE p.state = 'active' {w_p}
            GROUP BY p.{place}, COALESCE(c.parent_id, c.id)""", [*a_t, *a_p])
        groups = cur.fetchall()
        cur.execute(f"SELECT id, name FROM {T_CAT}")
        category_name = dict(cur.fetchall())
        # Task figures count the ledger: tasks of approved plans.
        approved = f"JOIN {T_PLAN} pl ON pl.id = t.plan_id AND pl.status = 'approved'"
        cur.execute(f"""
            SELECT t.{place}, count(*) FROM {T_TASK} t {approved}
            WHERE NOT (t.status = 'closed') AND t.deadline < %s {w_t} GROUP BY t.{place}""",
                    [today, *a_t])
        late = dict(cur.fetchall())
        cur.execute(f"""
            SELECT count(*), sum(CASE WHEN t.deadline IS NOT NULL
                                       AND {local_date_sql('t.closed_at')} <= t.deadline
                                      THEN 1 ELSE 0 END)
            FROM {T_TASK} t {approved} WHERE t.status = 'closed' {w_t}""", a_t)
        n_closed, n_on_time = cur.fetchone()
        w_u, a_u = ("", []) if scope.county_id is None else ("WHERE county_id = %s", [scope.county_id])
        cur.execute(f"SELECT count(*) FROM outcomes_institution {w_u}", a_u)
        institutions = cur.fetchone()[0]
        cur.execute(f"SELECT sum(amount) FROM outcomes_fundsrecovery {w_u}", a_u)
        funds = cur.fetchone()[0]
        w_a = "" if scope.county_id is None else "AND county_id = %s"
        cur.execute(f"SELECT count(*) FROM outcomes_accountabilityrecord "
                    f"WHERE is_organisation = %s {w_a}", [False, *a_u])
        people = cur.fetchone()[0]
        if scope.county_id is None:
            cur.execute("SELECT count(*) FROM findings_recommendation")
        else:
            cur.execute(f"""
                SELECT count(*) FROM findings_recommendation r
                JOIN {T_INSP} i ON i.id = r.inspection_id JOIN {T_UNIT} u ON u.id = i.unit_id
                WHERE u.county_id = %s
                   OR (r.department_id = %s AND r.status IN ('sent', 'answered', 'done'))""",
                        [scope.county_id, scope.user_unit_id])
        recommendations = cur.fetchone()[0]
        if scope.county_id is None:
            cur.execute("SELECT count(*) FROM evaluation_evaluation WHERE status = 'reported'")
        else:
            cur.execute(f"""SELECT count(*) FROM evaluation_evaluation e JOIN {T_UNIT} u
                            ON u.id = e.unit_id WHERE e.status = 'reported' AND u.county_id = %s""",
                        [scope.county_id])
        evaluations = cur.fetchone()[0]
        leads = [0, 0, 0, 0]
        if scope.sees_leads:
            cur.execute(f"""
                SELECT count(*), sum(CASE WHEN stage <> 'registered' THEN 1 ELSE 0 END),
                       sum(CASE WHEN stage IN ('closed', 'concluded') AND case_filed_at IS NOT NULL
                                THEN 1 ELSE 0 END),
                       sum(CASE WHEN stage IN ('closed', 'concluded') THEN 1 ELSE 0 END)
                FROM leads_lead t {w_t1}""", a_t1)
            leads = [v or 0 for v in cur.fetchone()]
        # Place names, for the rows shown.
        places = sorted({g[0] for g in groups})
        names: dict[int, str] = {}
        if places:
            cur.execute(f"SELECT id, name FROM {T_UNIT} WHERE id IN ({', '.join(['%s'] * len(places))})",
                        places)
            names = dict(cur.fetchall())
    found = fed = done = 0
    by_cat: dict[int, list[int]] = {}
    by_place: dict[int, list[int]] = {}
    for pl, cat, n_found, n_fed, n_done in groups:
        n_fed, n_done = n_fed or 0, n_done or 0
        found += n_found
        fed += n_fed
        done += n_done
        if n_fed:
            c = by_cat.setdefault(cat, [0, 0])
            c[0] += n_fed
            c[1] += n_done
            pr = by_place.setdefault(pl, [0, 0])
            pr[0] += n_fed
            pr[1] += n_done
    n_closed, n_on_time = n_closed or 0, n_on_time or 0
    figures = {
        "problems_found": found, "problems_fed_back": fed, "problems_rectified": done,
        "rectification_rate": (done, fed, _rate(done, fed)),
        "tasks_overdue": sum(late.values()),
        "on_time_rate": (n_on_time, n_closed, _rate(n_on_time, n_closed)),
        "leads_registered": leads[0], "leads_transferred": leads[1],
        "case_rate": (leads[2], leads[3], _rate(leads[2], leads[3])),
        "recommendations": recommendations, "institutions": institutions,
        "funds_recovered": Decimal(funds or 0).quantize(Decimal("0.01")),
        "people_held_accountable": people, "evaluations": evaluations,
    }
    categories = sorted(({"id": k, "category": category_name.get(k, ""), "fed_back": v[0],
                          "rectified": v[1], "rate": _rate2(v[1], v[0])} for k, v in by_cat.items()),
                        key=lambda r: (-r["fed_back"], r["category"], r["id"]))
    rows = [{"id": k, "name": names.get(k), "fed_back": v[0], "rectified": v[1],
             "rate": _rate2(v[1], v[0]), "overdue": late.get(k, 0)} for k, v in by_place.items()]
    rows.sort(key=lambda r: (-(r["rate"] or 0), r["overdue"], r["name"] or "", r["id"] or 0))
    return {"figures": figures, "by_category": categories, "by_place": rows}


def app_figures(computed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``registry.compute``'s output in the shape of ``dashboard()['figures']``."""
    out: dict[str, Any] = {}
    for key, f in computed.items():
        if f["denominator"] is not None:
            out[key] = (f["numerator"], f["denominator"], f["percent"])
        elif key == "funds_recovered":
            out[key] = Decimal(f["numerator"]).quantize(Decimal("0.01"))
        else:
            out[key] = f["numerator"]
    return out


# --- the ledger page ------------------------------------------------------------------------------

LEDGER_COLUMNS = ("id", "plan_id", "unit_id", "problem_id", "number", "measure", "kind", "deadline",
                  "responsible_leader", "responsible_person", "responsible_department",
                  "responsible_user_id", "expected_evidence", "status", "progress", "is_relapse",
                  "closed_at", "version")


def status_sql(status: str, today: date) -> tuple[str, list[Any]]:
    """The ledger's status filter (selectors.ledger_queryset) in SQL."""
    # NOT (status = 'closed') — the very expression of the partial index on open tasks, which
    # SQLite only uses when the query repeats it (``status <> 'closed'`` does not match).
    if status == "overdue":
        return "NOT (t.status = 'closed') AND t.deadline < %s", [today]
    if status == "due_soon":
        return ("NOT (t.status = 'closed') AND t.deadline >= %s AND t.deadline <= %s",
                [today, today + timedelta(days=7)])
    if status == "open":
        return "NOT (t.status = 'closed')", []
    if status:
        return "t.status = %s", [status]
    return "1 = 1", []


T_ASSIGN = "accounts_roleassignment"
LEDGER_PERM = ("rectification", "view_rectificationtask")


def ledger_scope_sql(cur: Any, user_id: int) -> tuple[str, list[Any]] | None:
    """The user's scope over the ledger as a SQL condition on ``t`` (the tasks), worked out in SQL
    as the application does: the role assignments whose role grants "view tasks", each anchored at
    its anchor or else the user's unit, unioned. ``None``: the user sees no task.

    Written with what a hand-writer knows of the schema: a subtree rooted at a county is exactly
    the rows whose ``county_id`` copy is that county (the application keeps the path condition
    next to that county hint)."""
    cur.execute(f"""
        SELECT a.id, r.data_scope,
               CASE WHEN a.anchor_id IS NULL THEN uu.id ELSE an.id END,
               CASE WHEN a.anchor_id IS NULL THEN uu.path ELSE an.path END,
               CASE WHEN a.anchor_id IS NULL THEN uu.county_id ELSE an.county_id END
        FROM {T_ASSIGN} a
        JOIN accounts_user u ON u.id = a.user_id AND u.is_active
        JOIN {T_UNIT} uu ON uu.id = u.unit_id
        LEFT JOIN {T_UNIT} an ON an.id = a.anchor_id
        JOIN accounts_role r ON r.id = a.role_id
        JOIN accounts_role_permissions rp ON rp.role_id = r.id
        JOIN auth_permission p ON p.id = rp.permission_id AND p.codename = %s
        JOIN django_content_type ct ON ct.id = p.content_type_id AND ct.app_label = %s
        WHERE a.user_id = %s""", [LEDGER_PERM[1], LEDGER_PERM[0], user_id])
    parts: list[str] = []
    args: list[Any] = []
    custom: list[int] = []
    for assignment_id, data_scope, anchor_id, path, county_id in cur.fetchall():
        if data_scope == "all":
            return "1 = 1", []
        if data_scope == "subtree" and county_id == anchor_id:
            parts.append("t.county_id = %s")
            args.append(county_id)
        elif data_scope == "subtree":
            from xuncha.core.tree import path_upper_bound

            parts.append(f"t.unit_id IN (SELECT id FROM {T_UNIT} WHERE path >= %s AND path < %s)")
            args += [path, path_upper_bound(path)]
        elif data_scope == "unit":
            parts.append("t.unit_id = %s")
            args.append(anchor_id)
        elif data_scope == "self":
            parts.append("t.responsible_user_id = %s")
            args.append(user_id)
        elif data_scope == "custom":
            custom.append(assignment_id)
    if custom:
        cur.execute(f"SELECT unit_id FROM {T_ASSIGN}_custom_units WHERE roleassignment_id IN "
                    f"({', '.join(['%s'] * len(custom))})", custom)
        units = [r[0] for r in cur.fetchall()]
        if units:
            parts.append(f"t.unit_id IN ({', '.join(['%s'] * len(units))})")
            args += units
    if not parts:
        return None
    return "(" + " OR ".join(parts) + ")", args


def ledger_page(user_id: int, status: str, offset: int = 0, limit: int = 50,
                today: date | None = None) -> tuple[int, list[tuple[Any, ...]]]:
    """The total and one page (ordered by deadline, then id) of the ledger ``user_id`` sees — the
    tasks of approved plans in their scope: the scope from their role assignments, the ids of the
    page with the total in one pass (``COUNT(*) OVER ()``, as the application counts), then those
    rows with their problem's number and title."""
    today = today or timezone.localdate()
    cond, args = status_sql(status, today)
    with connection.cursor() as cur:
        scope = ledger_scope_sql(cur, user_id)
        if scope is None:
            return 0, []
        where, scope_args = scope
        ledger = (f"FROM {T_TASK} t JOIN {T_PLAN} pl ON pl.id = t.plan_id AND pl.status = 'approved' "
                  f"WHERE {where} AND {cond}")
        cur.execute(f"SELECT t.id, count(*) OVER () {ledger} ORDER BY t.deadline, t.id "
                    f"LIMIT %s OFFSET %s", [*scope_args, *args, limit, offset])
        page = cur.fetchall()
        ids = [r[0] for r in page]
        if page:
            total = page[0][1]
        elif offset:
            cur.execute(f"SELECT count(*) {ledger}", [*scope_args, *args])
            total = cur.fetchone()[0]
        else:
            total = 0
        rows: list[tuple[Any, ...]] = []
        if ids:
            cols = ", ".join(f"t.{c}" for c in LEDGER_COLUMNS)
            cur.execute(f"SELECT {cols}, p.number, p.title FROM {T_TASK} t "
                        f"JOIN {T_PROBLEM} p ON p.id = t.problem_id "
                        f"WHERE t.id IN ({', '.join(['%s'] * len(ids))})", ids)
            by_id = {r[0]: r for r in cur.fetchall()}
            rows = [by_id[i] for i in ids if i in by_id]
    return total, rows


def token_user(raw: str) -> int | None:
    """The user of a personal API token, checked as the API checks it (digest, not revoked, not
    expired, active account, no pending password change, an administrator's second factor), in
    one query."""
    from datetime import UTC

    from xuncha.accounts.security import password_age_limit
    from xuncha.accounts.services import TOKEN_PREFIX, token_digest

    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("""
            SELECT u.id, u.password_changed_at, u.date_joined,
                   EXISTS (SELECT 1 FROM accounts_roleassignment a
                           WHERE a.user_id = u.id AND a.admin_kind <> ''),
                   EXISTS (SELECT 1 FROM otp_totp_totpdevice d
                           WHERE d.user_id = u.id AND d.confirmed)
            FROM accounts_apitoken k JOIN accounts_user u ON u.id = k.user_id
            WHERE k.digest = %s AND k.revoked_at IS NULL
              AND (k.expires_at IS NULL OR k.expires_at > %s)
              AND u.is_active AND NOT u.must_change_password""",
                    [token_digest(raw), connection.ops.adapt_datetimefield_value(now)])
        found = cur.fetchone()
    if found is None:
        return None
    user_id, changed_at, joined, admin, device = found
    since = changed_at or joined
    limit = password_age_limit()
    if limit is not None and since is not None:
        since = since if timezone.is_aware(since) else since.replace(tzinfo=UTC)
        if now >= since + limit:
            return None
    if admin and not device and getattr(settings, "XUNCHA_REQUIRE_2FA_FOR_ADMINS", False):
        return None
    return user_id
