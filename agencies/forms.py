import re
from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import RegisterStatus, SchemeCode

FILTER_FIELDS = ("agency", "industry", "scheme", "status")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalised_filters(query, fields=FILTER_FIELDS) -> dict[str, str]:
    """The allow-listed filter values of a query string, stripped and lower-cased; empty ones dropped."""
    values = {}
    for name in fields:
        value = (query.get(name) or "").strip().lower()[:100]
        if value:
            values[name] = value
    return values


class RegisterFilterForm(forms.Form):
    """The register's filters, as a GET form: choices come from what is on the register."""

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    scheme = forms.ChoiceField(label=_("Scheme"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data=None, *, industries=(), agencies=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["agency"].choices = [("", _("All agencies"))] + [(str(a.pk), a.name) for a in agencies]
        self.fields["industry"].choices = [("", _("All industries"))] + [(i.code, i.name) for i in industries]
        self.fields["scheme"].choices = [("", _("All schemes"))] + [
            (SchemeCode.RPL.value, _("Recognition of Prior Learning")),
            (SchemeCode.PQ.value, _("Professional qualifications")),
        ]
        self.fields["status"].choices = [("", _("Any status"))] + list(RegisterStatus.choices)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def add_as_of(self, value: str | None) -> None:
        """Show the date the register is read as of, as a date input of the same GET form."""
        self.fields["as_of"] = forms.CharField(
            label=_("As of"),
            required=False,
            initial=value,
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text=_("The register as it stood on this date."),
        )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "agency": int(data["agency"]) if data.get("agency") else None,
            "industry": data.get("industry") or None,
            "scheme": data.get("scheme") or None,
            "status": data.get("status") or None,
        }


def parse_as_of(text: str | None) -> date | None:
    """A YYYY-MM-DD date, or None when absent. Raises ValueError with a translated message when malformed."""
    text = (text or "").strip()
    if not text:
        return None
    if not ISO_DATE.match(text):
        raise ValueError(_("as_of must be a date in the form YYYY-MM-DD."))
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("as_of must be a date in the form YYYY-MM-DD.")) from exc


class VaryConditionsForm(forms.Form):
    conditions_en = forms.CharField(
        label=_("Conditions (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions_zh_hant = forms.CharField(
        label=_("Conditions (Traditional Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions_zh_hans = forms.CharField(
        label=_("Conditions (Simplified Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    grounds = forms.CharField(
        label=_("Grounds of the variation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    effective = forms.DateField(
        label=_("Varied with effect from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args, **kwargs):
        # both forms share a page and field names: ids of their own, so each label names its own field
        kwargs.setdefault("auto_id", "id_vary_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def conditions(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "en": data["conditions_en"],
            "zh-hant": data["conditions_zh_hant"],
            "zh-hans": data["conditions_zh_hans"],
        }


class CancelForm(forms.Form):
    effective = forms.DateField(
        label=_("Cancelled with effect from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    grounds = forms.CharField(
        label=_("Grounds of cancellation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_cancel_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_grounds(self):
        grounds = self.cleaned_data["grounds"].strip()
        if not grounds:
            raise forms.ValidationError(_("Give the grounds of the cancellation."))
        return grounds


def _date_field(label):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class TermRecordForm(forms.Form):
    """One past term of an appointment, with the date it was decided."""

    start = _date_field(_("Term starts"))
    end = _date_field(_("Term ends"))
    decided_on = _date_field(_("Decided on"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        help_text=_("Where the decision is recorded, e.g. the Gazette notice or the letter of appointment."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
