from django.contrib import admin
from django.contrib.auth.models import Group

from kam.core.models import AuditEvent

# kam's roles are flags on the person, changed (and audited) on kam's own pages; Django's
# groups are not used.
admin.site.unregister(Group)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Kam's records change through their services (rules, audit); the admin site only reads."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "verb", "subject_label"]
    list_filter = ["verb", "subject_type"]
    search_fields = ["subject_label", "verb"]
    list_select_related = ["actor", "subject_type"]
