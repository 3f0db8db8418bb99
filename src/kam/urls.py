from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kam.api import api
from kam.core import views as core_views

urlpatterns = [
    path("", include("kam.core.urls")),
    path("", include("kam.people.urls")),
    path("", include("kam.clients.urls")),
    path("", include("kam.growth.urls")),
    path("", include("kam.pitching.urls")),
    path("", include("kam.delivery.urls")),
    path("", include("kam.budgets.urls")),
    path("", include("kam.receivables.urls")),
    path("", include("kam.insights.urls")),
    path("api/v1/", api.urls),
    # The admin site signs in through kam's own throttled sign-in page.
    path("admin/login/", RedirectView.as_view(pattern_name="people:login", query_string=True)),
    path("admin/password_change/", RedirectView.as_view(pattern_name="people:profile")),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
