from django.urls import path

from xuncha.accounts.views import placeholder

app_name = "organisations"
urlpatterns = [
    path("units/", placeholder, name="tree"),
    path("terms/", placeholder, name="terms"),
]
