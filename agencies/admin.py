from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from audit.services import audit_record
from qfapp.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from qfapp.exceptions import RuleViolation

from . import services
from .models import (
    Appointment,
    AppointmentTerm,
    CriteriaSet,
    Criterion,
    Industry,
    Organisation,
    OrganisationMembership,
    OrganisationOfficer,
    RecognisedQualification,
    RegisterEvent,
    Scheme,
)


class LabelledChangelistForm(forms.ModelForm):
    """The changelist shows list-editable inputs under a column heading only: name each input by
    its column and row so that a screen reader announces what it changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label}: {self.instance}"


@admin.register(Industry)
class IndustryAdmin(TranslationAdmin):
    list_display = ("code", "name_en", "name_zh_hant", "name_zh_hans", "parent", "sort_order", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("code", "name_en", "name_zh_hant", "name_zh_hans")
    list_editable = ("sort_order", "is_active")

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LabelledChangelistForm)
        return super().get_changelist_form(request, **kwargs)


@admin.register(Scheme)
class SchemeAdmin(TranslationAdmin):
    list_display = ("code", "name_en", "name_zh_hant", "name_zh_hans")


class CriterionInline(TranslationStackedInline):
    model = Criterion
    extra = 0
    fields = (("code", "order", "kind", "weight", "requires"), "title", "guidance")

    def _locked(self, obj) -> bool:
        return obj is not None and obj.in_use

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(TranslationAdmin):
    """A criteria set used by any application is immutable (only whether new applications start
    under it may change): a change means a new version, made with the action of that name."""

    list_display = ("__str__", "scheme", "version", "effective_from", "is_active", "in_use")
    list_filter = ("scheme", "is_active")
    inlines = [CriterionInline]
    actions = ["make_new_version"]

    @admin.display(boolean=True, description=_("used by applications"))
    def in_use(self, obj) -> bool:
        return obj.in_use

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_use:
            return [f.name for f in obj._meta.fields if f.name not in ("id", "is_active")] + [
                f"{name}_{lang}" for name in ("title",) for lang in ("en", "zh_hant", "zh_hans")
            ]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                action="agencies.criteria_set.changed" if change else "agencies.criteria_set.created",
                obj=obj,
                actor=request.user,
                data={"fields": sorted(form.changed_data)},
            )

    @admin.action(description=_("Make a new version of the selected criteria sets"))
    def make_new_version(self, request, queryset):
        for criteria_set in queryset:
            try:
                made = services.criteria_set_new_version(criteria_set=criteria_set, actor=request.user)
            except RuleViolation as exc:
                self.message_user(request, "; ".join(exc.messages), level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(new)s made from %(old)s: edit it, then mark it in use for new applications.")
                    % {"new": made, "old": criteria_set},
                )


class OfficerInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = OrganisationOfficer


class MembershipInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = OrganisationMembership


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, TranslationAdmin):
    """Read-only: organisations change through their own pages and services (audited)."""

    list_display = ("name_en", "name_zh_hant", "name_zh_hans", "entity_type", "registration_number", "is_charity")
    list_filter = ("entity_type", "is_charity")
    search_fields = ("name_en", "name_zh_hant", "name_zh_hans", "registration_number")
    inlines = [OfficerInline, MembershipInline]


class TermInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AppointmentTerm
    fields = ("kind", "start", "end", "decided_on", "decided_by", "note")


class QualificationInline(ReadOnlyInlineMixin, TranslationTabularInline):
    model = RecognisedQualification


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdminMixin, TranslationAdmin):
    """Read-only: appointments, their terms, conditions, cancellation and publication change only
    through the services (the approver decides, the register administrator publishes), each audited
    and on the public feed. Publishing and taking off the register are offered here as actions that
    call those services."""

    list_display = ("agency", "scheme", "industry", "first_start", "current_end", "is_published", "cancelled_on")
    list_filter = ("scheme", "is_published", "industry")
    search_fields = ("agency__name_en", "agency__name_zh_hant", "agency__name_zh_hans", "industry__name_en")
    list_select_related = ("agency", "scheme", "industry")
    inlines = [TermInline, QualificationInline]
    actions = ["publish", "unpublish"]

    def _run(self, request, queryset, service, done: str):
        count = 0
        for appointment in queryset:
            try:
                service(appointment=appointment, actor=request.user)
            except RuleViolation as exc:
                self.message_user(request, f"{appointment}: {'; '.join(exc.messages)}", level=messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count})

    @admin.action(description=_("Publish on the register"))
    def publish(self, request, queryset):
        self._run(request, queryset, services.appointment_publish, _("%(count)d appointments published."))

    @admin.action(description=_("Take off the public register"))
    def unpublish(self, request, queryset):
        self._run(
            request, queryset, services.appointment_unpublish, _("%(count)d appointments taken off the register.")
        )


@admin.register(RegisterEvent)
class RegisterEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "appointment")
    list_filter = ("kind",)
    list_select_related = ("appointment__agency", "appointment__industry", "appointment__scheme")
