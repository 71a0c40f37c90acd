"""Leads are seen by the discipline commission's handlers and the office director (leads.view_lead
within their scope), by the handlers of the body a lead was handed to (leads.handle_lead in that
unit), and by the leader of the team that registered them — by no one else, whatever the tree
says. Every read is audited by the selectors. The office staff follow the stage and result of the
leads they sent through ``selectors.lead_tracking``, which reads no content."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.inspections.access import led_team_ids
from xuncha.leads.models import Lead, LeadPerson, LeadSanction, LeadStep

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def _receiving(user: User, prefix: str = "") -> Q:
    if "leads.handle_lead" not in scope.permissions_of(user):
        return Q(pk__in=[])
    return Q(**{f"{prefix}receiving_body_id": user.unit_id})


def register() -> None:
    scope.register(Lead, unit_field="unit", county_field="county", view_perm="leads.view_lead",
                   extra=lambda u: Q(inspection__team_id__in=led_team_ids(u)) | _receiving(u))
    for model in (LeadPerson, LeadStep, LeadSanction):
        scope.register(model, unit_field="lead__unit", view_perm="leads.view_lead",
                       extra=lambda u: Q(lead__inspection__team_id__in=led_team_ids(u))
                       | _receiving(u, "lead__"))
