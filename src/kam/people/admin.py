"""Read-mostly admin: people, teams and departments are changed on kam's own pages, through the
services that audit every change."""

from django.contrib import admin

from kam.core.admin import ReadOnlyAdmin
from kam.people.models import ApiToken, Department, Team, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "email", "team", "department", "is_active"]
    list_filter = ["is_active", "is_kam", "is_director", "is_sales", "is_finance", "team"]
    search_fields = ["username", "full_name", "email"]
    exclude = ["password"]
    list_select_related = ["team", "department"]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "leader"]
    list_select_related = ["leader"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    list_select_related = ["user"]
