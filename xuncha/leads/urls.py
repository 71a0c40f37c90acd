from django.urls import path

from xuncha.leads import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("<int:lead_id>/", views.lead_detail, name="lead"),
    path("inspections/<int:inspection_id>/", views.inspection_leads, name="inspection"),
    path("inspections/<int:inspection_id>/add/", views.lead_register, name="register"),
    path("problems/<int:problem_id>/convert/", views.problem_convert, name="convert"),
]
