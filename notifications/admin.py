from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .events import LABELS
from .models import Message, TermNotice


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(code, label) for code, label in LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, so that support can answer "was the e-mail sent?"."""

    list_display = ("created_at", "recipient_email", "event", "subject", "state", "attempts", "sent_at", "error")
    list_filter = ("state", EventFilter, "language")
    search_fields = ("recipient__email", "idempotency_key", "subject")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["retry_failed"]
    readonly_fields = [field.name for field in Message._meta.fields]
    fieldsets = (
        (None, {"fields": ("recipient", "event", "idempotency_key", "language", "link")}),
        (_("Delivery"), {"fields": ("state", "attempts", "next_attempt_at", "sending_since", "sent_at", "last_error")}),
        (_("Content"), {"fields": ("subject", "body_text", "body_html")}),
        (None, {"fields": ("created_at", "read_at")}),
    )

    @admin.display(description=_("recipient"), ordering="recipient__email")
    def recipient_email(self, obj: Message) -> str:
        return obj.recipient.email

    @admin.display(description=_("last error"))
    def error(self, obj: Message) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def retry_failed(self, request, queryset):
        count = services.messages_retry_failed(
            message_ids=queryset.filter(state=Message.State.FAILED).values_list("pk", flat=True), actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d failed message will be sent again.", "%(count)d failed messages will be sent again.", count
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list may run the retry action; a single message is only ever looked at.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TermNotice)
class TermNoticeAdmin(admin.ModelAdmin):
    list_display = ("appointment", "term_end", "lead_months", "created_at")
    list_filter = ("lead_months",)
    search_fields = ("appointment__agency__name",)
    list_select_related = ("appointment__agency", "appointment__industry", "appointment__scheme")
    readonly_fields = ("appointment", "term_end", "lead_months", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
