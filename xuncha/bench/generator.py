"""Bench data: a whole province, written in bulk into the real tables.

``generate(scale="province", seed=1)`` builds 10 cities × 12 counties (≈ 50,000 units, the largest
county ≈ 1,500), 20,000 people with role assignments, one term and ten rounds per county with their
teams and inspections at every stage (筹备 … 归档), 500,000 problems, an approved rectification plan
for every inspection in 整改 or later, 1,250,000 tasks and 5,000,000 progress reports, plus
institutions, funds, accountability records and recommendations in proportion. ``county`` is a
tenth of that; ``small`` runs in seconds and is what the tests use.

How it writes: ids are assigned here, rows are streamed in chunks through ``executemany`` on
SQLite (journal off during the load, WAL again afterwards) and ``COPY`` on PostgreSQL, the
secondary indexes of the three big tables are dropped for the load and rebuilt after it, and the
database is analysed at the end. Nothing goes through the services, so **no audit rows are
written: bench data is not a real history** and must never be loaded into a production database.

The values are the product's own (TaskStatus, InspectionStatus, ProblemState, unit paths and
county ids, deadlines, closed_at), so the figures read them exactly as they read real data. The
distributions are meant to look like a province two years into rectification: most tasks closed,
about one in ten open, a part of those overdue and a few due within the week; categories skewed
towards 作风建设 and 主体责任; a few counties three times the size of the average.

Everything is drawn from ``random.Random(seed)`` relative to ``today``: the same seed, scale and
date give the same rows.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.models import Max, Model
from django.utils import timezone

from xuncha.accounts.models import ApiToken, Role, RoleAssignment, User
from xuncha.findings.models import Problem, ProblemCategory, Recommendation
from xuncha.inspections.models import (
    CoveragePlan,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    Team,
    TeamMember,
)
from xuncha.organisations.models import KIND_LEVEL, Term, Unit, UnitFunction, UnitKind
from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution
from xuncha.rectification.models import (
    PlanStatus,
    ProgressReport,
    RectificationPlan,
    RectificationTask,
    TaskStatus,
)

MARKER = "BENCH-"  # the province root's code: BENCH-<scale>-<seed>
PASSWORD = "Bench@2026pass"  # every bench account; bench data is never production data
# Accounts the benchmark acts as.
COUNTY_USER = "bench-county"  # 巡察办 of the largest county, scope: that county
PROVINCE_USER = "bench-province"  # provincial office, scope: the province
CITY_USER = "bench-city"  # the first city's office
IMPORT_USER = "bench-importer"  # leader of the team on site at the import inspection


@dataclass(frozen=True)
class Scale:
    name: str
    cities: int
    counties_per_city: int
    units: int  # units in the counties, approximately
    largest: int  # units of the largest county
    problems: int
    tasks: int
    reports: int
    users: int
    rounds: int = 10
    teams_per_round: int = 4

    @property
    def counties(self) -> int:
        return self.cities * self.counties_per_city


SCALES: dict[str, Scale] = {
    "province": Scale("province", 10, 12, 50_000, 1_500, 500_000, 1_250_000, 5_000_000, 20_000),
    "county": Scale("county", 1, 4, 5_000, 1_500, 50_000, 125_000, 500_000, 2_000),
    "small": Scale("small", 1, 3, 240, 120, 1_200, 3_000, 12_000, 150, rounds=5,
                   teams_per_round=2),
}

# --- names ------------------------------------------------------------------------------------

PROVINCE_NAME = "云江省"
CITY_NAMES = ["江城", "云州", "临川", "青阳", "北湖", "南屏", "安平", "松原", "清河", "白石",
              "金沙", "玉泉"]
NAME_FIRST = "东西南北中上下新永安宁平清长龙凤金石柳桃云青白黄红丰富兴华鹤"
NAME_SECOND = "湖山江河川阳陵林溪原城州泉峰岭桥口坪岗塘亭"
COUNTY_OFFICES = [  # slug, name, function
    ("xuncha", "县委巡察办", UnitFunction.INSPECTION_OFFICE),
    ("jiwei", "县纪委监委", UnitFunction.DISCIPLINE),
    ("zuzhi", "县委组织部", UnitFunction.ORGANISATION),
    ("ducha", "县委督查室", UnitFunction.SUPERVISION),
    ("xwb", "县委办公室", UnitFunction.NONE),
    ("xcb", "县委宣传部", UnitFunction.NONE),
    ("tzb", "县委统战部", UnitFunction.NONE),
    ("zfw", "县委政法委", UnitFunction.NONE),
]
DEPARTMENTS = [
    "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水务局",
    "农业农村局", "商务局", "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "林业局", "乡村振兴局", "信访局", "行政审批服务局",
    "城市管理局", "机关事务服务中心", "融媒体中心", "档案馆", "供销合作社", "总工会", "团县委",
    "妇联", "住房公积金中心", "不动产登记中心", "公共资源交易中心", "投资促进中心",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华文玉兰红建国海燕志鹏春梅晓东云飞"
# Leaf categories (codes of xuncha.findings.categories) and how often they come up.
CATEGORY_WEIGHTS = {
    "0101": 7, "0102": 9, "0103": 3, "0104": 6, "0201": 4, "0202": 3, "0203": 12, "0204": 15,
    "0205": 8, "0206": 6, "0301": 11, "0302": 5, "0303": 6, "0304": 3, "0305": 2,
}
PROBLEM_TITLES = [
    "落实上级决策部署不够到位", "“三会一课”制度落实不规范", "公务接待超标准", "公车使用管理不严格",
    "专项资金使用不规范", "选人用人程序不严格", "主体责任压得不实", "监督责任履行不到位",
    "群众反映强烈的问题解决不及时", "议事规则执行不严格", "财务审批把关不严", "工程项目管理不规范",
    "意识形态阵地管理薄弱", "惠民资金发放不精准", "干部档案管理不规范", "整改落实不彻底",
    "制度执行打折扣", "集体资产管理混乱", "政府采购程序不规范", "作风不实、形式主义问题突出",
]
FACT_PARTS = [
    "经查阅近三年会议记录和财务凭证，", "经个别谈话和走访核实，", "对照年度工作台账抽查发现，",
    "调阅相关档案资料发现，", "结合群众来信来访反映核查，",
]
MEASURES = [
    "召开专题会议研究整改，逐项明确责任人和完成时限", "修订完善相关制度并严格执行",
    "开展专项清理，对违规事项全部纠正到位", "组织全体干部专题学习，举一反三开展自查",
    "建立工作台账，实行销号管理", "对相关责任人进行约谈提醒", "追回违规资金并上缴财政",
    "完善审批流程，落实集体决策", "建立长效机制，定期开展督促检查", "补齐缺失资料，规范档案管理",
]
PROGRESS_TEXTS = [
    "已召开专题会议研究部署，正在推进", "已完成阶段性整改任务，相关资料已归档",
    "已制定整改方案并分解到责任科室", "已完成自查自纠，正在完善制度", "已全部整改完成，佐证材料已上传",
    "已开展专项清理，发现的问题正在逐项纠正", "已约谈相关责任人，整改持续推进中",
    "已修订完善相关制度两项", "正在组织专项检查，预计按期完成", "已追回违规资金，正在办理上缴手续",
]
EVIDENCE = ["会议记录", "制度文件", "整改台账", "缴款凭证", "学习记录", "检查报告"]
DEPT_SHORT = ["办公室", "财务科", "综合科", "业务科", "人事科"]
POSTS = ["党组书记", "局长", "副局长", "办公室主任", "科长", "书记", "主任"]
ROUND_KINDS = [RoundKind.REGULAR, RoundKind.REGULAR, RoundKind.THEMATIC, RoundKind.REGULAR,
               RoundKind.COORDINATED, RoundKind.REGULAR, RoundKind.REVISIT, RoundKind.REGULAR,
               RoundKind.SNAP, RoundKind.REGULAR, RoundKind.REGULAR, RoundKind.CROSS]
NUMERALS = "一二三四五六七八九十"
# Problems per inspection, relative, by the kind of unit inspected.
PROBLEM_WEIGHT = {UnitKind.VILLAGE: 1.0, UnitKind.COMMUNITY: 1.0, UnitKind.TOWNSHIP: 4.0,
                  UnitKind.STREET: 4.0, UnitKind.DEPARTMENT: 3.0,
                  UnitKind.COMMITTEE_OFFICE: 2.5, UnitKind.STATE_FIRM: 2.5,
                  UnitKind.SCHOOL: 2.0, UnitKind.HOSPITAL: 2.5}
PLANNED = {InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING, InspectionStatus.ARCHIVED}


class BenchDataError(Exception):
    pass


# --- in-memory records --------------------------------------------------------------------------

@dataclass(slots=True)
class U:
    id: int
    parent: U | None
    kind: str
    name: str
    short: str
    function: str = ""
    path: str = ""
    depth: int = 0
    county_id: int | None = None
    sort: int = 0

    @property
    def level(self) -> int:
        return int(KIND_LEVEL[self.kind])


@dataclass
class CountyRec:
    unit: U
    city: U
    offices: dict[str, U] = field(default_factory=dict)
    departments: list[U] = field(default_factory=list)
    units: list[U] = field(default_factory=list)  # every unit under the county
    staff: dict[str, list[int]] = field(default_factory=dict)  # role code → user ids
    contacts: dict[int, int] = field(default_factory=dict)  # unit id → a contact user id
    heads: dict[int, int] = field(default_factory=dict)  # unit id → its head's user id


@dataclass
class Summary:
    scale: str
    seed: int
    today: date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: list[tuple[str, float]] = field(default_factory=list)

    def describe(self) -> str:
        rows = "，".join(f"{k} {v:,}" for k, v in self.counts.items())
        phases = "，".join(f"{k} {s:.1f}s" for k, s in self.phases)
        return (f"基准数据（scale={self.scale}, seed={self.seed}, today={self.today}）：{rows}。\n"
                f"用时 {self.seconds:.1f} 秒（{phases}）。")


# --- bulk writing -----------------------------------------------------------------------------

class Writer:
    """Streams rows into one table: executemany on SQLite, COPY on PostgreSQL, chunk by chunk,
    each chunk in its own transaction (or savepoint, inside a test's transaction)."""

    def __init__(self, conn: Any, model: type[Model], fields: Sequence[str], chunk: int = 20_000):
        self.conn = conn
        self.model = model
        self.chunk = chunk
        meta = model._meta
        cols = [cast(Any, meta.get_field(f)).column for f in fields]
        qn = conn.ops.quote_name
        table = qn(meta.db_table)
        col_sql = ", ".join(qn(c) for c in cols)
        if conn.vendor == "postgresql":
            self.sql = f"COPY {table} ({col_sql}) FROM STDIN"
        else:  # names come from the models' meta, values are parameters
            marks = ", ".join("?" if conn.vendor == "sqlite" else "%s" for _ in cols)
            self.sql = f"INSERT INTO {table} ({col_sql}) VALUES ({marks})"  # noqa: S608
        self.buf: list[tuple[Any, ...]] = []
        self.count = 0
        # Writers whose rows these rows point to: flushed first, as the foreign keys are checked
        # when each chunk commits.
        self.deps: list[Writer] = []

    def after(self, *writers: Writer) -> Writer:
        self.deps.extend(writers)
        return self

    def add(self, row: tuple[Any, ...]) -> None:
        self.buf.append(row)
        if len(self.buf) >= self.chunk:
            self.flush()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for r in rows:
            self.add(r)

    def flush(self) -> None:
        for dep in self.deps:
            dep.flush()
        if not self.buf:
            return
        self.conn.ensure_connection()
        with transaction.atomic(using=self.conn.alias):
            raw = self.conn.connection
            cur = raw.cursor()
            try:
                if self.conn.vendor == "postgresql":
                    with cur.copy(self.sql) as cp:
                        for r in self.buf:
                            cp.write_row(r)
                else:
                    cur.executemany(self.sql, self.buf)
            finally:
                cur.close()
        self.count += len(self.buf)
        self.buf.clear()

    def close(self) -> int:
        self.flush()
        return self.count


class Clock:
    """Dates and times in the form the backend stores them: on SQLite the text Django writes
    (``YYYY-MM-DD`` and naive UTC ``YYYY-MM-DD HH:MM:SS``), on PostgreSQL date and aware
    datetime objects. A time is (date, minute of the day in UTC)."""

    def __init__(self, vendor: str, today: date):
        self.today = today
        self.sqlite = vendor != "postgresql"
        self._d: dict[int, Any] = {}
        self._hm = [f" {m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]

    def d(self, day: date) -> Any:
        if not self.sqlite:
            return day
        o = day.toordinal()
        s = self._d.get(o)
        if s is None:
            s = self._d[o] = day.isoformat()
        return s

    def dt(self, day: date, minute: int = 120) -> Any:
        if self.sqlite:
            return self.d(day) + self._hm[minute]
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=UTC)


def _next_ids(models: Iterable[type[Model]]) -> dict[type[Model], int]:
    return {m: (m._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in models}


class IndexGuard:
    """Drops the secondary indexes of a few tables for the load and rebuilds them afterwards
    (unique and primary-key indexes stay: they back constraints)."""

    def __init__(self, conn: Any, models: Sequence[type[Model]]):
        self.conn = conn
        self.tables = [m._meta.db_table for m in models]
        self.saved: list[tuple[str, str]] = []

    def drop(self) -> None:
        with self.conn.cursor() as cur:
            for table in self.tables:
                if self.conn.vendor == "sqlite":
                    cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name = %s AND sql IS NOT NULL", [table])
                elif self.conn.vendor == "postgresql":
                    cur.execute(
                        "SELECT i.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
                        "JOIN pg_class i ON i.oid = ix.indexrelid "
                        "JOIN pg_class t ON t.oid = ix.indrelid "
                        "WHERE t.relname = %s AND NOT ix.indisprimary AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)", [table])
                else:
                    continue
                found = list(cur.fetchall())
                for name, _sql in found:
                    cur.execute(f"DROP INDEX {self.conn.ops.quote_name(name)}")
                self.saved.extend(found)

    def restore(self) -> None:
        with self.conn.cursor() as cur:
            for _name, sql in self.saved:
                cur.execute(sql)
        self.saved = []


# --- the generator ----------------------------------------------------------------------------

class Generator:
    def __init__(self, scale: Scale, seed: int, today: date, using: str = "default",
                 log: Callable[[str], None] | None = None):
        self.s = scale
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 — reproducible data, not secrets
        self.conn = connections[using]
        self.clock = Clock(self.conn.vendor, today)
        self.log = log or (lambda _m: None)
        self.summary = Summary(scale.name, seed, today)
        self.counties: list[CountyRec] = []
        self.units: list[U] = []
        self._t0 = time.perf_counter()
        self._tp = self._t0

    # helpers
    def phase(self, label: str) -> None:
        now = time.perf_counter()
        self.summary.phases.append((label, now - self._tp))
        self.log(f"  {label}: {now - self._tp:.1f}s")
        self._tp = now

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")

    def writer(self, model: type[Model], fields: Sequence[str], chunk: int = 20_000) -> Writer:
        return Writer(self.conn, model, fields, chunk)

    # ---------------------------------------------------------------------------------------
    def run(self) -> Summary:
        if Unit.objects.exists():
            raise BenchDataError("数据库中已有单位：基准数据只写入空数据库（make bench 使用 var/bench）。"
                                 "如确需覆盖，请用 --replace 清空后重新生成。")
        self.ids = _next_ids([Unit, User, RoleAssignment, Term, CoveragePlan, Round, Team,
                              TeamMember, Inspection, Problem, RectificationPlan,
                              RectificationTask, ProgressReport, Institution, FundsRecovery,
                              AccountabilityRecord, Recommendation])
        self.roles = {r.code: r for r in Role.objects.all()}
        if "office_staff" not in self.roles:
            from xuncha.accounts.roles import sync_builtin_roles

            sync_builtin_roles()
            self.roles = {r.code: r for r in Role.objects.all()}
        cats = {c.code: c.pk for c in ProblemCategory.objects.filter(parent__isnull=False)}
        missing = set(CATEGORY_WEIGHTS) - set(cats)
        if missing:
            raise BenchDataError(f"缺少默认问题类别 {sorted(missing)}：请先运行 migrate。")
        self.category_ids = [cats[c] for c in CATEGORY_WEIGHTS]
        self.category_weights = list(CATEGORY_WEIGHTS.values())

        big = self.s.problems >= 100_000
        sqlite_file = (self.conn.vendor == "sqlite" and not self.conn.in_atomic_block
                       and not getattr(self.conn, "is_in_memory_db", lambda: True)())
        if sqlite_file:
            with self.conn.cursor() as cur:
                cur.execute("PRAGMA journal_mode=DELETE")
                cur.execute("PRAGMA synchronous=OFF")
                cur.execute("PRAGMA cache_size=-262144")
        replica = False
        if self.conn.vendor == "postgresql" and not self.conn.in_atomic_block:
            try:  # skips foreign-key triggers for the load (superuser only); the rows are consistent
                with self.conn.cursor() as cur:
                    cur.execute("SET session_replication_role = replica")
                replica = True
            except DatabaseError:  # not a superuser: the checks just run
                replica = False
        guard = IndexGuard(self.conn, [Problem, RectificationTask, ProgressReport]) if big else None
        try:
            if guard:
                guard.drop()
            self.build_units()
            self.phase("units")
            self.build_users()
            self.phase("users")
            self.build_work()
            self.phase("inspections, problems, tasks, progress")
            if guard:
                guard.restore()
                self.phase("indexes")
        finally:
            if guard and guard.saved:
                guard.restore()
            if replica:
                with self.conn.cursor() as cur:
                    cur.execute("SET session_replication_role = DEFAULT")
            if sqlite_file:
                with self.conn.cursor() as cur:
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
        self.finish()
        self.phase("sequences, analyse")
        self.summary.seconds = time.perf_counter() - self._t0
        return self.summary

    # --- organisations ----------------------------------------------------------------------
    def new_unit(self, parent: U | None, kind: str, name: str, short: str = "",
                 function: str = "", sort: int = 0) -> U:
        uid = self.ids[Unit]
        self.ids[Unit] += 1
        u = U(uid, parent, kind, name, short or name, function, sort=sort)
        u.path = f"{parent.path if parent else '/'}{uid}/"
        u.depth = parent.depth + 1 if parent else 0
        u.county_id = uid if kind == UnitKind.COUNTY else (parent.county_id if parent else None)
        self.units.append(u)
        return u

    def county_sizes(self) -> list[int]:
        """Units per county: one as big as ``largest``, a few about two thirds of it, the rest
        spread around the average."""
        s, r = self.s, self.rng
        n = s.counties
        if n == 1:
            return [s.largest]
        rest_total = max(s.units - s.largest, 60 * (n - 1))
        weights = [r.lognormvariate(0, 0.45) for _ in range(n - 1)]
        for i in range(min(3, n - 1)):  # a few much larger counties
            weights[i] *= 2.2
        total = sum(weights)
        sizes = [max(60, min(int(s.largest * 0.8), round(rest_total * w / total))) for w in weights]
        sizes.insert(0, s.largest)
        return sizes

    def build_units(self) -> None:
        s, r = self.s, self.rng
        prov = self.new_unit(None, UnitKind.PROVINCE, PROVINCE_NAME)
        self.province = prov
        self.province_office = self.new_unit(prov, UnitKind.COMMITTEE_OFFICE, "省委巡视办",
                                             function=UnitFunction.INSPECTION_OFFICE)
        combos = [a + b for a in NAME_FIRST for b in NAME_SECOND]
        r.shuffle(combos)
        sizes = self.county_sizes()
        # The largest county sits in a random place, not first, so ids do not favour it.
        order = list(range(s.counties))
        r.shuffle(order)
        k = 0
        self.cities: list[tuple[U, U]] = []
        for ci in range(s.cities):
            cname = CITY_NAMES[ci % len(CITY_NAMES)] + ("市" if ci < len(CITY_NAMES) else f"{ci}市")
            city = self.new_unit(prov, UnitKind.CITY, cname, sort=ci)
            office = self.new_unit(city, UnitKind.COMMITTEE_OFFICE, f"{cname}委巡察办",
                                   function=UnitFunction.INSPECTION_OFFICE)
            self.new_unit(city, UnitKind.COMMITTEE_OFFICE, f"{cname}纪委监委",
                          function=UnitFunction.DISCIPLINE)
            self.cities.append((city, office))
            for j in range(s.counties_per_city):
                base = combos[k]
                district = r.random() < 0.35
                name = base + ("区" if district else "县")
                size = sizes[order.index(k)]
                self.counties.append(self.build_county(city, office, name, size, district, j))
                k += 1
        self.largest = max(self.counties, key=lambda c: len(c.units))
        self.write_units()

    def build_county(self, city: U, city_office: U, name: str, size: int, district: bool,
                     sort: int) -> CountyRec:
        r = self.rng
        cu = self.new_unit(city, UnitKind.COUNTY, name, sort=10 + sort)
        rec = CountyRec(unit=cu, city=city)
        made: list[U] = []
        for i, (slug, oname, function) in enumerate(COUNTY_OFFICES):
            oname = oname.replace("县", "区") if district else oname
            u = self.new_unit(cu, UnitKind.COMMITTEE_OFFICE, name + oname[1:], oname, function, i)
            rec.offices[slug] = u
            made.append(u)
        n_dept = min(len(DEPARTMENTS), max(10, round(size * 0.06)))
        n_town = max(3, round(size * 0.055))
        n_firm, n_school, n_hosp = (max(1, round(size * f)) for f in (0.01, 0.02, 0.006))
        for i, dname in enumerate(DEPARTMENTS[:n_dept]):
            u = self.new_unit(cu, UnitKind.DEPARTMENT, name + dname, dname, sort=20 + i)
            rec.departments.append(u)
            made.append(u)
        for kind, count, label in ((UnitKind.STATE_FIRM, n_firm, "国有公司"),
                                   (UnitKind.SCHOOL, n_school, "中学"),
                                   (UnitKind.HOSPITAL, n_hosp, "医院")):
            for i in range(count):
                made.append(self.new_unit(cu, kind, f"{name}第{i + 1}{label}", sort=100 + i))
        towns: list[U] = []
        places = [a + b for a in NAME_FIRST for b in NAME_SECOND]
        r.shuffle(places)
        for i in range(n_town):
            street = district and r.random() < 0.7
            kind, suffix = (UnitKind.STREET, "街道") if street else (UnitKind.TOWNSHIP, "镇")
            place = places[i % len(places)] + ("" if i < len(places) else str(i))
            u = self.new_unit(cu, kind, f"{name}{place}{suffix}", place + suffix, sort=200 + i)
            towns.append(u)
            made.append(u)
        villages = max(0, size - 1 - len(made))
        # Split the villages over the townships, unevenly.
        cuts = sorted(r.sample(range(1, villages), len(towns) - 1)) if villages > len(towns) else []
        bounds = [0, *cuts, villages]
        for t, town in enumerate(towns):
            kind, suffix = ((UnitKind.COMMUNITY, "社区") if town.kind == UnitKind.STREET
                            else (UnitKind.VILLAGE, "村"))
            for v in range(bounds[t + 1] - bounds[t] if t + 1 < len(bounds) else 0):
                place = places[(t * 7 + v) % len(places)]
                made.append(self.new_unit(town, kind, f"{town.name}{place}{suffix}", place + suffix,
                                          sort=v))
        rec.units = made
        return rec

    def write_units(self) -> None:
        c = self.clock
        created = c.dt(self.today - timedelta(days=1500))
        w = self.writer(Unit, ["id", "created_at", "updated_at", "version", "name", "short_name",
                               "code", "kind", "level", "function", "parent_id", "county_id",
                               "path", "depth", "sort_order", "is_active"])
        code = f"{MARKER}{self.s.name}-{self.seed}"
        for u in self.units:
            w.add((u.id, created, created, 1, u.name, u.short[:60],
                   code if u is self.province else f"BN{self.seed}-{u.id}", u.kind, u.level,
                   u.function, u.parent.id if u.parent else None, u.county_id, u.path, u.depth,
                   u.sort, True))
        self.summary.counts["units"] = w.close()
        self.summary.counts["counties"] = len(self.counties)
        self.summary.counts["largest county units"] = len(self.largest.units) + 1

    # --- people ---------------------------------------------------------------------------
    def build_users(self) -> None:
        c, r = self.clock, self.rng
        now = c.dt(self.today, 60)
        password = make_password(PASSWORD)
        users = self.writer(User, ["id", "password", "last_login", "is_superuser", "username",
                                   "name", "unit_id", "post", "phone", "email", "is_active",
                                   "must_change_password", "password_changed_at", "date_joined",
                                   "version"])
        grants = self.writer(RoleAssignment, ["id", "created_at", "updated_at", "user_id",
                                              "role_id", "anchor_id", "admin_kind",
                                              "granted_by_id"]).after(users)
        self.usernames: dict[str, int] = {}

        def add(unit: U, role: str, anchor: U | None, username: str = "", post: str = "") -> int:
            uid = self.ids[User]
            self.ids[User] += 1
            username = username or f"b{uid}"
            users.add((uid, password, None, False, username, self.person(), unit.id, post, "", "",
                       True, False, now, now, 1))
            gid = self.ids[RoleAssignment]
            self.ids[RoleAssignment] += 1
            grants.add((gid, now, now, uid, self.roles[role].pk, anchor.id if anchor else None,
                        "", None))
            self.usernames[username] = uid
            return uid

        add(self.province_office, "city_office", self.province, PROVINCE_USER, "巡视办主任")
        for _ in range(2):
            add(self.province_office, "city_office", self.province, post="巡视办干部")
        for i, (city, office) in enumerate(self.cities):
            for j in range(3):
                add(office, "city_office", city, CITY_USER if i == j == 0 else "", "巡察办干部")
        fixed = (("office_director", "xuncha", 1), ("office_staff", "xuncha", 3),
                 ("discipline_handler", "jiwei", 2), ("organisation_dept", "zuzhi", 1),
                 ("supervision_office", "ducha", 1), ("leadership", "xwb", 2),
                 ("team_leader", "xuncha", self.s.teams_per_round),
                 ("team_member", "xuncha", 2 * self.s.teams_per_round))
        for county in self.counties:
            for role, slug, n in fixed:
                ids = []
                for i in range(n):
                    login = ""
                    if county is self.largest and i == 0:
                        login = {"office_staff": COUNTY_USER, "team_leader": IMPORT_USER}.get(role, "")
                    anchor = None if role.startswith("team_") else county.unit
                    ids.append(add(county.offices[slug], role, anchor, login))
                county.staff[role] = ids
        budget = self.s.users - len(self.usernames)
        # The rest are the units' own people: a contact for each unit, heads, then villages.
        slots: list[tuple[CountyRec, U, str]] = []
        villages: list[tuple[CountyRec, U, str]] = []
        for county in self.counties:
            for u in county.units:
                if u.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
                    villages.append((county, u, "unit_contact"))
                elif u.function == "":
                    slots.append((county, u, "unit_contact"))
        heads = [(cr, u, "unit_head") for cr, u, _role in slots if r.random() < 0.35]
        r.shuffle(villages)
        for county, u, role in (slots + heads + villages)[:max(0, budget)]:
            uid = add(u, role, None, post="联络员" if role == "unit_contact" else "主要负责人")
            (county.contacts if role == "unit_contact" else county.heads)[u.id] = uid
        self.summary.counts["users"] = users.close()
        self.summary.counts["role assignments"] = grants.close()

    # --- inspections, problems, plans, tasks, progress ------------------------------------
    def build_work(self) -> None:
        s, r, c = self.s, self.rng, self.clock
        today = self.today
        created_far = c.dt(today - timedelta(days=1500))
        # Terms, coverage plans, rounds, teams, members.
        terms = self.writer(Term, ["id", "created_at", "updated_at", "version", "unit_id", "name",
                                   "start_date", "end_date"])
        cov = self.writer(CoveragePlan, ["id", "created_at", "updated_at", "version", "term_id",
                                         "planned_rounds"])
        rounds = self.writer(Round, ["id", "created_at", "updated_at", "version", "term_id",
                                     "number", "kind", "theme", "coordinated_form",
                                     "co_organiser_id", "entry_date", "exit_date", "notes",
                                     "created_by_id"])
        teams = self.writer(Team, ["id", "created_at", "updated_at", "round_id", "number", "name"])
        members = self.writer(TeamMember, ["id", "created_at", "updated_at", "team_id", "user_id",
                                           "position"])
        cov.after(terms)
        rounds.after(terms)
        teams.after(rounds)
        members.after(teams)
        insp_w = self.writer(Inspection, ["id", "created_at", "updated_at", "version", "round_id",
                                          "team_id", "unit_id", "previous_id", "status",
                                          "entered_at", "reported_at", "feedback_at",
                                          "rectification_started_at", "evaluation_started_at",
                                          "archived_at"]).after(teams)
        # Round ``n`` of ``R`` entered ``20 + 130 × (R − n)`` days ago; round R + 1 is planned.
        R = s.rounds
        plan_rows: list[dict[str, Any]] = []  # one per inspection, consumed below
        self.import_inspection: int | None = None
        for county in self.counties:
            jitter = r.randint(-15, 15)
            term_id = self.ids[Term]
            self.ids[Term] += 1
            start = today - timedelta(days=20 + 130 * R + 60)
            terms.add((term_id, created_far, created_far, 1, county.unit.id, "第十五届",
                       c.d(start), c.d(start + timedelta(days=5 * 365))))
            cov.add((self.ids[CoveragePlan], created_far, created_far, 1, term_id, R + 2))
            self.ids[CoveragePlan] += 1
            director = county.staff["office_director"][0]
            leaders = county.staff["team_leader"]
            crew = county.staff["team_member"]
            targets = [u for u in county.units if u.function not in
                       (UnitFunction.INSPECTION_OFFICE, UnitFunction.DISCIPLINE)]
            r.shuffle(targets)
            # The last, planned round takes a few; the others share the rest; ~4% not yet covered.
            covered = targets[: int(len(targets) * 0.96)]
            n_future = max(1, len(covered) // (R * 8))
            groups: list[list[U]] = [[] for _ in range(R + 1)]
            groups[R] = covered[:n_future]
            for i, u in enumerate(covered[n_future:]):
                groups[i % R].append(u)
            for n in range(1, R + 2):
                rid = self.ids[Round]
                self.ids[Round] += 1
                entry = today - timedelta(days=20 + 130 * (R - n) + jitter)
                kind = ROUND_KINDS[(n - 1) % len(ROUND_KINDS)]
                theme = "优化营商环境" if kind == RoundKind.THEMATIC else ""
                form = "linked" if kind == RoundKind.COORDINATED else ""
                co_org = (next(o.id for ci, o in self.cities if ci is county.city)
                          if kind == RoundKind.COORDINATED else None)
                planned_on = c.dt(min(entry - timedelta(days=30), today - timedelta(days=1)))
                rounds.add((rid, planned_on, planned_on, 1, term_id, n, kind, theme, form, co_org, c.d(entry),
                            c.d(entry + timedelta(days=30)), "", director))
                team_ids = []
                for t in range(s.teams_per_round):
                    tid = self.ids[Team]
                    self.ids[Team] += 1
                    team_ids.append(tid)
                    ts = c.dt(min(entry - timedelta(days=25), today - timedelta(days=1)))
                    teams.add((tid, ts, ts, rid, t + 1, f"第{NUMERALS[t % 10]}巡察组"))
                    members.add((self.ids[TeamMember], ts, ts, tid, leaders[t], "leader"))
                    members.add((self.ids[TeamMember] + 1, ts, ts, tid, crew[2 * t], "deputy"))
                    members.add((self.ids[TeamMember] + 2, ts, ts, tid, crew[2 * t + 1], "member"))
                    self.ids[TeamMember] += 3
                for i, u in enumerate(groups[n - 1]):
                    team_slot = i % s.teams_per_round
                    plan_rows.append({"county": county, "unit": u, "round": rid, "round_no": n,
                                      "team": team_ids[team_slot],
                                      "leader": leaders[team_slot], "entry": entry})
        # Inspection stages by the age of their round.
        for p in plan_rows:
            n, entry = p["round_no"], p["entry"]
            age = (today - entry).days
            if n == R + 1 or age < 0:
                status = InspectionStatus.PREPARING
            elif age < 35:  # the latest round: most teams still on site
                x = r.random()
                status = (InspectionStatus.ON_SITE if x < 0.6 else InspectionStatus.REPORTING
                          if x < 0.85 else InspectionStatus.FEEDBACK)
            elif age < 60:
                status = InspectionStatus.REPORTING
            elif age < 65:
                status = InspectionStatus.FEEDBACK
            elif age < 245:
                status = InspectionStatus.RECTIFYING
            elif age < 430:
                status = InspectionStatus.EVALUATING if r.random() < 0.7 else InspectionStatus.RECTIFYING
            else:
                status = InspectionStatus.ARCHIVED if r.random() < 0.85 else InspectionStatus.EVALUATING
            p["status"] = status
        # The import bench needs an inspection on site with the importer's team.
        for p in plan_rows:
            if (p["county"] is self.largest and p["status"] == InspectionStatus.ON_SITE
                    and p["leader"] == self.usernames[IMPORT_USER]):
                self.import_inspection_row = p
                break
        else:
            cand = next(p for p in plan_rows if p["county"] is self.largest
                        and p["round_no"] == R and p["leader"] == self.usernames[IMPORT_USER])
            cand["status"] = InspectionStatus.ON_SITE
            self.import_inspection_row = cand
        # How many problems each inspection found.
        found = [p for p in plan_rows if p["status"] != InspectionStatus.PREPARING]
        total_w = sum(PROBLEM_WEIGHT[p["unit"].kind] for p in found)
        for p in found:
            e = s.problems * PROBLEM_WEIGHT[p["unit"].kind] / total_w
            p["n"] = max(1, round(e * r.uniform(0.6, 1.4)))
        eligible = sum(p["n"] for p in found if p["status"] in PLANNED) * 0.975 * 0.99
        self.tasks_per_problem = max(1.0, s.tasks / max(1.0, eligible))
        self.reports_per_task = s.reports / s.tasks
        # Write inspections.
        for p in plan_rows:
            iid = self.ids[Inspection]
            self.ids[Inspection] += 1
            p["id"] = iid
            st, entry = p["status"], p["entry"]
            stamps: list[Any] = [None] * 6
            order = [InspectionStatus.ON_SITE, InspectionStatus.REPORTING, InspectionStatus.FEEDBACK,
                     InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING,
                     InspectionStatus.ARCHIVED]
            offsets = [0, 35, 60, 65, 65 + 200, 65 + 380]
            reached = order.index(st) if st in order else -1
            for k in range(reached + 1):
                day = min(entry + timedelta(days=offsets[k]), today - timedelta(days=1))
                stamps[k] = c.dt(day, 90)
            p["rect_start"] = entry + timedelta(days=65)
            ts = c.dt(min(entry - timedelta(days=20), today - timedelta(days=1)))
            insp_w.add((iid, ts, stamps[reached] if reached >= 0 else ts, 1, p["round"], p["team"],
                        p["unit"].id, None, st, *stamps))
        self.import_inspection = self.import_inspection_row["id"]
        for w, key in ((terms, "terms"), (cov, "coverage plans"), (rounds, "rounds"),
                       (teams, "teams"), (members, "team members"), (insp_w, "inspections")):
            self.summary.counts[key] = w.close()
        self.phase("terms, rounds, inspections")
        self.write_findings(plan_rows)

    def write_findings(self, plan_rows: list[dict[str, Any]]) -> None:
        r, c = self.rng, self.clock
        today = self.today
        rand, randint, choice = r.random, r.randint, r.choice
        problems = self.writer(Problem, ["id", "created_at", "updated_at", "version",
                                         "inspection_id", "unit_id", "county_id", "number",
                                         "category_id", "title", "facts", "severity", "origin",
                                         "checklist_item_id", "is_common", "names_people", "state",
                                         "created_by_id"])
        plans = self.writer(RectificationPlan, ["id", "created_at", "updated_at", "version",
                                                "inspection_id", "unit_id", "first_responsible_id",
                                                "group_leader", "group_members", "guiding_text",
                                                "period_start", "period_end", "status",
                                                "submitted_count", "approved_at"])
        tasks = self.writer(RectificationTask, [
            "id", "created_at", "updated_at", "version", "plan_id", "problem_id", "unit_id",
            "county_id", "number", "measure", "kind", "deadline", "responsible_leader",
            "responsible_person", "responsible_department", "responsible_user_id",
            "expected_evidence", "status", "progress", "closed_at", "is_relapse",
            "reopened_count"], chunk=50_000)
        reports = self.writer(ProgressReport, ["id", "created_at", "updated_at", "task_id", "text",
                                               "percent", "reported_by_id", "reported_on"],
                              chunk=100_000)
        inst = self.writer(Institution, ["id", "created_at", "updated_at", "version", "unit_id",
                                         "county_id", "name", "document_number", "issued_on",
                                         "created_by_id"])
        funds = self.writer(FundsRecovery, ["id", "created_at", "updated_at", "version", "unit_id",
                                            "county_id", "problem_id", "lead_id", "amount", "kind",
                                            "payer_or_payee", "recorded_on", "created_by_id"])
        acc = self.writer(AccountabilityRecord, [
            "id", "created_at", "updated_at", "version", "unit_id", "county_id", "person_name",
            "post", "is_organisation", "problem_id", "lead_id", "responsibility", "form",
            "measure", "decided_on", "deciding_body", "created_by_id"])
        recs = self.writer(Recommendation, ["id", "created_at", "updated_at", "version",
                                            "inspection_id", "department_id", "title", "content",
                                            "status", "response", "created_by_id"])
        tasks.after(problems, plans)
        reports.after(tasks)
        for w in (inst, funds, acc):
            w.after(problems)
        titles = list(PROBLEM_TITLES)
        facts = [f"{a}{t}，涉及{n}项具体事项，相关情况已与被巡察单位核对确认。"
                 for a in FACT_PARTS for t in PROBLEM_TITLES[:8] for n in ("2", "3", "5")]
        cat_ids, cat_w = self.category_ids, self.category_weights
        cum = []
        acc_w = 0
        for weight in cat_w:
            acc_w += weight
            cum.append(acc_w)
        def category() -> int:
            return cat_ids[bisect.bisect(cum, rand() * acc_w)]

        pid = self.ids[Problem]
        tid = self.ids[RectificationTask]
        rpid = self.ids[ProgressReport]
        plan_id = self.ids[RectificationPlan]
        tpp = self.tasks_per_problem
        p_extra = (tpp - 1) / 5
        rpt = self.reports_per_task
        d, dt = c.d, c.dt
        one = timedelta(days=1)
        leaders = [self.person() for _ in range(200)]
        for p in plan_rows:
            status = p["status"]
            if status == InspectionStatus.PREPARING:
                continue
            county: CountyRec = p["county"]
            unit: U = p["unit"]
            cid = county.unit.id
            entry = p["entry"]
            planned = status in PLANNED
            reporter = (county.contacts.get(unit.id) or county.heads.get(unit.id)
                        or county.staff["office_staff"][0])
            author = p["leader"]
            created = dt(min(entry + timedelta(days=randint(3, 30)), today - one), randint(0, 600))
            # The import target gets no generated problems: the bench imports into it.
            n_problems = 0 if p is self.import_inspection_row else p["n"]
            if planned:
                rect_start: date = p["rect_start"]
                days_in = (today - rect_start).days
                if status == InspectionStatus.ARCHIVED:
                    p_done = 1.0
                elif status == InspectionStatus.EVALUATING:
                    p_done = 0.96
                else:
                    p_done = 0.35 + 0.6 * min(1.0, days_in / 365)
                approved = rect_start + timedelta(days=randint(18, 30))
                approved = min(approved, today - one)
                responsible = (county.heads.get(unit.id) or county.contacts.get(unit.id)
                               or county.staff["leadership"][0])
                pstart = dt(rect_start, 100)
                plans.add((plan_id, pstart, dt(approved, 200), 2, p["id"], unit.id, responsible,
                           choice(leaders), "", "", d(rect_start), d(rect_start + timedelta(days=90)),
                           PlanStatus.APPROVED, 1, dt(approved, 200)))
                task_created = dt(approved, 220)
                task_no = 0
            # Feedback signed, plan still being drafted or reviewed: its tasks are not yet the
            # ledger (the ledger lists approved plans only), all not started.
            drafting = status == InspectionStatus.FEEDBACK and rand() < 0.6
            if drafting:
                draft_start = today - timedelta(days=3)
                responsible = (county.heads.get(unit.id) or county.contacts.get(unit.id)
                               or county.staff["leadership"][0])
                submitted = rand() < 0.5
                ts = dt(draft_start, 100)
                plans.add((plan_id, ts, ts, 1, p["id"], unit.id, responsible, choice(leaders), "",
                           "", d(draft_start), d(draft_start + timedelta(days=90)),
                           PlanStatus.SUBMITTED if submitted else PlanStatus.DRAFT,
                           int(submitted), None))
                task_no = 0
            for number in range(1, n_problems + 1):
                x = rand()
                if planned:
                    state = "active" if x < 0.975 else ("withdrawn" if x < 0.995 else "converted")
                else:
                    state = "active" if x < 0.99 else "withdrawn"
                y = rand()
                severity = "general" if y < 0.7 else ("serious" if y < 0.95 else "grave")
                problems.add((pid, created, created, 1, p["id"], unit.id, cid, number, category(),
                              choice(titles), choice(facts), severity, "inspection", None,
                              rand() < 0.1, rand() < 0.08, state, author))
                if drafting and state == "active":
                    for _j in range(randint(1, 2)):
                        task_no += 1
                        deadline: date | None = today + timedelta(days=randint(30, 120))
                        tasks.add((tid, ts, ts, 1, plan_id, pid, unit.id, cid, task_no,
                                   choice(MEASURES), "deadline", d(deadline),  # type: ignore[arg-type]
                                   choice(leaders),
                                   choice(leaders), choice(DEPT_SHORT), None, choice(EVIDENCE),
                                   TaskStatus.NOT_STARTED, 0, None, False, 0))
                        tid += 1
                if planned and state == "active":
                    # Outcomes hang on some problems.
                    z = rand()
                    if z < 0.06:
                        day = min(rect_start + timedelta(days=randint(20, 200)), today - one)
                        inst.add((self.ids[Institution], dt(day), dt(day), 1, unit.id, cid,
                                  f"关于{choice(titles)}的整改制度", f"{unit.short[:10]}发〔{day.year}〕"
                                  f"{randint(1, 99)}号", d(day), reporter))
                        self.ids[Institution] += 1
                    elif z < 0.08:
                        day = min(rect_start + timedelta(days=randint(20, 200)), today - one)
                        funds.add((self.ids[FundsRecovery], dt(day), dt(day), 1, unit.id, cid, pid,
                                   None, str(randint(500, 800_000)),
                                   choice(["recovered", "returned", "reduced"]),
                                   "相关单位和个人", d(day), reporter))
                        self.ids[FundsRecovery] += 1
                    elif z < 0.11:
                        day = min(rect_start + timedelta(days=randint(20, 200)), today - one)
                        v = rand()
                        form = ("first" if v < 0.7 else "second" if v < 0.9
                                else "third" if v < 0.97 else "fourth")
                        acc.add((self.ids[AccountabilityRecord], dt(day), dt(day), 1, unit.id, cid,
                                 self.person(), choice(POSTS), rand() < 0.1, pid, None,
                                 choice(["direct", "leadership", "principal", "supervisory"]),
                                 form, "诫勉谈话" if form != "first" else "批评教育", d(day),
                                 "县纪委监委", reporter))
                        self.ids[AccountabilityRecord] += 1
                    # Tasks.
                    k = 0 if rand() < 0.01 else 1 + sum(rand() < p_extra for _ in range(5))
                    if k:
                        done = rand() < p_done
                        closed_flags = [True] * k if done else [rand() < 0.5 for _ in range(k)]
                        if not done and all(closed_flags):
                            closed_flags[-1] = False
                    for j in range(k):
                        tid_ = tid
                        tid += 1
                        task_no += 1
                        u = rand()
                        if u < 0.25:
                            kind, deadline = "immediate", rect_start + timedelta(days=randint(15, 45))
                        elif u < 0.9:
                            kind, deadline = "deadline", rect_start + timedelta(days=randint(60, 240))
                        else:
                            kind, deadline = "standing", rect_start + timedelta(days=randint(300, 540))
                        if rand() < 0.01:
                            deadline = None
                        closed_at = None
                        if closed_flags[j]:
                            tstatus, progress = TaskStatus.CLOSED, 100
                            if deadline is not None:
                                if rand() < 0.9:
                                    day = deadline - timedelta(days=randint(0, 40))
                                else:
                                    day = deadline + timedelta(days=randint(1, 60))
                            else:
                                day = rect_start + timedelta(days=randint(20, 200))
                            day = max(rect_start + timedelta(days=3), min(day, today - one))
                            # Closed in office hours (local), a few before 08:00 local, whose
                            # UTC date is the day before.
                            closed_at = (dt(day - one, randint(960, 1439)) if rand() < 0.03
                                         else dt(day, randint(0, 599)))
                            end = day
                        else:
                            v = rand()
                            if v < 0.15:
                                tstatus, progress = TaskStatus.NOT_STARTED, 0
                            elif v < 0.85:
                                tstatus, progress = TaskStatus.IN_PROGRESS, randint(1, 9) * 10
                            else:
                                tstatus, progress = TaskStatus.CLOSURE_REQUESTED, 100
                            if status == InspectionStatus.RECTIFYING and rand() < 0.06:
                                deadline = today + timedelta(days=randint(0, 7))  # due soon
                            end = today - one
                        tasks.add((tid_, task_created, closed_at or task_created, 1, plan_id, pid,
                                   unit.id, cid, task_no, choice(MEASURES), kind,
                                   d(deadline) if deadline else None, choice(leaders),
                                   choice(leaders), choice(DEPT_SHORT),
                                   reporter if rand() < 0.3 else None, choice(EVIDENCE), tstatus,
                                   progress, closed_at, rand() < 0.005, 0))
                        # Progress reports, spread from the start to closing (or today).
                        if tstatus == TaskStatus.NOT_STARTED:
                            nr = 0
                        else:
                            nr = max(1, round(rpt * (0.5 + rand()) * (1.05 if closed_at else 0.8)))
                        span = max(1, (end - rect_start).days - 5)
                        for q in range(nr):
                            day = rect_start + timedelta(days=5 + span * (q + 1) // nr)
                            pct = progress * (q + 1) // nr
                            stamp = dt(day, 120 + q)
                            reports.add((rpid, stamp, stamp, tid_, choice(PROGRESS_TEXTS), pct,
                                         reporter, d(day)))
                            rpid += 1
                pid += 1
            if drafting:
                plan_id += 1
            if planned:
                plan_id += 1
                if unit.kind == UnitKind.DEPARTMENT and rand() < 0.3 and county.departments:
                    dept = choice(county.departments)
                    ts = dt(min(rect_start, today - one))
                    recs.add((self.ids[Recommendation], ts, ts, 1, p["id"], dept.id,
                              f"关于加强{choice(titles)[:8]}治理的建议",
                              "建议职能部门开展专项治理，建立健全长效机制。", choice(
                                  ["sent", "answered", "done"]), "", author))
                    self.ids[Recommendation] += 1
        for w, key in ((problems, "problems"), (plans, "plans"), (tasks, "tasks"),
                       (reports, "progress reports"), (inst, "institutions"), (funds, "funds"),
                       (acc, "accountability"), (recs, "recommendations")):
            self.summary.counts[key] = w.close()

    # --- after the load -------------------------------------------------------------------
    def finish(self) -> None:
        models = [Unit, User, RoleAssignment, Term, CoveragePlan, Round, Team, TeamMember,
                  Inspection, Problem, RectificationPlan, RectificationTask, ProgressReport,
                  Institution, FundsRecovery, AccountabilityRecord, Recommendation, ApiToken]
        with self.conn.cursor() as cur:
            for sql in self.conn.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)
            if self.conn.vendor == "sqlite":
                cur.execute("PRAGMA analysis_limit=1000")
                cur.execute("ANALYZE")
            elif self.conn.vendor == "postgresql" and not self.conn.in_atomic_block:
                # As autovacuum would leave it: statistics, and the visibility map that lets
                # index-only scans skip the table.
                cur.execute("VACUUM (ANALYZE)")


def generate(scale: str = "province", seed: int = 1, today: date | None = None,
             using: str = "default", log: Callable[[str], None] | None = None) -> Summary:
    try:
        sc = SCALES[scale]
    except KeyError:
        raise BenchDataError(f"未知规模 {scale!r}，可选：{', '.join(SCALES)}") from None
    return Generator(sc, seed, today or timezone.localdate(), using=using, log=log).run()


def find_marker() -> tuple[str, int] | None:
    """(scale, seed) of the bench data in the database, if there is any."""
    code = Unit.objects.filter(code__startswith=MARKER, parent__isnull=True).values_list(
        "code", flat=True).first()
    if not code:
        return None
    scale, seed = code[len(MARKER):].rsplit("-", 1)
    return scale, int(seed)
