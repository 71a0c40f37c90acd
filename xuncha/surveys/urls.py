"""Survey pages. ``urlpatterns`` (the office's pages) are mounted under /evaluation/ beside the
visits; ``public_urlpatterns`` (answering, no login) under /s/ — see xuncha/urls.py."""

from django.urls import path

from xuncha.surveys import views

app_name = "surveys"
urlpatterns = [
    path("<int:evaluation_id>/surveys/open/", views.open_survey, name="open"),
    path("surveys/<int:survey_id>/", views.detail, name="detail"),
    path("surveys/<int:survey_id>/codes/", views.codes, name="codes"),
    path("surveys/<int:survey_id>/paper/", views.paper, name="paper"),
    path("surveys/<int:survey_id>/results/", views.results, name="results"),
    path("surveys/<int:survey_id>/close/", views.close, name="close"),
]

public_urlpatterns = [
    path("<slug:slug>/", views.answer, name="answer"),
    path("<slug:slug>/done/", views.thanks, name="thanks"),
]
