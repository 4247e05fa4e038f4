"""Forms of the staff case file: the search over every case, messages to the applicant, case notes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Industry, Scheme
from applications.enums import ApplicationState

from .enums import Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search reference, organisation or industry"), required=False, max_length=100)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=30)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False, empty_label=_("All industries")
    )
    scheme = forms.ModelChoiceField(
        label=_("Scheme"), queryset=Scheme.objects.all(), required=False, empty_label=_("All schemes")
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DATE)
    submitted_to = forms.DateField(label=_("Submitted until"), required=False, widget=DATE)
    decided_from = forms.DateField(label=_("Decided from"), required=False, widget=DATE)
    decided_to = forms.DateField(label=_("Decided until"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.value, s.label) for s in ApplicationState if s != ApplicationState.DRAFT
        ]
        self.fields["decision"].choices = [("", _("Any decision or none")), ("none", _("No decision yet"))] + list(
            Outcome.choices
        )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data["q"],
            "reference": data["reference"],
            "organisation": data["organisation"],
            "industry_id": data["industry"].pk if data["industry"] else None,
            "scheme_id": data["scheme"].pk if data["scheme"] else None,
            "state": data["state"],
            "decision": data["decision"],
            "submitted_from": data["submitted_from"],
            "submitted_to": data["submitted_to"],
            "decided_from": data["decided_from"],
            "decided_to": data["decided_to"],
        }
