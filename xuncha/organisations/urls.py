from django.urls import path

from xuncha.organisations import views

app_name = "organisations"
urlpatterns = [
    path("units/", views.tree, name="tree"),
    path("units/add/", views.unit_create, name="unit_create_top"),
    path("units/import/", views.import_units, name="import"),
    path("units/import/template/", views.import_template, name="import_template"),
    path("units/export/", views.export_units, name="export"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/children/", views.children, name="children"),
    path("units/<int:unit_id>/add/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("terms/", views.terms, name="terms"),
    path("terms/add/", views.term_create, name="term_create"),
    path("terms/<int:term_id>/edit/", views.term_edit, name="term_edit"),
]
