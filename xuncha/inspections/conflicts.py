"""Inspectors' own declarations of conflicts (任职回避、公务回避), filed before entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.audit.services import record
from xuncha.core.errors import PermissionDenied, ValidationFailed
from xuncha.inspections.models import ConflictDeclaration, ConflictKind

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit


def declarable_unit(*, user: User, unit_id: int) -> Unit:
    """Any unit of the inspector's own county (or city) may be declared: the names of the county's
    units are not confidential, and an inspector must be able to declare a unit they cannot see."""
    from xuncha.core.errors import NotFound
    from xuncha.core.tree import subtree_q
    from xuncha.organisations.models import Unit, UnitLevel

    top = user.unit.county if user.unit.county_id else user.unit
    while top.parent_id and top.level > UnitLevel.CITY and top.county_id is None:
        top = top.parent
    unit = Unit.objects.filter(subtree_q(top.path), pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


@transaction.atomic
def declaration_add(*, actor: User, unit: Unit, kind: str, relative_name: str = "",
                    relation: str = "", description: str = "",
                    period: str = "") -> ConflictDeclaration:
    """Each inspector declares for themself: a relative's or a past post is a personal fact.
    Only people who can be sent on rounds (inspectors and the office) declare."""
    from xuncha.accounts.scope import permissions_of

    if "inspections.view_round" not in permissions_of(actor):
        raise PermissionDenied(_("只有巡察干部需要申报回避情形。"))
    errors = []
    if kind not in ConflictKind.values:
        errors.append({"field": "kind", "message": _("回避情形无效。")})
    if kind == ConflictKind.RELATIVE and not (relative_name.strip() and relation.strip()):
        errors.append({"field": "relative_name", "message": _("亲属任职须填写亲属姓名和关系。")})
    if kind == ConflictKind.RELATIONSHIP and not description.strip():
        errors.append({"field": "description", "message": _("请说明存在何种利害关系。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    d = ConflictDeclaration.objects.create(
        user=actor, unit=unit, kind=kind, relative_name=relative_name.strip(),
        relation=relation.strip(), description=description.strip(), period=period.strip())
    record(actor=actor, action="conflict.declare", obj=d,
           changes={"unit": unit.name, "kind": kind})
    return d


@transaction.atomic
def declaration_remove(*, actor: User, declaration: ConflictDeclaration) -> None:
    if declaration.user_id != actor.pk:
        raise PermissionDenied(_("只能撤回本人的回避申报。"))
    record(actor=actor, action="conflict.withdraw", obj=declaration,
           changes={"unit": declaration.unit.name, "kind": declaration.kind})
    declaration.delete()
