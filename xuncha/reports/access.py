from __future__ import annotations

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.inspections.access import team_ids
from xuncha.reports.models import Annotation, FeedbackList, FeedbackSignature, ReportVersion


def register() -> None:
    scope.register(ReportVersion, unit_field="inspection__unit",
                   view_perm="reports.view_reportversion",
                   extra=lambda u: Q(inspection__team_id__in=team_ids(u)))
    scope.register(Annotation, unit_field="version__inspection__unit",
                   view_perm="reports.view_reportversion",
                   extra=lambda u: Q(version__inspection__team_id__in=team_ids(u)))
    scope.register(FeedbackList, unit_field="inspection__unit",
                   view_perm="reports.view_feedbacklist",
                   extra=lambda u: Q(inspection__team_id__in=team_ids(u)))
    scope.register(FeedbackSignature, unit_field="feedback__inspection__unit",
                   view_perm="reports.view_feedbacklist",
                   extra=lambda u: Q(feedback__inspection__team_id__in=team_ids(u)))
