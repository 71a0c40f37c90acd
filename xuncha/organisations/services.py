"""Writes to the organisation tree and the terms.

Every write: atomic, checked against the actor's permission *over the unit concerned*, audited in
the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import diff, record
from xuncha.core.errors import PermissionDenied, ValidationFailed
from xuncha.organisations.models import KIND_LEVEL, Term, Unit, UnitKind, UnitLevel

if TYPE_CHECKING:
    from xuncha.accounts.models import User

UNIT_FIELDS = ("name", "short_name", "code", "kind", "sort_order", "is_active", "function")


def _validation_failed(exc: ValidationError) -> ValidationFailed:
    details = [
        {"field": field, "message": str(msg)}
        for field, msgs in exc.message_dict.items()
        for msg in msgs
    ] if hasattr(exc, "error_dict") else [{"field": "", "message": str(m)} for m in exc.messages]
    return ValidationFailed("; ".join(d["message"] for d in details), details=details)


def set_path(unit: Unit) -> None:
    """Computes path, depth and county from the parent (the parent's path is already right)."""
    parent = unit.parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = (parent.depth + 1) if parent else 0
    if unit.level == UnitLevel.COUNTY:
        unit.county_id = unit.pk
    else:
        unit.county_id = parent.county_id if parent else None


def check_parent(kind: str, parent: Unit | None) -> None:
    level = KIND_LEVEL[kind]
    if parent is None:
        if level > UnitLevel.CITY:
            raise ValidationFailed(
                _("只有省、市级单位可以没有上级单位。"), details=[{"field": "parent", "message": ""}]
            )
        return
    if level <= parent.level:
        raise ValidationFailed(
            _("“%(kind)s”不能作为“%(parent)s”(%(pkind)s)的下级。")
            % {"kind": UnitKind(kind).label, "parent": parent.name,
               "pkind": UnitKind(parent.kind).label},
            details=[{"field": "parent", "message": ""}],
        )


@transaction.atomic
def unit_create(
    *, actor: User, parent: Unit | None, name: str, code: str, kind: str,
    short_name: str = "", sort_order: int = 0, is_active: bool = True, function: str = "",
) -> Unit:
    """Adds a unit under ``parent``; the actor must manage units over the parent."""
    if parent is None:
        scope.require(actor, "organisations.manage_unit")
        if not scope.scope_for(actor, "organisations.manage_unit").everything:
            raise PermissionDenied(_("只有全系统范围的管理员可以新建顶级单位。"))
    else:
        scope.require(actor, "organisations.manage_unit", parent)
    if kind not in UnitKind.values:
        raise ValidationFailed(_("单位类型“%(k)s”无效。") % {"k": kind},
                               details=[{"field": "kind", "message": ""}])
    check_parent(kind, parent)
    unit = Unit(parent=parent, name=name.strip(), short_name=short_name.strip(),
                code=code.strip(), kind=kind, level=KIND_LEVEL[kind], sort_order=sort_order,
                is_active=is_active, function=function)
    try:
        unit.full_clean(exclude=["path", "county"])
    except ValidationError as exc:
        raise _validation_failed(exc) from None
    unit.save()
    set_path(unit)
    unit.save(update_fields=["path", "depth", "county"])
    record(actor=actor, action="unit.create", obj=unit,
           changes={f: [None, getattr(unit, f)] for f in UNIT_FIELDS})
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, expected_version: int, **fields: Any) -> Unit:
    """Edits a unit's own fields (not its place in the tree); optimistic locking on ``version``."""
    scope.require(actor, "organisations.manage_unit", unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    before = {f: getattr(unit, f) for f in UNIT_FIELDS}
    for f, v in fields.items():
        setattr(unit, f, v.strip() if isinstance(v, str) else v)
    if "kind" in fields:
        if unit.kind not in UnitKind.values:
            raise ValidationFailed(_("单位类型无效。"))
        if KIND_LEVEL[unit.kind] != unit.level:
            raise ValidationFailed(
                _("修改类型不能改变层级:请新建单位后迁移人员。"),
                details=[{"field": "kind", "message": ""}],
            )
    try:
        unit.full_clean(exclude=["path", "county", "parent"])
    except ValidationError as exc:
        raise _validation_failed(exc) from None
    unit.save_versioned(expected_version=expected_version, update_fields=list(fields))
    after = {f: getattr(unit, f) for f in UNIT_FIELDS}
    record(actor=actor, action="unit.update", obj=unit, changes=diff(before, after))
    return unit


@transaction.atomic
def term_create(
    *, actor: User, unit: Unit, name: str, start_date: date, end_date: date
) -> Term:
    """届次 belong to the committee of a county (or city) unit."""
    scope.require(actor, "organisations.manage_term", unit)
    if unit.level not in (UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.PROVINCE):
        raise ValidationFailed(_("届次只能设在市、县(区)级党委。"),
                               details=[{"field": "unit", "message": ""}])
    term = Term(unit=unit, name=name.strip(), start_date=start_date, end_date=end_date)
    if end_date <= start_date:
        raise ValidationFailed(_("结束日期必须晚于开始日期。"),
                               details=[{"field": "end_date", "message": ""}])
    try:
        term.full_clean()
    except ValidationError as exc:
        raise _validation_failed(exc) from None
    term.save()
    record(actor=actor, action="term.create", obj=term,
           changes={"name": [None, term.name], "start_date": [None, str(start_date)],
                    "end_date": [None, str(end_date)]})
    return term


@transaction.atomic
def term_update(
    *, actor: User, term: Term, expected_version: int, **fields: Any
) -> Term:
    scope.require(actor, "organisations.manage_term", term.unit)
    allowed = {"name", "start_date", "end_date"}
    if set(fields) - allowed:
        raise ValueError("unknown fields")
    before = {f: str(getattr(term, f)) for f in allowed}
    for f, v in fields.items():
        setattr(term, f, v)
    if term.end_date <= term.start_date:
        raise ValidationFailed(_("结束日期必须晚于开始日期。"),
                               details=[{"field": "end_date", "message": ""}])
    term.save_versioned(expected_version=expected_version, update_fields=list(fields))
    record(actor=actor, action="term.update", obj=term,
           changes=diff(before, {f: str(getattr(term, f)) for f in allowed}))
    return term
