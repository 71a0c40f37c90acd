"""The one place that decides what a user may see.

Every list, detail, count, export, chart and API call goes through :func:`visible` (or
:func:`get_visible`, which raises NotFound for both "missing" and "not yours"). A model takes part
by registering how its rows hang on the unit tree (:func:`register`); later parts of the product
add their own grants (a team sees its own inspections) through ``extra``.

A permission is granted by a role assignment *together with its scope*: a user holding role A
(permission X, own unit) and role B (permission Y, whole county) may use X only on their unit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router
from django.db.models import Q, QuerySet

from xuncha.core.errors import NotFound, PermissionDenied
from xuncha.core.tree import subtree_q

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit

@dataclass(frozen=True)
class Scope:
    """The units a user reaches with one permission, unioned over their assignments."""

    everything: bool = False
    subtree_paths: tuple[str, ...] = ()
    unit_ids: frozenset[int] = frozenset()
    own_records: bool = False
    # The county of each subtree's root (None above county level), in the order of subtree_paths:
    # rows that keep a copy of their unit's county are also narrowed by it (``county_field``), which
    # is redundant but lets the database use its county-keyed indexes (docs/performance.md).
    subtree_counties: tuple[int | None, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everything or self.subtree_paths or self.unit_ids or self.own_records)

    def unit_q(self, unit_field: str, county_field: str | None = None) -> Q:
        """Rows whose unit (reached through ``unit_field``; "" for the Unit model) is in scope.

        ``county_field`` names the row's own copy of its unit's county, if it keeps one.
        """
        if self.everything:
            return Q()
        prefix = f"{unit_field}__" if unit_field else ""
        id_lookup = f"{unit_field}_id__in" if unit_field else "id__in"
        counties = dict(zip(self.subtree_paths, self.subtree_counties, strict=False))
        q = Q(pk__in=[])
        for path in _minimal_paths(self.subtree_paths):
            county = counties.get(path)
            if county_field and county is not None and path.endswith(f"/{county}/"):
                # Rooted at the county itself: its subtree is exactly the rows of that county,
                # one index range, no join to the units.
                q |= Q(**{f"{county_field}_id": county})
                continue
            part = subtree_q(path, f"{prefix}path")
            if county_field and county is not None:
                part &= Q(**{f"{county_field}_id": county})
            q |= part
        if self.unit_ids:
            q |= Q(**{id_lookup: sorted(self.unit_ids)})
        return q

    def covers_unit(self, unit: Unit) -> bool:
        if self.everything:
            return True
        if unit.id in self.unit_ids:
            return True
        return any(unit.path.startswith(p) for p in self.subtree_paths)


def _minimal_paths(paths: tuple[str, ...]) -> list[str]:
    """Drops paths already inside another one, so the SQL stays short."""
    result: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(kept) for kept in result):
            result.append(p)
    return result


@dataclass
class ScopedResource:
    model: type[models.Model]
    # Path from the model to its Unit ("unit", "inspection__unit"); "" for Unit itself; None when
    # the rows do not hang on the tree (they are then reached only through owner/extra).
    unit_field: str | None
    view_perm: str | None
    owner_field: str | None = None
    # The row's copy of its unit's county (always equal to ``<unit_field>.county``; units never
    # move between counties): narrows subtree conditions to the county's index ranges.
    county_field: str | None = None
    # Only the owner ever sees these rows (the inbox, API tokens), whatever the scope.
    personal: bool = False
    # Every signed-in user sees these rows (shared dictionaries such as problem categories).
    public: bool = False
    # What "own records only" means when it is not a plain owner column (e.g. one's own unit).
    own_q: Callable[[User], Q] | None = None
    extra: Callable[[User], Q] | None = None
    restrict: Callable[[User], Q] | None = None
    label: str = field(default="")


_REGISTRY: dict[type[models.Model], ScopedResource] = {}


def register(
    model: type[models.Model],
    *,
    unit_field: str | None,
    view_perm: str | None,
    owner_field: str | None = None,
    county_field: str | None = None,
    personal: bool = False,
    public: bool = False,
    own_q: Callable[[User], Q] | None = None,
    extra: Callable[[User], Q] | None = None,
    restrict: Callable[[User], Q] | None = None,
) -> None:
    _REGISTRY[model] = ScopedResource(
        model=model, unit_field=unit_field, view_perm=view_perm, owner_field=owner_field,
        county_field=county_field,
        personal=personal, public=public, own_q=own_q, extra=extra, restrict=restrict,
        label=model._meta.label,
    )


def resource_for(model: type[models.Model]) -> ScopedResource:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered with xuncha.accounts.scope") from None


@dataclass(frozen=True)
class Grant:
    """One role assignment as the scope check uses it: the role's data scope and permissions, and
    where the scope is anchored (the assignment's anchor, else the user's own unit)."""

    data_scope: str
    perms: frozenset[str]
    anchor_id: int
    anchor_path: str
    anchor_county_id: int | None
    custom_unit_ids: frozenset[int] = frozenset()


def _assignments(user: User) -> list[Grant]:
    """The user's role assignments, read once per user object (i.e. once per request)."""
    cached = getattr(user, "_xuncha_assignments", None)
    if cached is None:
        cached = _load_grants(user)
        user._xuncha_assignments = cached  # type: ignore[attr-defined]
    return cached


