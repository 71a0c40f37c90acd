from django.urls import path

from xuncha.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.accountability, name="accountability"),
    path("accountability/add/", views.accountability_add, name="accountability_add"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/add/", views.institution_add, name="institution_add"),
    path("funds/", views.funds, name="funds"),
    path("funds/add/", views.funds_add, name="funds_add"),
]
