from django.urls import path

from kam.clients import views

app_name = "clients"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/export/", views.client_export, name="client_export"),
    path("clients/export/stakeholders/", views.stakeholder_export, name="stakeholder_export"),
    path("clients/import/", views.client_import, name="client_import"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/team/", views.client_member_add, name="client_member_add"),
    path(
        "clients/<int:pk>/stakeholders/new/",
        views.stakeholder_create,
        name="client_stakeholder_add",
    ),
    path("clients/<int:pk>/interactions/", views.interaction_create, name="client_interaction_add"),
    path("clients/<int:pk>/terms/new/", views.term_create, name="client_term_add"),
    path("terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("terms/<int:pk>/approve/", views.term_approve, name="term_approve"),
    path("terms/<int:pk>/end/", views.term_end, name="term_end"),
    path("clients/<int:pk>/requests/new/", views.request_create, name="client_request_add"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/start/", views.request_start, name="request_start"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request_resolve"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("account-team/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/move/", views.stakeholder_move, name="stakeholder_move"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path(
        "interactions/<int:pk>/next-step-done/",
        views.next_step_done,
        name="interaction_next_step_done",
    ),
]
