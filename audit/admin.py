from django.contrib import admin

from qfapp.admin_readonly import ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "action",
        "outcome",
        "actor",
        "actor_role",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
    )
    list_filter = ("outcome", "actor_role", "object_type")
    search_fields = ("action", "object_id", "request_id", "note")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
