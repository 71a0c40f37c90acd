"""A small fixed world for tests: one city, two counties, people in every role.

Actors are named for who they are, as healthchecks' alice/bob/charlie: ``east_office`` is the
巡察办 staff of 东湖区, ``west_contact`` a unit contact in 西山县 — an outsider to everything east.
Built through the same services the product uses, so tests see what users see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xuncha.accounts.models import AdminKind, Role, RoleAssignment, User
from xuncha.organisations.models import Term, Unit, UnitKind
from xuncha.organisations.services import set_path

PASSWORD = "Xuncha#Test2026"


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)

    def __getattr__(self, name: str) -> object:
        if name in self.users:
            return self.users[name]
        if name in self.units:
            return self.units[name]
        raise AttributeError(name)


def _unit(w: World, key: str, name: str, kind: str, parent: Unit | None, code: str,
          function: str = "") -> Unit:
    from xuncha.organisations.models import KIND_LEVEL

    u = Unit.objects.create(name=name, code=code, kind=kind, level=KIND_LEVEL[kind], parent=parent,
                            function=function)
    set_path(u)
    u.save(update_fields=["path", "depth", "county"])
    w.units[key] = u
    return u


_HASH: list[str] = []


def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per process.
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(PASSWORD))
    return _HASH[0]


def _user(w: World, key: str, unit: Unit, role: str | None, anchor: Unit | None = None,
          name: str = "") -> User:
    from django.utils import timezone

    user = User.objects.create(username=key, password=_password_hash(), name=name or key,
                               unit=unit, password_changed_at=timezone.now())
    if role:
        r = Role.objects.get(code=role)
        RoleAssignment.objects.create(user=user, role=r, anchor=anchor, admin_kind=r.admin_kind)
    w.users[key] = user
    return user


def build_world() -> World:
    w = World()
    city = _unit(w, "city", "江城市", UnitKind.CITY, None, "C")
    city_office = _unit(w, "city_office_unit", "江城市委巡察办", UnitKind.COMMITTEE_OFFICE, city,
                        "C-XCB", "inspection_office")
    _unit(w, "city_jiwei", "江城市纪委监委", UnitKind.COMMITTEE_OFFICE, city, "C-JW", "discipline")
    for side, cname in (("east", "东湖区"), ("west", "西山县")):
        county = _unit(w, side, cname, UnitKind.COUNTY, city, f"{side.upper()}")
        office = _unit(w, f"{side}_office_unit", f"{cname}委巡察办", UnitKind.COMMITTEE_OFFICE,
                       county, f"{side.upper()}-XCB", "inspection_office")
        jw = _unit(w, f"{side}_jiwei", f"{cname}纪委监委", UnitKind.COMMITTEE_OFFICE, county,
                   f"{side.upper()}-JW", "discipline")
        zzb = _unit(w, f"{side}_zzb", f"{cname}委组织部", UnitKind.COMMITTEE_OFFICE, county,
                    f"{side.upper()}-ZZB", "organisation")
        bureau = _unit(w, f"{side}_bureau", f"{cname}市场监管局", UnitKind.DEPARTMENT, county,
                       f"{side.upper()}-SCJ")
        town = _unit(w, f"{side}_town", f"{cname}青石镇", UnitKind.TOWNSHIP, county,
                     f"{side.upper()}-QS")
        village = _unit(w, f"{side}_village", f"{cname}青石镇柳树村", UnitKind.VILLAGE, town,
                        f"{side.upper()}-QS-LS")
        w.terms[side] = Term.objects.create(unit=county, name="十二届", start_date=date(2021, 9, 1),
                                            end_date=date(2026, 8, 31))
        _user(w, f"{side}_director", office, "office_director", anchor=county)
        _user(w, f"{side}_office", office, "office_staff", anchor=county)
        _user(w, f"{side}_leader", office, "team_leader")
        _user(w, f"{side}_member", office, "team_member")
        _user(w, f"{side}_head", town, "unit_head")
        _user(w, f"{side}_contact", town, "unit_contact")
        _user(w, f"{side}_village_contact", village, "unit_contact")
        _user(w, f"{side}_bureau_contact", bureau, "unit_contact")
        _user(w, f"{side}_jiwei", jw, "discipline_handler", anchor=county)
        _user(w, f"{side}_zzb", zzb, "organisation_dept", anchor=county)
        _user(w, f"{side}_leadership", county, "leadership")
    _user(w, "city_office", city_office, "city_office", anchor=city)
    _user(w, "sysadmin", city, "system_admin")
    _user(w, "secadmin", city, "security_admin")
    _user(w, "auditor", city, "auditor")
    _user(w, "nobody", city, None)
    assert Role.objects.filter(admin_kind=AdminKind.SYSTEM).exists()
    return w
