from django.urls import include, path

from xuncha.api.main import api

urlpatterns = [
    path("", include("xuncha.web.urls")),
    path("accounts/", include("xuncha.accounts.urls")),
    path("org/", include("xuncha.organisations.urls")),
    path("audit/", include("xuncha.audit.urls")),
    path("inbox/", include("xuncha.notifications.urls")),
    path("files/", include("xuncha.attachments.urls")),
    path("api/v1/", api.urls),
]

handler404 = "xuncha.web.views.not_found"
handler403 = "xuncha.web.views.forbidden"
