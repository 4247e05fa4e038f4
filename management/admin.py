"""Closure days and service targets in the admin, for the register administrators. Every save goes
through the services, so the working calendar is re-counted and the change is audited."""

from django.contrib import admin, messages

from qfapp.exceptions import RuleViolation

from . import services
from .models import ClosureDay, ServiceTarget


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "reason")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("reason",)

    def save_model(self, request, obj, form, change):
        if change and "day" in form.changed_data:
            # The day itself moved: the old day becomes a working day again.
            old = ClosureDay.objects.get(pk=obj.pk)
            services.closure_day_delete(actor=request.user, closure=old)
        try:
            saved = services.closure_day_save(actor=request.user, day=obj.day, kind=obj.kind, reason=obj.reason)
        except RuleViolation as exc:
            messages.error(request, " ".join(exc.messages))
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.closure_day_delete(actor=request.user, closure=obj)

    def delete_queryset(self, request, queryset):
        for closure in queryset:
            services.closure_day_delete(actor=request.user, closure=closure)


@admin.register(ServiceTarget)
class ServiceTargetAdmin(admin.ModelAdmin):
    list_display = ("stage", "working_days", "near_days", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # A target's stage is fixed once made; its values are what the bureau changes.
        return ("stage",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        try:
            services.service_target_save(actor=request.user, target=obj)
        except RuleViolation as exc:
            messages.error(request, " ".join(exc.messages))
