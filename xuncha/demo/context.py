"""What the demo steps share: the context one build runs over, and the county records in it.

``generator.build_demo`` makes one ``DemoContext`` and hands it to every step in turn. The first
steps make the tree, the terms and the people; the work steps (``steps_*``) add the inspection work
of the first two counties through the product's own services and keep what later steps need
(rounds, inspections, plans) in ``County.work``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from xuncha.demo import names

if TYPE_CHECKING:
    from xuncha.accounts.models import Role, RoleAssignment, User
    from xuncha.findings.models import Problem
    from xuncha.inspections.models import Inspection, Round, Team
    from xuncha.organisations.models import Term, Unit
    from xuncha.rectification.models import RectificationPlan


POSTS: dict[str, tuple[str, str]] = {  # unit kind → (first responsible person, contact)
    "department": ("党组书记、局长", "办公室主任"),
    "street": ("党工委书记", "党政办主任"),
    "township": ("党委书记", "党政办主任"),
    "state_firm": ("党委书记、董事长", "党群工作部部长"),
    "school": ("党委书记", "党政办公室主任"),
    "hospital": ("党委书记", "党委办公室主任"),
    "village": ("党支部书记、村委会主任", "村文书"),
    "community": ("社区党委书记、居委会主任", "社区专职工作者"),
}


def unit_posts(unit: Unit) -> tuple[str, str]:
    """The posts of a unit's first responsible person and its rectification contact."""
    head, contact = POSTS[unit.kind]
    if unit.kind == "department" and unit.short_name.endswith("委"):
        head = "党组书记、主任"
    return head, contact


class DemoError(Exception):
    """The demo cannot be loaded (for example: the database already holds units)."""


@dataclass
class Visit:
    """One inspection of the demo (one team × one target × one round) and what became of it."""

    inspection: Inspection
    round_key: str
    team_number: int
    fate: str  # how far the story goes: old / mid / recent / feedback_voided / on_site / preparing
    problems: list[Problem] = field(default_factory=list)
    plan: RectificationPlan | None = None
    # dates of the story, chosen before the services run and written back afterwards
    entered_on: date | None = None
    reported_on: date | None = None
    approved_on: date | None = None
    signed_on: date | None = None

    @property
    def unit(self) -> Unit:
        return self.inspection.unit


@dataclass
class CountyWork:
    """The inspection work of one county: its term, people by role and what was made."""

    term: Term
    director: User
    staff: list[User]
    leaders: list[User]
    inspectors: list[User]
    jiwei: list[User]
    zuzhi: User
    shuji: User
    fushuji: User
    rounds: dict[str, Round] = field(default_factory=dict)
    teams: dict[tuple[str, int], Team] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)

    def visit(self, round_key: str, index: int = 0) -> Visit:
        found = [v for v in self.visits if v.round_key == round_key]
        return found[index]

    def visits_in(self, *fates: str) -> list[Visit]:
        return [v for v in self.visits if v.fate in fates]


@dataclass
class County:
    unit: Unit
    slug: str
    district: bool  # 区 rather than 县
    units: dict[str, Unit] = field(default_factory=dict)  # committee offices, departments, …
    townships: list[Unit] = field(default_factory=list)
    villages: dict[str, list[Unit]] = field(default_factory=dict)  # by township code
    work: CountyWork | None = None

    @property
    def committee(self) -> str:
        """区委 or 县委, as in 区委巡察办."""
        return "区委" if self.district else "县委"

    @property
    def name(self) -> str:
        return self.unit.name

    def resolve(self, key: str) -> Unit:
        """A unit by demo key: ``township:1``, ``village:5:0`` (township 5, village 0), or the
        slug of an office, department, firm, school or hospital (``dept:fgw`` or ``fgw``)."""
        kind, _sep, rest = key.partition(":")
        if kind == "township":
            return self.townships[int(rest)]
        if kind == "village":
            t, _s, v = rest.partition(":")
            return self.villages[self.townships[int(t)].code][int(v)]
        return self.units[rest or kind]


@dataclass
class DemoContext:
    seed: int
    scale: int
    rng: random.Random
    password_hash: str
    today: date
    city: Unit | None = None
    city_units: dict[str, Unit] = field(default_factory=dict)
    counties: list[County] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    assignments: list[RoleAssignment] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)
    people: dict[str, User] = field(default_factory=dict)  # by login name
    roles: dict[str, Role] = field(default_factory=dict)
    current_terms: dict[int, Term] = field(default_factory=dict)  # county unit id → current term
    _slugs: dict[int, str] = field(default_factory=dict)  # unit pk → slug, for login names
    # Anything a later step wants from an earlier one that has no better home.
    notes: dict[str, Any] = field(default_factory=dict)

    def slug_of(self, unit: Unit) -> str:
        return self._slugs[unit.pk]

    def person_name(self) -> str:
        rng = self.rng
        for _attempt in range(10_000):
            given = rng.choice(names.GIVEN)
            if rng.random() < 0.75:
                given += rng.choice(names.GIVEN.replace(given, ""))
            name = rng.choice(names.SURNAMES) + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise DemoError("ran out of person names")  # pragma: no cover

    def add_person(self, *, role: str, username: str, unit: Unit, post: str,
                   anchor: Unit | None = None) -> User:
        """A demo account with one role, kept for a bulk insert by the caller (not saved)."""
        from django.utils import timezone

        from xuncha.accounts.models import RoleAssignment, User

        user = User(username=username, name=self.person_name(), unit=unit, post=post,
                    password=self.password_hash, must_change_password=False,
                    password_changed_at=timezone.now())
        user.clean_fields(exclude=["password", "unit"])
        self.users.append(user)
        self.people[username] = user
        r = self.roles[role]
        self.assignments.append(RoleAssignment(user=user, role=r, anchor=anchor,
                                               admin_kind=r.admin_kind))
        return user

    @property
    def work_counties(self) -> list[County]:
        """The counties that get inspection work: the first two (the benchmarks have their own
        bulk generator for volume, so ``scale`` only multiplies the tree and the people)."""
        return [c for c in self.counties[:2] if c.work is not None]


Step = Callable[[DemoContext], None]
