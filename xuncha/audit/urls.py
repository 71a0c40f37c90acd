from django.urls import path

from xuncha.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("verify/", views.verify, name="verify"),
    path("export/", views.export_events, name="export"),
]