# One row per assignment and permission of the role (a role without permissions gives one row with
# None). The anchor, else the user's own unit, roots the scope.
_GRANT_COLUMNS = (
    "id", "role__data_scope",
    "anchor_id", "anchor__path", "anchor__county_id",
    "user__unit_id", "user__unit__path", "user__unit__county_id",
    "role__permissions__content_type__app_label", "role__permissions__codename",
)


@functools.cache
def _grants_sql(alias: str) -> str:
    """The grants query as the ORM writes it, compiled once per process and database: it differs
    between users only by its one parameter, the user's id, and compiling it took five times
    longer than running it (0.5 ms of every request, measured)."""
    from xuncha.accounts.models import RoleAssignment

    sql, params = (RoleAssignment.objects.using(alias).filter(user_id=0).order_by("id")
                   .values_list(*_GRANT_COLUMNS).query.sql_with_params())
    if tuple(params) != (0,):
        raise RuntimeError(f"the grants query should have the user's id as its only parameter: {params}")
    return sql


def _load_grants(user: User) -> list[Grant]:
    """Every assignment with its role's permissions in one query of plain values, plus one for
    the custom units when a role has that scope.

    Nothing is kept between requests: a role or permission change counts from the next request.
    """
    from xuncha.accounts.models import DataScope, RoleAssignment

    alias = router.db_for_read(RoleAssignment)
    with connections[alias].cursor() as cursor:
        cursor.execute(_grants_sql(alias), [user.pk])
        rows = cursor.fetchall()
    heads: dict[int, tuple[Any, ...]] = {}
    perms: dict[int, set[str]] = {}
    for (pk, data_scope, anchor_id, anchor_path, anchor_county, unit_id, unit_path, unit_county,
         app_label, codename) in rows:
        if pk not in heads:
            heads[pk] = ((data_scope, anchor_id, anchor_path, anchor_county) if anchor_id is not None
                         else (data_scope, unit_id, unit_path, unit_county))
            perms[pk] = set()
        if codename is not None:
            perms[pk].add(f"{app_label}.{codename}")
    custom: dict[int, set[int]] = {}
    if any(h[0] == DataScope.CUSTOM for h in heads.values()):
        through = RoleAssignment.custom_units.through
        for a_id, unit_id in through.objects.filter(roleassignment_id__in=list(heads)).values_list(
                "roleassignment_id", "unit_id"):
            custom.setdefault(a_id, set()).add(unit_id)
    return [Grant(data_scope=h[0], perms=frozenset(perms[pk]), anchor_id=h[1], anchor_path=h[2],
                  anchor_county_id=h[3], custom_unit_ids=frozenset(custom.get(pk, ())))
            for pk, h in heads.items()]


def permissions_of(user: User) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_xuncha_perms", None)
    if cached is None:
        cached = set()
        for g in _assignments(user):
            cached |= g.perms
        user._xuncha_perms = cached  # type: ignore[attr-defined]
    return cached


