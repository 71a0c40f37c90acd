"""Reading leads: always through the scope check, and every read of content is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from xuncha.accounts import scope
from xuncha.audit.services import record
from xuncha.leads.models import Lead, LeadPerson
from xuncha.leads.services import name_digest

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def lead_list(*, user: User, inspection_id: int | None = None, person_name: str = "",
              request: HttpRequest | None = None) -> list[Lead]:
    """The leads the user may read, with their people; the read is audited (ids, not content)."""
    qs: QuerySet[Lead] = scope.visible(user, Lead).select_related("inspection", "unit", "category")
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if person_name.strip():
        qs = qs.filter(persons__name_index=name_digest(person_name)).distinct()
    leads = list(qs.prefetch_related("persons").order_by("inspection_id", "number"))
    if leads or person_name.strip():  # a search is a read even when it finds nothing
        record(actor=user, action="lead.list", object_type="leads.lead",
               object_repr=f"{len(leads)}", request=request,
               changes={"ids": [lead.pk for lead in leads][:500],
                        "search": bool(person_name.strip())})
    return leads


def lead_get(*, user: User, lead_id: int, request: HttpRequest | None = None) -> Lead:
    lead = scope.get_visible(user, Lead.objects.select_related("inspection", "unit", "category"),
                             pk=lead_id)
    record(actor=user, action="lead.read", obj=lead, request=request)
    return lead


def lead_persons(lead: Lead) -> QuerySet[LeadPerson]:
    return lead.persons.all()


def lead_counts(*, user: User) -> dict[int, int]:
    """Leads per inspection for roles that see counts only (leadership, office staff): the count is
    computed over the committee's scope without reading any content."""
    perm = "leads.view_lead_counts"
    if perm not in scope.permissions_of(user):
        return {}
    s = scope.scope_for(user, perm)
    qs = Lead.objects.filter(s.unit_q("unit", "county"))
    return dict(qs.values_list("inspection_id").annotate(n=Count("id")).values_list(
        "inspection_id", "n"))


def lead_tracking(*, user: User) -> list[dict[str, object]]:
    """What the office follows for the leads it sent: stage, result, flags, overdue — no names,
    no facts, no investigation notes (leads.track_lead within the office's scope)."""
    perm = "leads.track_lead"
    if perm not in scope.permissions_of(user):
        return []
    s = scope.scope_for(user, perm)
    rows = (Lead.objects.filter(s.unit_q("unit", "county"))
            .select_related("unit", "inspection__round", "receiving_body")
            .order_by("-transferred_at", "inspection_id", "number")
            .only("id", "number", "stage", "priority", "fast_track", "fast_track_deadline",
                  "escalation", "transferred_at", "concluded_at", "result_summary",
                  "unit__name", "receiving_body__name", "inspection__round__number",
                  "inspection__round__term_id"))
    return [{"id": lead.pk, "number": lead.number, "unit": lead.unit.name,
             "round": lead.inspection.round.number, "stage": lead.stage,
             "stage_label": str(lead.get_stage_display()),
             "receiving_body": lead.receiving_body.name if lead.receiving_body else "",
             "priority": lead.priority, "fast_track": lead.fast_track,
             "fast_track_deadline": lead.fast_track_deadline, "escalation": lead.escalation,
             "transferred_at": lead.transferred_at, "concluded_at": lead.concluded_at,
             "result": lead.result_summary, "overdue": lead.is_overdue()} for lead in rows]


def lead_steps(*, user: User, lead: Lead) -> list[object]:
    """The handling record (part of the investigation file): readers of the lead only."""
    from xuncha.leads.models import LeadStep

    return list(scope.visible(user, LeadStep).filter(lead=lead).select_related("handler"))


def audit_converted_problems(*, user: User, problems: list[object],
                             request: HttpRequest | None = None) -> None:
    """A problem turned into a lead carries the lead's content: reading it is a lead read."""
    from xuncha.findings.models import ProblemState

    lead_ids = [getattr(p, "lead").pk for p in problems  # noqa: B009
                if getattr(p, "state", "") == ProblemState.CONVERTED and hasattr(p, "lead")]
    for lead_id in lead_ids:
        record(actor=user, action="lead.read", object_type="leads.lead", object_id=lead_id,
               object_repr="线索(由问题转入)", request=request,
               changes={"via": "problem"})
