from django.urls import path

from xuncha.leads import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("tracking/", views.lead_tracking, name="tracking"),
    path("figures/", views.lead_figures, name="figures"),
    path("<int:lead_id>/", views.lead_detail, name="lead"),
    path("<int:lead_id>/transfer/", views.lead_transfer, name="transfer"),
    path("<int:lead_id>/receive/", views.lead_receive, name="receive"),
    path("<int:lead_id>/advance/", views.lead_advance, name="advance"),
    path("<int:lead_id>/sanctions/", views.lead_sanction, name="sanction"),
    path("inspections/<int:inspection_id>/", views.inspection_leads, name="inspection"),
    path("inspections/<int:inspection_id>/add/", views.lead_register, name="register"),
    path("problems/<int:problem_id>/convert/", views.problem_convert, name="convert"),
]
