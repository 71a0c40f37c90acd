"""Mounted at the root (xuncha/urls.py): the pages live under /work/inspections/<id>/, and the
links the services put in notifications (/inspections/<id>/report/, …/feedback/) redirect there."""

from django.urls import path

from xuncha.reports import views

app_name = "reports"
P = "work/inspections/<int:inspection_id>/"
urlpatterns = [
    path(P + "report/", views.report, name="report"),
    path(P + "report/edit/", views.report_edit, name="report_edit"),
    path(P + "report/compare/", views.compare, name="compare"),
    path(P + "report/print/", views.report_print, name="report_print"),
    path(P + "report/versions/<int:version_id>/", views.version_detail, name="version"),
    path(P + "report/versions/<int:version_id>/submit/", views.version_submit,
         name="version_submit"),
    path(P + "report/versions/<int:version_id>/annotate/", views.annotate, name="annotate"),
    path(P + "report/versions/<int:version_id>/return/", views.version_return,
         name="version_return"),
    path(P + "report/versions/<int:version_id>/approve/", views.version_approve,
         name="version_approve"),
    path(P + "report/annotations/<int:annotation_id>/reply/", views.annotation_reply,
         name="annotation_reply"),
    path(P + "report/annotations/<int:annotation_id>/resolve/", views.annotation_resolve,
         name="annotation_resolve"),
    path(P + "feedback/", views.feedback, name="feedback"),
    path(P + "feedback/sign/", views.feedback_sign, name="feedback_sign"),
    path(P + "feedback/print/", views.feedback_print, name="feedback_print"),
    path("inspections/<int:inspection_id>/report/", views.legacy_report, name="legacy_report"),
    path("inspections/<int:inspection_id>/feedback/", views.legacy_feedback,
         name="legacy_feedback"),
]
