from django.urls import path

from xuncha.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("items/<slug:key>/", views.items, name="items"),
    path("items/<slug:key>/export.csv", views.items_csv, name="items_csv"),
    path("board/", views.board, name="board"),
]
