"""Mounted at /evaluation/ (the services' notices link to /evaluation/<id>/)."""

from django.urls import path

from xuncha.evaluation import views

app_name = "evaluation"
E = "<int:evaluation_id>/"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("plan/", views.plan, name="plan"),
    path(E, views.detail, name="detail"),
    path(E + "notify/", views.notify, name="notify"),
    path(E + "start/", views.start, name="start"),
    path(E + "check/", views.checklist, name="checklist"),
    path(E + "check/<int:task_id>/", views.mark, name="mark"),
    path(E + "score/", views.scoring, name="scoring"),
    path(E + "items/<int:item_id>/score/", views.score_item, name="score_item"),
    path(E + "report/", views.report, name="report"),
    path(E + "consequences/", views.consequences, name="consequences"),
    path(E + "consequences/<int:consequence_id>/done/", views.consequence_done,
         name="consequence_done"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/add/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("rubric/", views.rubric, name="rubric"),
]
