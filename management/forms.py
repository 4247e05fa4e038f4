"""The dashboard's filters: a bounded period and known schemes and industries, or a clear message."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Industry, Scheme

from .calendar import FIRST_DAY, LAST_DAY
from .selectors import Filters

MAX_PERIOD_DAYS = 5 * 366  # five years: the longest period one page may aggregate
DEFAULT_PERIOD_DAYS = 365
STALLED_DEFAULT = 10


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    scheme = forms.CharField(label=_("Scheme"), required=False)
    industry = forms.CharField(label=_("Industry"), required=False)
    stalled_after = forms.IntegerField(
        label=_("Stalled after (working days without action)"),
        required=False,
        min_value=1,
        max_value=250,
        error_messages={
            "min_value": _("Stalled after must be between 1 and 250 working days."),
            "max_value": _("Stalled after must be between 1 and 250 working days."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schemes = {s.code: s for s in Scheme.objects.order_by("code")}
        self.industries = {i.code: i for i in Industry.objects.order_by("sort_order", "code")}

    def clean_scheme(self) -> Scheme | None:
        code = (self.cleaned_data.get("scheme") or "").strip()
        if not code:
            return None
        if code not in self.schemes:
            raise forms.ValidationError(_("There is no scheme with the code “%(code)s”."), params={"code": code[:40]})
        return self.schemes[code]

    def clean_industry(self) -> Industry | None:
        code = (self.cleaned_data.get("industry") or "").strip()
        if not code:
            return None
        if code not in self.industries:
            raise forms.ValidationError(_("There is no industry with the code “%(code)s”."), params={"code": code[:60]})
        return self.industries[code]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or (end - timedelta(days=DEFAULT_PERIOD_DAYS - 1))
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("A period may be at most five years long. Choose a shorter one."))
        if start < FIRST_DAY or end > LAST_DAY:
            raise forms.ValidationError(
                _("Choose a period between %(first)s and %(last)s."),
                params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            scheme_id=data["scheme"].pk if data.get("scheme") else None,
            industry_id=data["industry"].pk if data.get("industry") else None,
            stalled_after=data.get("stalled_after") or STALLED_DEFAULT,
        )


def default_filters(today: date) -> Filters:
    return Filters(start=today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end=today)
