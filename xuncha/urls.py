from django.urls import include, path

from xuncha.api.main import api
from xuncha.surveys.urls import public_urlpatterns as survey_public

urlpatterns = [
    path("", include("xuncha.web.urls")),
    path("accounts/", include("xuncha.accounts.urls")),
    path("org/", include("xuncha.organisations.urls")),
    path("audit/", include("xuncha.audit.urls")),
    path("inbox/", include("xuncha.notifications.urls")),
    path("files/", include("xuncha.attachments.urls")),
    path("work/", include("xuncha.inspections.urls")),
    path("work/inspections/<int:inspection_id>/", include("xuncha.findings.urls")),
    path("leads/", include("xuncha.leads.urls")),
    path("", include("xuncha.reports.urls")),
    path("rectification/", include("xuncha.rectification.urls")),
    path("outcomes/", include("xuncha.outcomes.urls")),
    path("returns/", include("xuncha.reporting.urls")),
    path("evaluation/", include("xuncha.evaluation.urls")),
    path("evaluation/", include("xuncha.surveys.urls")),
    path("dashboards/", include("xuncha.dashboards.urls")),
    path("s/", include((survey_public, "survey_public"))),
    path("api/v1/", api.urls),
]

handler404 = "xuncha.web.views.not_found"
handler403 = "xuncha.web.views.forbidden"
