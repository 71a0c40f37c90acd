"""Mounted under /work/inspections/<inspection_id>/ (xuncha/urls.py)."""

from django.urls import path

from xuncha.findings import views

app_name = "findings"
urlpatterns = [
    path("problems/", views.problems, name="problems"),
    path("problems/add/", views.problem_create, name="problem_create"),
    path("problems/import/", views.problem_import, name="problem_import"),
    path("problems/template/", views.problem_template, name="problem_template"),
    path("problems/export/", views.problem_export, name="problem_export"),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem"),
    path("problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:problem_id>/withdraw/", views.problem_withdraw, name="problem_withdraw"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:recommendation_id>/send/", views.recommendation_send,
         name="recommendation_send"),
]
