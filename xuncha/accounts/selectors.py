"""Reads of people and roles, always through the scope check."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from xuncha.accounts.models import ApiToken, Role, RoleAssignment, User
from xuncha.accounts.scope import get_visible, visible
from xuncha.core.tree import subtree_q


def user_list(
    *, user: User, q: str = "", unit_id: int | None = None, under_id: int | None = None,
    role: str = "", active: bool | None = None,
) -> QuerySet[User]:
    qs = visible(user, User).select_related("unit").prefetch_related(
        Prefetch("assignments", queryset=RoleAssignment.objects.select_related("role", "anchor"))
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(post__icontains=q))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if under_id is not None:
        from xuncha.organisations.selectors import unit_get

        root = unit_get(user=user, unit_id=under_id)
        qs = qs.filter(subtree_q(root.path, "unit__path"))
    if role:
        qs = qs.filter(assignments__role__code=role).distinct()
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("unit__path", "username")


def user_get(*, user: User, user_id: int) -> User:
    return get_visible(user, User.objects.select_related("unit"), pk=user_id)


def role_list(*, user: User) -> QuerySet[Role]:
    return visible(user, Role).prefetch_related("permissions__content_type").order_by("id")


def role_get(*, user: User, role_id: int) -> Role:
    return get_visible(user, Role, pk=role_id)


def assignment_get(*, user: User, assignment_id: int) -> RoleAssignment:
    return get_visible(
        user, RoleAssignment.objects.select_related("user", "role", "user__unit"), pk=assignment_id
    )


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return visible(user, ApiToken).order_by("-created_at")


def token_get(*, user: User, token_id: int) -> ApiToken:
    return get_visible(user, ApiToken, pk=token_id)
