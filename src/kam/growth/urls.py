from django.urls import path

from kam.growth import views

app_name = "growth"
urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/board/", views.board, name="board"),
    path("pipeline/forecast/", views.forecast, name="forecast"),
    path("pipeline/stages/", views.stage_list, name="stage_list"),
    path("pipeline/stages/new/", views.stage_create, name="stage_create"),
    path("pipeline/stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/win/", views.opportunity_win, name="opportunity_win"),
    path("opportunities/<int:pk>/lose/", views.opportunity_lose, name="opportunity_lose"),
    path("opportunities/<int:pk>/handover/", views.handover_create, name="handover_create"),
    path("clients/<int:pk>/growth/", views.client_panel, name="client_panel"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("handovers/", views.handover_list, name="handover_list"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/edit/", views.handover_edit, name="handover_edit"),
    path("handovers/<int:pk>/accept/", views.handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/return/", views.handover_return, name="handover_return"),
]
