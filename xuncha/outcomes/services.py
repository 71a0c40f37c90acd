"""Recording outcomes: institutions built, funds recovered, and the accountability list.

The accountability list carries the warning the articles raise: "only direct responsibility
pursued, leadership ignored" — a problem that names leaders with only direct responsibility
recorded is flagged (``accountability_warnings``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.core.errors import ValidationFailed
from xuncha.findings.models import Problem
from xuncha.outcomes.models import (
    AccountabilityRecord,
    FourForms,
    FundsRecovery,
    Institution,
    ResponsibilityKind,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.leads.models import Lead
    from xuncha.organisations.models import Unit


def _fail(errors: list[dict[str, str]]) -> None:
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)


@transaction.atomic
def institution_add(*, actor: User, unit: Unit, name: str, issued_on: date,
                    problems: Iterable[Problem], document_number: str = "") -> Institution:
    scope.require(actor, "outcomes.manage_outcome", unit)
    probs = list(problems)
    errors = []
    if not name.strip():
        errors.append({"field": "name", "message": _("请填写制度名称。")})
    if not probs:
        errors.append({"field": "problems", "message": _("请选择该制度针对的问题。")})
    if any(not p.unit.path.startswith(unit.path) for p in probs):
        errors.append({"field": "problems", "message": _("只能关联本单位的问题。")})
    _fail(errors)
    inst = Institution.objects.create(unit=unit, county_id=unit.county_id, name=name.strip(),
                                      document_number=document_number.strip(), issued_on=issued_on,
                                      created_by=actor)
    inst.problems.set(probs)
    record(actor=actor, action="institution.add", obj=inst, changes={"problems": len(probs)})
    return inst


def parse_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("金额“%(v)s”不是有效数字。") % {"v": value},
                               details=[{"field": "amount", "message": ""}]) from None
    if amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(_("金额须为正数,最多两位小数。"),
                               details=[{"field": "amount", "message": ""}])
    return amount


@transaction.atomic
def funds_add(*, actor: User, unit: Unit, amount: Any, payer_or_payee: str, recorded_on: date,
              kind: str = "recovered", problem: Problem | None = None,
              lead: Lead | None = None) -> FundsRecovery:
    scope.require(actor, "outcomes.manage_outcome", unit)
    value = parse_amount(amount)
    errors = []
    if problem is None and lead is None:
        errors.append({"field": "problem", "message": _("请关联问题或线索。")})
    if not payer_or_payee.strip():
        errors.append({"field": "payer_or_payee", "message": _("请填写收回自或退还给谁。")})
    _fail(errors)
    f = FundsRecovery.objects.create(unit=unit, county_id=unit.county_id, amount=value, kind=kind,
                                     payer_or_payee=payer_or_payee.strip(), recorded_on=recorded_on,
                                     problem=problem, lead=lead, created_by=actor)
    record(actor=actor, action="funds.add", obj=f, changes={"amount": str(value)})
    return f


@transaction.atomic
def accountability_add(*, actor: User, unit: Unit, person_name: str, post: str,
                       responsibility: str, form: str, measure: str, decided_on: date,
                       deciding_body: str, problem: Problem | None = None,
                       lead: Lead | None = None,
                       is_organisation: bool = False) -> AccountabilityRecord:
    scope.require(actor, "outcomes.manage_outcome", unit)
    errors = []
    if not person_name.strip():
        errors.append({"field": "person_name", "message": _("请填写被问责人(或党组织)名称。")})
    if responsibility not in ResponsibilityKind.values:
        errors.append({"field": "responsibility", "message": _("请选择责任类型。")})
    if form not in FourForms.values:
        errors.append({"field": "form", "message": _("请选择“四种形态”。")})
    if not measure.strip():
        errors.append({"field": "measure", "message": _("请填写处理方式。")})
    if not deciding_body.strip():
        errors.append({"field": "deciding_body", "message": _("请填写决定机关。")})
    if problem is None and lead is None:
        errors.append({"field": "problem", "message": _("请关联问题或线索。")})
    _fail(errors)
    rec = AccountabilityRecord.objects.create(
        unit=unit, county_id=unit.county_id, person_name=person_name.strip(), post=post.strip(),
        is_organisation=is_organisation, problem=problem, lead=lead, responsibility=responsibility,
        form=form, measure=measure.strip(), decided_on=decided_on,
        deciding_body=deciding_body.strip(), created_by=actor)
    record(actor=actor, action="accountability.add", obj=rec,
           changes={"responsibility": responsibility, "form": form})
    return rec


def accountability_warnings(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    """Problems naming people where only direct responsibility has been pursued."""
    out = []
    for p in problems:
        if not p.names_people:
            continue
        kinds = set(AccountabilityRecord.objects.filter(problem=p)
                    .values_list("responsibility", flat=True))
        if not kinds:
            out.append({"problem": p.pk, "number": p.number, "title": p.title,
                        "message": _("第 %(n)s 条问题涉及具体人员,尚未记录任何问责。") % {"n": p.number}})
        elif kinds <= {ResponsibilityKind.DIRECT}:
            out.append({"problem": p.pk, "number": p.number, "title": p.title,
                        "message": _("第 %(n)s 条问题只追究了直接责任,未倒查领导责任和主体责任。")
                        % {"n": p.number}})
    return out
