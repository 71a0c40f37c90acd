"""Registering problem leads, and turning a problem into a lead (the 昆明 case: the reviewer sees
that a "general problem" — under-age party admission — names people and belongs with the discipline
commission). Handling after transfer is added by the leads lifecycle (issue 5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.core.crypto import blind_index
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem, ProblemCategory, ProblemState
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.services import is_team_member
from xuncha.leads.models import Lead, LeadPerson

if TYPE_CHECKING:
    from xuncha.accounts.models import User

NAME_CONTEXT = "leads.leadperson.name"


def name_digest(name: str) -> str:
    return blind_index(name, context=NAME_CONTEXT)


def _require_lead_writer(actor: User, inspection: Inspection) -> None:
    """The team leader of the inspection, or the office director over the unit."""
    if inspection.status in (InspectionStatus.PREPARING, InspectionStatus.ARCHIVED):
        raise Conflict(_("巡察当前状态为“%(s)s”,不能登记线索。") % {"s": inspection.status_label})
    if is_team_member(actor, inspection, leader=True) and scope.has(actor, "leads.manage_lead"):
        return
    scope.require(actor, "leads.manage_lead", inspection.unit)


def _clean_persons(persons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    errors = []
    for i, p in enumerate(persons, start=1):
        name = str(p.get("name") or "").strip()
        if not name:
            errors.append({"field": f"persons.{i}.name", "message": _("第 %(i)d 名涉及人员缺少姓名。")
                           % {"i": i}})
            continue
        id_number = str(p.get("id_number") or "").strip().upper()
        if id_number and not (len(id_number) == 18 and id_number[:17].isdigit()
                              and (id_number[17].isdigit() or id_number[17] == "X")):
            errors.append({"field": f"persons.{i}.id_number",
                           "message": _("第 %(i)d 名涉及人员的身份证号应为 18 位。") % {"i": i}})
        cleaned.append({"name": name, "id_number": id_number,
                        "phone": str(p.get("phone") or "").strip(),
                        "post": str(p.get("post") or "").strip(),
                        "is_village_cadre": bool(p.get("is_village_cadre"))})
    if not cleaned and not errors:
        errors.append({"field": "persons", "message": _("问题线索须写明涉及人员。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    return cleaned


@transaction.atomic
def lead_register(
    *, actor: User, inspection: Inspection, summary: str, facts: str,
    persons: Iterable[dict[str, Any]], category: ProblemCategory | None = None,
    source_problem: Problem | None = None, concerns_poverty_alleviation: bool = False,
) -> Lead:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if source_problem is None:
        _require_lead_writer(actor, inspection)
    people = _clean_persons(persons)
    if not summary.strip() or len(facts.strip()) < 10:
        raise ValidationFailed(_("请填写线索摘要和不少于 10 个字的主要事实。"),
                               details=[{"field": "facts", "message": ""}])
    number = (inspection.leads.aggregate(m=Max("number"))["m"] or 0) + 1
    lead = Lead.objects.create(
        inspection=inspection, unit=inspection.unit, county_id=inspection.unit.county_id,
        number=number, category=category, summary=summary.strip(), facts=facts.strip(),
        source_problem=source_problem, registered_by=actor,
        concerns_poverty_alleviation=concerns_poverty_alleviation,
    )
    LeadPerson.objects.bulk_create([
        LeadPerson(lead=lead, name_index=name_digest(p["name"]), **p) for p in people
    ])
    # The audit row says that a lead was registered and by whom, never whom it names.
    record(actor=actor, action="lead.register", obj=lead,
           changes={"number": number, "persons": len(people),
                    "from_problem": source_problem.pk if source_problem else None})
    return lead


@transaction.atomic
def problem_convert_to_lead(*, actor: User, problem: Problem, persons: Iterable[dict[str, Any]],
                            summary: str = "", note: str = "") -> Lead:
    """A reviewer (report review rights, or the office director) re-classifies a problem as a lead;
    the problem leaves the unit's list and becomes as confidential as the lead."""
    if not (scope.has(actor, "reports.review_report", problem.unit)
            or scope.has(actor, "leads.manage_lead", problem.unit)):
        raise PermissionDenied(_("只有审阅人或巡察办主任可以将问题转为线索。"))
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.state != ProblemState.ACTIVE:
        raise Conflict(_("该问题已转为线索或已撤销。"))
    if problem.inspection.reached(InspectionStatus.RECTIFYING):
        raise Conflict(_("问题已进入整改,不能再转为线索。"))
    lead = lead_register(actor=actor, inspection=problem.inspection,
                         summary=summary or problem.title,
                         facts=problem.facts + (f"\n\n{note}" if note else ""),
                         persons=persons, category=problem.category, source_problem=problem)
    Problem.objects.filter(pk=problem.pk).update(state=ProblemState.CONVERTED,
                                                 version=problem.version + 1)
    record(actor=actor, action="problem.convert_to_lead", obj=problem,
           changes={"lead": lead.pk})
    from xuncha.reports.services import feedback_refresh

    feedback_refresh(actor=actor, inspection=problem.inspection)
    return lead
