"""The demo world: 江城市 with its counties, their units, terms and people in every role, and the
inspection work of its first two counties.

``build_demo`` runs a list of steps over one context (``xuncha.demo.context``), in one transaction.
Each step reads what the earlier ones made and may add to it. Everything is drawn from
``random.Random(seed)`` and from dates relative to the day of the load, so the same seed and scale
give the same world (the same counts and names; codes, salts and UUIDs differ).

The first steps (``STRUCTURE_STEPS``) write the tree, the terms and the people with bulk inserts
(``scale=50`` makes about 8,400 units and 3,900 people), but through the model's own rules: each
unit is checked against its parent with the import's ``check_parent``, its path, depth and county
come from ``organisations.services.set_path`` once its id is known, and each role assignment copies
``admin_kind`` from its role as the database expects.

The work steps (``WORK_STEPS``: ``steps_inspections``, ``steps_leads``, ``steps_rectification``,
``steps_evaluation``) go through the product's services only, so every rule is checked, every write
is audited and every figure computes itself; see ``xuncha.demo.clock`` for how their time stamps
are placed in the past. They run for the first two counties whatever the scale.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from xuncha.accounts.models import Role, RoleAssignment, User
from xuncha.accounts.roles import BUILTIN_ROLES, sync_builtin_roles
from xuncha.audit.services import record
from xuncha.demo import names, steps_evaluation, steps_inspections, steps_leads, steps_rectification
from xuncha.demo.context import County, DemoContext, DemoError, Step, unit_posts
from xuncha.organisations.models import KIND_LEVEL, Term, Unit, UnitFunction, UnitKind, UnitLevel
from xuncha.organisations.services import check_parent, set_path

# One password for every demo account, printed with the logins. It satisfies the password rules
# (≥ 10 characters, 4 classes, not on the blocklist); the tests check it against them.
DEMO_PASSWORD = "Xuncha@2026demo"
DEMO_ACTOR = "xuncha-demo"
BATCH = 1000


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    scale: int
    counties: int
    units: int
    units_by_kind: dict[str, int]
    terms: int
    users: int
    work: dict[str, int] = field(default_factory=dict)  # label → count of the inspection work
    password: str = DEMO_PASSWORD

    def describe(self) -> str:
        kinds = "、".join(f"{UnitKind(k).label} {n}" for k, n in self.units_by_kind.items())
        text = (f"已装入演示数据（seed={self.seed}, scale={self.scale}）：{self.counties} 个县区，"
                f"{self.units} 个单位（{kinds}），{self.terms} 个届次，{self.users} 个账号。")
        if self.work:
            text += "\n巡察工作：" + "，".join(f"{label} {n}" for label, n in self.work.items()) + "。"
        return text


# --- organisations --------------------------------------------------------------------------

# The working organs the system finds by function (the county's discipline commission receives
# leads, its inspection office is the office, …): slug → UnitFunction.
FUNCTIONS = {
    "xuncha": UnitFunction.INSPECTION_OFFICE,
    "jiwei": UnitFunction.DISCIPLINE,
    "zuzhi": UnitFunction.ORGANISATION,
    "ducha": UnitFunction.SUPERVISION,
}


def _unit(parent: Unit | None, kind: str, name: str, short: str, code: str, order: int,
          function: str = "") -> Unit:
    check_parent(kind, parent)
    unit = Unit(parent=parent, kind=kind, level=KIND_LEVEL[kind], name=name, short_name=short,
                code=code, sort_order=order, function=function)
    unit.clean_fields(exclude=["path", "county", "parent"])
    return unit


def _insert_level(units: list[Unit]) -> None:
    """Inserts one level of the tree, then fills path/depth/county from the now-known ids."""
    Unit.objects.bulk_create(units, batch_size=BATCH)
    for unit in units:
        if unit.pk is None:  # pragma: no cover — SQLite ≥ 3.35 and PostgreSQL return ids
            raise DemoError("the database did not return ids from a bulk insert")
        set_path(unit)
    Unit.objects.bulk_update(units, ["path", "depth", "county"], batch_size=BATCH)


def _county_names(rng: random.Random, count: int) -> list[tuple[str, str, bool]]:
    """(name, slug, is_district) for ``count`` counties: 东湖区 and 西山县 first, then the grid."""
    result = [(name, slug, name.endswith("区")) for name, slug in names.COUNTIES]
    fixed = {name[:2] for name, _slug in names.COUNTIES}
    grid = [(a + b, sa + sb) for a, sa in names.COUNTY_FIRST for b, sb in names.COUNTY_SECOND
            if a + b not in fixed]
    rng.shuffle(grid)
    i = 0
    while len(result) < count:
        base, slug = grid[i % len(grid)]
        lap = i // len(grid)
        district = rng.random() < 0.4
        name = base + ("区" if district else "县")
        if lap:
            name, slug = f"{name}（{names.numeral(lap + 1)}）", f"{slug}{lap + 1}"
        result.append((name, slug, district))
        i += 1
    return result[:count]


def step_organisations(ctx: DemoContext) -> None:
    """The tree: city → city offices and counties → offices, departments, townships, firms,
    schools, hospitals → villages and communities."""
    rng = ctx.rng
    city_name, city_code = names.CITY
    city = _unit(None, UnitKind.CITY, city_name, city_name, city_code, 0)
    _insert_level([city])
    ctx.city = city

    level1: list[Unit] = []
    for i, (slug, name, short) in enumerate(names.CITY_UNITS):
        u = _unit(city, UnitKind.COMMITTEE_OFFICE, name, short, f"{city_code}-{slug.upper()}", i,
                  FUNCTIONS.get(slug, ""))
        ctx.city_units[slug] = u
        level1.append(u)
    for i, (name, slug, district) in enumerate(_county_names(rng, 2 * ctx.scale)):
        u = _unit(city, UnitKind.COUNTY, name, name, f"{city_code}-{slug.upper()}", 10 + i)
        ctx.counties.append(County(unit=u, slug=slug, district=district))
        level1.append(u)
    _insert_level(level1)

    level2: list[Unit] = []
    for county in ctx.counties:
        level2.extend(_county_units(ctx, county))
    _insert_level(level2)

    level3: list[Unit] = []
    for county in ctx.counties:
        for township in county.townships:
            level3.extend(_villages(ctx, county, township))
    _insert_level(level3)
    for county in ctx.counties:
        for u in (county.unit, *county.units.values(), *county.townships):
            ctx._slugs[u.pk] = _slug_from_code(u.code)
        for villages in county.villages.values():
            for u in villages:
                ctx._slugs[u.pk] = _slug_from_code(u.code)


def _slug_from_code(code: str) -> str:
    return code.split("-", 2)[-1].lower().replace("-", "_")


def _county_units(ctx: DemoContext, county: County) -> list[Unit]:
    c, parent = county.unit.name, county.unit
    prefix = county.unit.code
    made: list[Unit] = []

    def add(key: str, kind: str, name: str, short: str, function: str = "") -> Unit:
        u = _unit(parent, kind, name, short, f"{prefix}-{key.upper()}", len(made), function)
        made.append(u)
        return u

    for slug, name, short in names.COMMITTEE_OFFICES:
        county.units[slug] = add(slug, UnitKind.COMMITTEE_OFFICE, name.format(c=c),
                                 short.format(c=c), FUNCTIONS.get(slug, ""))
    for slug, name, short in names.DEPARTMENTS:
        if county.district and slug == "gaj":
            name, short = "公安分局", "公安分局"  # a district has a branch of the city bureau
        county.units[slug] = add(slug, UnitKind.DEPARTMENT, c + name, c + short)

    places = ctx.rng.sample(names.PLACES, 6)
    for i, (place, slug) in enumerate(places):
        if county.district:
            kind, suffix = (UnitKind.TOWNSHIP, "镇") if i == 5 else (UnitKind.STREET, "街道")
        else:
            kind, suffix = UnitKind.TOWNSHIP, ("乡" if i == 5 else "镇")
        u = add(slug, kind, f"{c}{place}{suffix}", place + suffix)
        county.townships.append(u)

    for kind, table in ((UnitKind.STATE_FIRM, names.STATE_FIRMS), (UnitKind.SCHOOL, names.SCHOOLS),
                        (UnitKind.HOSPITAL, names.HOSPITALS)):
        for slug, name, short in table:
            county.units[slug] = add(slug, kind, c + name, c + short)
    return made


def _villages(ctx: DemoContext, county: County, township: Unit) -> list[Unit]:
    street = township.kind == UnitKind.STREET
    kind, suffix = (UnitKind.COMMUNITY, "社区") if street else (UnitKind.VILLAGE, "村")
    picked = ctx.rng.sample(names.VILLAGES, ctx.rng.randint(4, 7))
    made = []
    for i, (place, slug) in enumerate(picked):
        made.append(_unit(township, kind, f"{county.unit.name}{township.short_name}{place}{suffix}",
                          place + suffix, f"{township.code}-{slug.upper()}", i))
    county.villages[township.code] = made
    return made


# --- terms ----------------------------------------------------------------------------------

def step_terms(ctx: DemoContext) -> None:
    """届次: the current and the previous five-year term of each committee (全覆盖 is per term).

    The current term is placed so that today lies in its fourth year, whatever day the demo is
    loaded: the rounds of the work steps then fall in its past, present and near future."""
    assert ctx.city is not None
    base = ctx.today.year - 3
    city_start = date(base, 10, 12)
    terms = [
        Term(unit=ctx.city, name="七届市委", start_date=city_start,
             end_date=city_start.replace(year=base + 5) - timedelta(days=1)),
        Term(unit=ctx.city, name="六届市委", start_date=city_start.replace(year=base - 5),
             end_date=city_start - timedelta(days=1)),
    ]
    current: list[tuple[County, Term]] = []
    for county in ctx.counties:
        n = 12 if county.district else 15
        start = date(base, 9, ctx.rng.randint(1, 28))
        previous = date(base - 5, 9, ctx.rng.randint(1, 28))
        term = Term(unit=county.unit, name=f"{names.numeral(n)}届{county.committee}",
                    start_date=start, end_date=start.replace(year=base + 5) - timedelta(days=1))
        terms.append(term)
        current.append((county, term))
        terms.append(Term(unit=county.unit, name=f"{names.numeral(n - 1)}届{county.committee}",
                          start_date=previous, end_date=start - timedelta(days=1)))
    Term.objects.bulk_create(terms, batch_size=BATCH)
    ctx.terms = terms
    ctx.current_terms = {county.unit.pk: term for county, term in current}


# --- people ---------------------------------------------------------------------------------

# (role, login suffix, unit key, scope anchored at the county?, post); "county" is the county unit.
COUNTY_PEOPLE: tuple[tuple[str, str, str, bool, str], ...] = (
    ("office_director", "director", "xuncha", True, "{w}巡察办主任"),
    ("office_staff", "staff1", "xuncha", True, "{w}巡察办副主任"),
    ("office_staff", "staff2", "xuncha", True, "{w}巡察办综合科科长"),
    ("team_leader", "leader1", "xuncha", False, "{w}第一巡察组组长"),
    ("team_leader", "leader2", "xuncha", False, "{w}第二巡察组组长"),
    ("team_member", "member1", "jiwei", False, "{w}第一巡察组副组长"),
    ("team_member", "member2", "zuzhi", False, "{w}第一巡察组组员"),
    ("team_member", "member3", "sjj", False, "{w}第二巡察组副组长"),
    ("team_member", "member4", "czj", False, "{w}第二巡察组组员"),
    # Inspectors drawn for the rounds (一次一授权: each round's teams are formed anew) from
    # discipline, organisation, publicity, audit and finance staff.
    ("team_member", "member5", "xuanchuan", False, "{w}宣传部新闻科科长"),
    ("team_member", "member6", "jiwei", False, "纪委监委第二监督检查室副主任"),
    ("team_member", "member7", "sjj", False, "审计局经济责任审计股股长"),
    ("team_member", "member8", "czj", False, "财政局会计监督科副科长"),
    ("team_member", "member9", "zuzhi", False, "{w}组织部组织科副科长"),
    ("team_member", "member10", "tongzhan", False, "{w}统战部经济科科员"),
    ("team_member", "member11", "jiwei", False, "纪委监委案件审理室科员"),
    ("team_member", "member12", "sjj", False, "审计局财政审计股科员"),
    ("discipline_handler", "jiwei1", "jiwei", True, "纪委监委第一监督检查室主任"),
    ("discipline_handler", "jiwei2", "jiwei", True, "纪委监委案件监督管理室副主任"),
    ("organisation_dept", "zuzhi", "zuzhi", True, "{w}组织部干部监督科科长"),
    ("leadership", "shuji", "county", False, "{w}书记"),
    ("leadership", "fushuji", "county", False, "{w}副书记、巡察工作领导小组组长"),
    ("supervision_office", "ducha", "ducha", True, "{w}督查室主任"),
)

# Units that get a first responsible person and a rectification contact.
HEAD_AND_CONTACT_UNITS = ("township:0", "township:1", "scjgj", "jyj", "wjw", "chengtou", "yizhong",
                          "village:0")

CITY_PEOPLE = (
    ("city_office", "jiangcheng_director", "xuncha", "市委巡察办主任"),
    ("city_office", "jiangcheng_staff", "xuncha", "市委巡察办统筹协调科科长"),
    # Receives the leads escalated to the city (提级至市纪委监委).
    ("discipline_handler", "jiangcheng_jiwei", "jiwei", "市纪委监委第三监督检查室副主任"),
)
# 三员分立: three accounts, one administrator role each.
ADMINS = (
    ("system_admin", "sysadmin", "wangxin", "市委网信办信息化科工程师"),
    ("security_admin", "secadmin", "wangxin", "市委网信办网络安全科科长"),
    ("auditor", "auditor", "wangxin", "市委网信办安全审计员"),
)


def _add_person(ctx: DemoContext, roles: dict[str, Role], *, role: str, username: str, unit: Unit,
                post: str, anchor: Unit | None = None) -> None:
    ctx.add_person(role=role, username=username, unit=unit, post=post, anchor=anchor)


def _head_units(county: County) -> list[Unit]:
    result = []
    for key in HEAD_AND_CONTACT_UNITS:
        kind, _sep, index = key.partition(":")
        if kind == "township":
            result.append(county.townships[int(index)])
        elif kind == "village":
            result.append(county.villages[county.townships[0].code][int(index)])
        else:
            result.append(county.units[key])
    return result


def step_people(ctx: DemoContext) -> None:
    """Accounts for every built-in role: each county's office, teams, units, 纪委, 组织部,
    leadership and 督查室; the city office; and the three separated administrators."""
    roles = Role.objects.in_bulk(field_name="code")
    if any(d.code not in roles for d in BUILTIN_ROLES):
        sync_builtin_roles()
        roles = Role.objects.in_bulk(field_name="code")
    ctx.roles = roles
    assert ctx.city is not None

    for role, username, unit_key, post in ADMINS:
        _add_person(ctx, roles, role=role, username=username, unit=ctx.city_units[unit_key],
                    post=post)
    for role, username, unit_key, post in CITY_PEOPLE:
        _add_person(ctx, roles, role=role, username=username, unit=ctx.city_units[unit_key],
                    post=post, anchor=ctx.city)

    for county in ctx.counties:
        w = county.committee
        for role, suffix, unit_key, anchored, post in COUNTY_PEOPLE:
            unit = county.unit if unit_key == "county" else county.units[unit_key]
            _add_person(ctx, roles, role=role, username=f"{county.slug}_{suffix}", unit=unit,
                        post=post.format(w=w), anchor=county.unit if anchored else None)
        for unit in _head_units(county):
            head_post, contact_post = unit_posts(unit)
            slug = ctx.slug_of(unit)
            _add_person(ctx, roles, role="unit_head", username=f"{county.slug}_{slug}_head",
                        unit=unit, post=head_post)
            _add_person(ctx, roles, role="unit_contact", username=f"{county.slug}_{slug}_contact",
                        unit=unit, post=contact_post)

    User.objects.bulk_create(ctx.users, batch_size=BATCH)
    # Each assignment picks up its user's new id when saved (Django re-reads a saved relation).
    RoleAssignment.objects.bulk_create(ctx.assignments, batch_size=BATCH)


# The tree, the terms and the people: fast, bulk inserts, every county.
STRUCTURE_STEPS: list[Step] = [step_organisations, step_terms, step_people]
# The inspection work, through the product's services (every rule checked, every write audited),
# for the first two counties only.
WORK_STEPS: list[Step] = [
    *steps_inspections.STEPS,
    *steps_leads.STEPS,
    *steps_rectification.STEPS,
    *steps_evaluation.STEPS,
]
STEPS: list[Step] = [*STRUCTURE_STEPS, *WORK_STEPS]


def build_demo(seed: int = 2026, scale: int = 1, *, work: bool = True) -> DemoSummary:
    """Loads the demo world into an empty database and returns what it made.

    Refuses a database that already holds units: the demo is a starting point, never a merge.
    ``work=False`` stops after the tree, the terms and the people (tests of those, benchmarks).
    """
    if scale < 1:
        raise DemoError("scale must be at least 1")
    validate_password(DEMO_PASSWORD)
    with transaction.atomic():
        if Unit.objects.exists():
            raise DemoError("数据库中已有单位数据，演示数据只能装入空数据库。")
        # One hash for every account: hashing thousands of passwords with argon2 would take
        # minutes, and the accounts share the password anyway.
        ctx = DemoContext(seed=seed, scale=scale, rng=random.Random(seed),  # noqa: S311 — made-up data
                          password_hash=make_password(DEMO_PASSWORD),
                          today=timezone.localdate())
        for step in STEPS:
            if work or step not in WORK_STEPS:
                step(ctx)
        summary = _summary(ctx)
        record(actor=None, actor_name=DEMO_ACTOR, action="demo.load", object_type="demo",
               object_id=str(seed), object_repr="演示数据",
               changes={"seed": seed, "scale": scale, "units": summary.units,
                        "users": summary.users})
    return summary


def _summary(ctx: DemoContext) -> DemoSummary:
    counted = dict(
        Unit.objects.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    by_kind = {k: counted[k] for k in UnitKind.values if k in counted}
    return DemoSummary(
        seed=ctx.seed, scale=ctx.scale,
        counties=Unit.objects.filter(level=UnitLevel.COUNTY).count(),
        units=sum(by_kind.values()), units_by_kind=by_kind, terms=len(ctx.terms),
        users=len(ctx.users), work=_work_counts(),
    )


def _work_counts() -> dict[str, int]:
    from xuncha.evaluation.models import Evaluation
    from xuncha.findings.models import Problem
    from xuncha.inspections.models import Inspection, Round
    from xuncha.leads.models import Lead
    from xuncha.rectification.models import RectificationPlan, RectificationTask

    counts = {
        "轮次": Round.objects.count(),
        "巡察对象": Inspection.objects.count(),
        "问题": Problem.objects.count(),
        "线索": Lead.objects.count(),
        "整改方案": RectificationPlan.objects.count(),
        "整改任务": RectificationTask.objects.count(),
        "评估": Evaluation.objects.count(),
    }
    return {k: n for k, n in counts.items() if n}
