from django.contrib import admin

from qfapp.admin_readonly import ReadOnlyAdminMixin

from .models import Application, Document, OrganisationInvitation, OrganisationJoinRequest


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ("title", "original_name", "content_type", "size", "sha256", "expires_on", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: applications change only through their services (and so through the audit trail)."""

    list_display = ("__str__", "organisation", "scheme", "industry", "state", "submitted_at")
    list_filter = ("state", "scheme", "industry")
    list_select_related = ("organisation", "scheme", "industry")
    search_fields = ("reference", "organisation__name")
    inlines = [DocumentInline]
    exclude = ("state", "proposed_collaborators")


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    exclude = ("token",)
    readonly_fields = ("organisation", "email", "role", "invited_by", "expires_at", "accepted_at", "accepted_by")


@admin.register(OrganisationJoinRequest)
class OrganisationJoinRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "outcome", "created_at", "decided_at")
    list_filter = ("outcome",)
    readonly_fields = ("organisation", "user", "message", "outcome", "decided_at", "decided_by")
