from django.urls import path

from kam.delivery.views import bookings, calendar, changes, contracts, projects, tasks

app_name = "delivery"
urlpatterns = [
    # Contracts, milestones, commitments, amendments, files
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/sign/", contracts.contract_sign, name="contract_sign"),
    path(
        "contracts/<int:pk>/amendments/new/",
        contracts.amendment_create,
        name="amendment_create",
    ),
    path("contracts/<int:pk>/milestones/new/", contracts.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", contracts.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/remove/", contracts.milestone_remove, name="milestone_remove"),
    path("milestones/<int:pk>/reach/", contracts.milestone_reach, name="milestone_reach"),
    path("milestones/<int:pk>/slip/", contracts.milestone_slip, name="milestone_slip"),
    path(
        "contracts/<int:pk>/commitments/new/",
        contracts.commitment_create,
        name="commitment_create",
    ),
    path("commitments/<int:pk>/edit/", contracts.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/remove/", contracts.commitment_remove, name="commitment_remove"),
    path("contracts/<int:pk>/files/", contracts.contract_file_add, name="contract_file_add"),
    path(
        "contract-files/<int:pk>/", contracts.contract_file_download, name="contract_file_download"
    ),
    path(
        "contract-files/<int:pk>/remove/",
        contracts.contract_file_remove,
        name="contract_file_remove",
    ),
    path("clients/<int:pk>/delivery/", contracts.client_panel, name="client_panel"),
    # Projects, phases, the check against the brief
    path("projects/", projects.project_list, name="project_list"),
    path("contracts/<int:pk>/projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/timeline/", projects.project_timeline, name="project_timeline"),
    path("projects/<int:pk>/cancel/", projects.project_cancel, name="project_cancel"),
    path("projects/<int:pk>/delete/", projects.project_delete, name="project_delete"),
    path("projects/<int:pk>/deliver/", projects.project_deliver, name="project_deliver"),
    path("projects/<int:pk>/phases/new/", projects.phase_create, name="phase_create"),
    path("phases/<int:pk>/edit/", projects.phase_edit, name="phase_edit"),
    path("phases/<int:pk>/remove/", projects.phase_remove, name="phase_remove"),
    path("phases/<int:pk>/start/", projects.phase_start, name="phase_start"),
    path("phases/<int:pk>/complete/", projects.phase_complete, name="phase_complete"),
    path("projects/<int:pk>/checks/new/", projects.check_create, name="check_create"),
    path("checks/<int:pk>/tick/", projects.check_tick, name="check_tick"),
    path("checks/<int:pk>/untick/", projects.check_untick, name="check_untick"),
    path("checks/<int:pk>/remove/", projects.check_remove, name="check_remove"),
    # Tasks
    path("tasks/", tasks.task_queue, name="task_queue"),
    path("projects/<int:pk>/tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/work/", tasks.task_work, name="task_work"),
    path("tasks/<int:pk>/delete/", tasks.task_delete, name="task_delete"),
    path("tasks/<int:pk>/dependencies/", tasks.dependency_add, name="dependency_add"),
    path("tasks/<int:pk>/dependencies/remove/", tasks.dependency_remove, name="dependency_remove"),
    path("tasks/<int:pk>/slip/", tasks.task_slip, name="task_slip"),
    # Bookings
    path("projects/<int:pk>/bookings/new/", bookings.booking_create, name="booking_create"),
    path("bookings/<int:pk>/edit/", bookings.booking_edit, name="booking_edit"),
    path("bookings/<int:pk>/confirm/", bookings.booking_confirm, name="booking_confirm"),
    path("bookings/<int:pk>/done/", bookings.booking_done, name="booking_done"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/promote/", bookings.booking_promote, name="booking_promote"),
    # Change requests
    path("change-requests/", changes.change_list, name="change_list"),
    path("projects/<int:pk>/changes/new/", changes.change_create, name="change_create"),
    path("change-requests/<int:pk>/", changes.change_detail, name="change_detail"),
    path("change-requests/<int:pk>/edit/", changes.change_edit, name="change_edit"),
    path("change-requests/<int:pk>/lines/", changes.change_line_add, name="change_line_add"),
    path("change-lines/<int:pk>/edit/", changes.change_line_edit, name="change_line_edit"),
    path("change-lines/<int:pk>/remove/", changes.change_line_remove, name="change_line_remove"),
    path("change-requests/<int:pk>/reject/", changes.change_reject, name="change_reject"),
    # The calendar feed
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/reset/", calendar.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
