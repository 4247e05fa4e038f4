from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.enums import MemberRole
from agencies.models import Criterion, Industry, Organisation
from agencies.selectors import public_bodies

from .enums import ApplicationKind
from .services.applications import FEE_POLICY_MAX_CHARS, NARRATIVE_MAX_CHARS


class _Crispy:
    """Crispy rendering without its own <form> tag: the page owns the form."""

    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class OrganisationForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name_en",
            "name_zh_hant",
            "name_zh_hans",
            "entity_type",
            "registration_number",
            "is_charity",
            "charity_file_number",
            "address",
            "phone",
            "website",
        ]
        labels = {
            "name_en": _("Legal name in English"),
            "name_zh_hant": _("Legal name in Traditional Chinese"),
            "name_zh_hans": _("Legal name in Simplified Chinese"),
            "is_charity": _("The organisation is a charity exempt from tax under s.88 of the Inland Revenue Ordinance"),
        }
        help_texts = {
            "name_zh_hant": _("As registered, if the organisation has a Chinese name."),
            "charity_file_number": _("Required when you claim charity status, e.g. 91/12345."),
            "phone": _("For example (852) 2508-8865."),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        self.fields["registration_number"].required = True
        self._helper()

    def clean(self):
        data = super().clean()
        if data.get("is_charity") and not (data.get("charity_file_number") or "").strip():
            self.add_error("charity_file_number", _("Required when the organisation is a charity."))
        return data

    def validate_unique(self):
        """Uniqueness of the registration number is the service's answer (it offers to join)."""


class OfficerForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    position = forms.CharField(
        label=_("Position"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


OfficerFormSet = forms.formset_factory(OfficerForm, extra=2, max_num=50, validate_max=True)


class InvitationForm(_Crispy, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.EDITOR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class JoinRequestForm(_Crispy, forms.Form):
    message = forms.CharField(
        label=_("Message to the owners"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say who you are and why you need access."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class JoinDecisionForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.VIEWER)


class CollaboratorPicker(forms.SelectMultiple):
    """The bodies chosen so far as ticked boxes, and a search field (applications/collaborators.js) that
    asks the server for public names and adds the one picked. Without a script, names go in the box below."""

    template_name = "applications/widgets/collaborator_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse("applications:collaborator_search")
        return context


class _ApplicationFields(_Crispy, forms.Form):
    industry = forms.ModelChoiceField(
        label=_("Industry or branch"),
        queryset=Industry.objects.filter(is_active=True).select_related("parent"),
        required=False,
        empty_label=_("Choose an industry or branch"),
    )
    fee_policy = forms.CharField(
        label=_("Fee policy and assessment fee schedule"),
        required=False,
        max_length=FEE_POLICY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "data-autosave": "fee_policy"}),
        help_text=_("How fees are set and what candidates will pay for each assessment."),
    )
    collaborators = forms.ModelMultipleChoiceField(
        label=_("Proposed collaborating bodies on the public register"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=CollaboratorPicker(),
        help_text=_("Search by name: the agencies and collaborating bodies already on the public register."),
    )
    new_collaborators = forms.CharField(
        label=_("Other collaborating bodies"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names of bodies not on the public register, one per line."),
    )

    def __init__(self, *args, scheme_code: str = "rpl", exclude_organisation=None, current_collaborators=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only public names and the draft's own bodies: nothing another applicant typed is offered.
        offered = public_bodies() | Organisation.objects.filter(pk__in=[b.pk for b in current_collaborators])
        if exclude_organisation is not None:
            offered = offered.exclude(pk=exclude_organisation.pk)
        self.fields["collaborators"].queryset = offered.distinct().order_by("name_en", "pk")
        if scheme_code == "rpl":
            self.fields["industry"].required = True
        else:
            del self.fields["industry"]
        self._helper()

    def clean_new_collaborators(self):
        value = self.cleaned_data["new_collaborators"]
        validate = MaxLengthValidator(Organisation._meta.get_field("name").max_length)
        for line in value.splitlines():
            validate(line.strip())
        return value

    def new_collaborator_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("new_collaborators", "").splitlines() if line.strip()]


class ApplicationStartForm(_ApplicationFields):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind of application"),
        choices=ApplicationKind.choices,
        initial=ApplicationKind.NEW,
        widget=forms.RadioSelect,
        help_text=_(
            "A re-appointment starts from your organisation's appointment for the same industry: its"
            " collaborating bodies, conditions and last term."
        ),
    )

    field_order = ["organisation", "kind", "industry", "fee_policy", "collaborators", "new_collaborators"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations is not None:
            self.fields["collaborators"].queryset = self.fields["collaborators"].queryset.exclude(
                pk__in=organisations.values("pk")
            )
        if organisations is not None and organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().pk


class ApplicationEditForm(_ApplicationFields):
    pass


class QualificationForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the qualification"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    proposed_level = forms.TypedChoiceField(
        label=_("Proposed QF level"),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 8)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("proposed_level"):
            self.add_error("proposed_level", _("Choose a QF level from 1 to 7."))
        return data


QualificationFormSet = forms.formset_factory(QualificationForm, extra=2, max_num=30, validate_max=True)


class EvidenceForm(_Crispy, forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 12, "data-counter": "true", "data-autosave": "narrative", "maxlength": NARRATIVE_MAX_CHARS}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["narrative"].help_text = _("At most %(limit)d characters.") % {"limit": NARRATIVE_MAX_CHARS}
        self.fields["narrative"].widget.attrs["aria-describedby"] = "narrative-counter"
        self._helper()


class _CriteriaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}. {obj.title}"


class DocumentForm(_Crispy, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a certificate or licence that expires; leave empty otherwise."),
    )
    criteria = _CriteriaChoice(
        label=_("Criteria this document supports"),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, criteria_set=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria_set.criteria.order_by("order", "code")
        self._helper()


class DocumentUploadForm(DocumentForm):
    file = forms.FileField(label=_("File"))

    field_order = ["file", "title", "expires_on", "criteria"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.DOCUMENT_MAX_BYTES / (1024 * 1024)
        self.fields["file"].help_text = _("PDF, Word (DOCX), Excel (XLSX), JPEG or PNG; at most %(limit)s MB.") % {
            "limit": f"{limit:g}"
        }
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


class SubmitForm(_Crispy, forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information given in this application and its documents is true, complete and "
            "accurate, and I have read the Personal Information Collection Statement."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class WithdrawForm(_Crispy, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class InformationResponseForm(_Crispy, forms.Form):
    response = forms.CharField(
        label=_("Your answer"), max_length=NARRATIVE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
