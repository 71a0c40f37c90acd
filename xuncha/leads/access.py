"""Leads are seen by the receiving body's handlers and the office director (leads.view_lead within
their scope) and by the leader of the team that registered them — by no one else, whatever the
tree says. Every read is audited by the selectors."""

from __future__ import annotations

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.inspections.access import led_team_ids
from xuncha.leads.models import Lead, LeadPerson


def register() -> None:
    scope.register(Lead, unit_field="unit", view_perm="leads.view_lead",
                   extra=lambda u: Q(inspection__team_id__in=led_team_ids(u)))
    scope.register(LeadPerson, unit_field="lead__unit", view_perm="leads.view_lead",
                   extra=lambda u: Q(lead__inspection__team_id__in=led_team_ids(u)))
