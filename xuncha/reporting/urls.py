from django.urls import path

from xuncha.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.returns, name="returns"),
    path("<int:return_id>/", views.return_detail, name="return"),
    path("<int:return_id>/refresh/", views.return_refresh, name="return_refresh"),
    path("<int:return_id>/submit/", views.return_submit, name="return_submit"),
    path("city/", views.city_overview, name="city_overview"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:assignment_id>/", views.assignment_detail, name="assignment"),
]
