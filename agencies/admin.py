from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

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
    fields = (
        ("code", "order", "kind", "weight"),
        "title",
        "guidance",
        "descriptor_0",
        "descriptor_1",
        "descriptor_2",
        "descriptor_3",
        "descriptor_4",
    )


@admin.register(CriteriaSet)
class CriteriaSetAdmin(TranslationAdmin):
    list_display = ("__str__", "scheme", "version", "effective_from", "is_active")
    list_filter = ("scheme", "is_active")
    inlines = [CriterionInline]


class OfficerInline(admin.TabularInline):
    model = OrganisationOfficer
    extra = 0


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name_en", "name_zh_hant", "name_zh_hans", "entity_type", "registration_number", "is_charity")
    list_filter = ("entity_type", "is_charity")
    search_fields = ("name_en", "name_zh_hant", "name_zh_hans", "registration_number")
    inlines = [OfficerInline, MembershipInline]


class TermInline(admin.TabularInline):
    model = AppointmentTerm
    extra = 0
    fields = ("kind", "start", "end", "decided_on", "note")


class QualificationInline(TranslationTabularInline):
    model = RecognisedQualification
    extra = 0


@admin.register(Appointment)
class AppointmentAdmin(TranslationAdmin):
    list_display = ("agency", "scheme", "industry", "first_start", "current_end", "is_published", "cancelled_on")
    list_filter = ("scheme", "is_published", "industry")
    search_fields = ("agency__name_en", "agency__name_zh_hant", "agency__name_zh_hans", "industry__name_en")
    list_select_related = ("agency", "scheme", "industry")
    autocomplete_fields = ("agency", "collaborators")
    readonly_fields = ("first_start", "current_end", "published_at")
    inlines = [TermInline, QualificationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from .services import appointment_refresh_dates

        appointment_refresh_dates(appointment=form.instance)


@admin.register(RegisterEvent)
class RegisterEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "appointment")
    list_filter = ("kind",)
    list_select_related = ("appointment__agency", "appointment__industry", "appointment__scheme")