def scope_for(user: User, perm: str | None) -> Scope:
    """The scope of ``perm`` for ``user``: the union of the scopes of the assignments granting it.

    ``perm=None`` unions every assignment (used for rows any role may read in its scope).
    """
    from xuncha.accounts.models import DataScope

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cache: dict[str | None, Scope] = getattr(user, "_xuncha_scopes", None) or {}
    if perm in cache:
        return cache[perm]
    everything = False
    own = False
    paths: list[str] = []
    counties: list[int | None] = []
    ids: set[int] = set()
    for g in _assignments(user):
        if perm is not None and perm not in g.perms:
            continue
        match g.data_scope:
            case DataScope.ALL:
                everything = True
            case DataScope.SUBTREE:
                paths.append(g.anchor_path)
                counties.append(g.anchor_county_id)
            case DataScope.UNIT:
                ids.add(g.anchor_id)
            case DataScope.SELF:
                own = True
            case DataScope.CUSTOM:
                ids.update(g.custom_unit_ids)
    scope = Scope(
        everything=everything, subtree_paths=tuple(paths), unit_ids=frozenset(ids), own_records=own,
        subtree_counties=tuple(counties),
    )
    cache[perm] = scope
    user._xuncha_scopes = cache  # type: ignore[attr-defined]
    return scope


def forget(user: User) -> None:
    """Drops what was cached on the user object (after their roles change)."""
    for attr in ("_xuncha_assignments", "_xuncha_perms", "_xuncha_scopes"):
        if hasattr(user, attr):
            delattr(user, attr)


def visibility_q(user: User, model: type[models.Model], perm: str | None = None) -> Q:
    """The filter for rows of ``model`` that ``user`` may see (with ``perm``, if given)."""
    res = resource_for(model)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if res.public:
        if res.view_perm is None or res.view_perm in permissions_of(user):
            return Q()
        return Q(pk__in=[])
    if res.personal:
        assert res.owner_field, f"{res.label}: a personal resource names its owner field"
        return Q(**{res.owner_field: user.pk})
    needed = perm or res.view_perm
    everything = False
    if needed is not None and needed not in permissions_of(user):
        q = Q(pk__in=[])
    else:
        scope = scope_for(user, needed)
        # Q() means "no restriction", and Q() | X is X in Django: "everything" is kept apart.
        everything = scope.everything
        q = (scope.unit_q(res.unit_field, res.county_field) if res.unit_field is not None
             else Q(pk__in=[]))
        if scope.own_records and res.own_q is not None:
            q |= res.own_q(user)
        elif scope.own_records and res.owner_field:
            q |= Q(**{res.owner_field: user.pk})
    if everything:
        q = Q()
    elif res.extra is not None:
        q |= res.extra(user)  # noqa: S610 — our own grant callable, not QuerySet.extra()
    if res.restrict is not None:
        q &= res.restrict(user)
    return q


def visible[M: models.Model](user: User, qs: QuerySet[M] | type[M],
                             perm: str | None = None) -> QuerySet[M]:
    """THE scope check: the rows of ``qs`` that ``user`` may see."""
    queryset = qs._default_manager.all() if isinstance(qs, type) else qs
    return queryset.filter(visibility_q(user, queryset.model, perm))


def get_visible[M: models.Model](
    user: User, qs: QuerySet[M] | type[M], perm: str | None = None, **lookup: Any
) -> M:
    """One visible row, or NotFound — the same for a row that does not exist and one not yours."""
    try:
        return visible(user, qs, perm).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def require(user: User, perm: str, unit: Unit | None = None) -> None:
    """Refuses unless ``user`` holds ``perm`` over ``unit`` (or at all, when unit is None).

    Callers first make the object visible (get_visible), so a refusal here is a real 403.
    """
    if perm not in permissions_of(user):
        raise PermissionDenied(_denied_message())
    if unit is not None and not scope_for(user, perm).covers_unit(unit):
        raise PermissionDenied(_denied_message())


def has(user: User, perm: str, unit: Unit | None = None) -> bool:
    try:
        require(user, perm, unit)
    except PermissionDenied:
        return False
    return True


def _denied_message() -> str:
    from django.utils.translation import gettext

    return gettext("您的角色无权执行此操作。")
