from django.urls import path

from xuncha.accounts.views import placeholder

app_name = "notifications"
urlpatterns = [
    path("", placeholder, name="inbox"),
]
