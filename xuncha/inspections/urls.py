from django.urls import path

from xuncha.inspections import views

app_name = "inspections"
urlpatterns = [
    path("coverage/", views.coverage_home, name="coverage_home"),
    path("coverage/<int:term_id>/", views.coverage, name="coverage"),
    path("coverage/<int:term_id>/adjust/", views.coverage_adjust, name="coverage_adjust"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/add/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:round_id>/teams/add/", views.team_create, name="team_create"),
    path("rounds/<int:round_id>/checklist/", views.checklist_edit, name="checklist"),
    path("rounds/<int:round_id>/intake/", views.intake, name="intake"),
    path("teams/<int:team_id>/members/add/", views.member_add, name="member_add"),
    path("teams/<int:team_id>/targets/add/", views.target_add, name="target_add"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("intake/<int:item_id>/mark/", views.intake_mark, name="intake_mark"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:inspection_id>/enter/", views.inspection_enter, name="inspection_enter"),
    path("inspections/<int:inspection_id>/intake/", views.inspection_intake,
         name="inspection_intake"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:declaration_id>/withdraw/", views.conflict_withdraw,
         name="conflict_withdraw"),
]
