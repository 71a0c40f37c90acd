from django.urls import path

from xuncha.accounts.views import placeholder

app_name = "audit"
urlpatterns = [
    path("", placeholder, name="events"),
]
