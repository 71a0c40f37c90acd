"""Reads of the organisation tree, always through the scope check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from xuncha.accounts.scope import get_visible, visible
from xuncha.core.tree import subtree_q
from xuncha.organisations.models import Term, Unit

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def unit_list(
    *, user: User, parent_id: int | None = None, under_id: int | None = None, q: str = "",
    kind: str = "", level: int | None = None, active: bool | None = None,
) -> QuerySet[Unit]:
    qs = visible(user, Unit).select_related("parent")
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if under_id is not None:
        root = get_visible(user, Unit, pk=under_id)
        qs = qs.filter(subtree_q(root.path))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if level is not None:
        qs = qs.filter(level=level)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


def unit_get(*, user: User, unit_id: int) -> Unit:
    return get_visible(user, Unit.objects.select_related("parent", "county"), pk=unit_id)


def _with_visible_child_counts(user: User, units: list[Unit]) -> list[Unit]:
    """Counts only the children the user may see: the tree must not reveal hidden subunits."""
    counts = dict(visible(user, Unit).filter(parent__in=[u.pk for u in units])
                  .values_list("parent_id").annotate(n=Count("id")))
    for u in units:
        u.child_count = counts.get(u.pk, 0)  # type: ignore[attr-defined]
    return units


def unit_roots(*, user: User) -> list[Unit]:
    """The topmost visible units: those whose parent the user cannot see."""
    units = visible(user, Unit).only("id", "path", "parent_id")
    ids = set(units.values_list("id", flat=True)) if units.count() < 2000 else None
    if ids is not None:
        roots = [u for u in units if u.parent_id not in ids]
        return _with_visible_child_counts(
            user, list(Unit.objects.filter(pk__in=[u.pk for u in roots]).order_by("path")))
    # Large scopes: the shortest paths are the roots.
    first = units.order_by("depth").first()
    if first is None:
        return []
    return _with_visible_child_counts(
        user, list(visible(user, Unit).filter(depth=first.depth).order_by("path")))


def unit_children(*, user: User, parent: Unit) -> list[Unit]:
    return _with_visible_child_counts(
        user, list(visible(user, Unit).filter(parent=parent).order_by("sort_order", "path")))


def unit_ancestors(*, user: User, unit: Unit) -> list[Unit]:
    ids = unit.ancestor_ids()
    found = {u.pk: u for u in visible(user, Unit).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def term_list(*, user: User, unit_id: int | None = None) -> QuerySet[Term]:
    qs = visible(user, Term).select_related("unit")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("unit__path", "-start_date")


def term_get(*, user: User, term_id: int) -> Term:
    return get_visible(user, Term.objects.select_related("unit"), pk=term_id)
