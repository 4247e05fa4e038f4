from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Industry, Organisation, Scheme
from applications.enums import ApplicationState

from .enums import DeterminationOutcome, GateVerdict, Outcome
from .models import Considerations, Determination
from .selectors import CASE_QUEUE_STATES, reviewer_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search reference, organisation or industry"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False, empty_label=_("All industries")
    )
    scheme = forms.ModelChoiceField(
        label=_("Scheme"), queryset=Scheme.objects.all(), required=False, empty_label=_("All schemes")
    )
    older_than = forms.IntegerField(
        label=_("Submitted more than (days) ago"), required=False, min_value=0, max_value=36500
    )
    overdue = forms.BooleanField(label=_("Only cases with an overdue review"), required=False)
    order = forms.ChoiceField(
        label=_("Order"), required=False, choices=[("oldest", _("Oldest first")), ("newest", _("Newest first"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All open states"))] + [
            (s, ApplicationState(s).label) for s in CASE_QUEUE_STATES
        ]


class BulkAssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(label=_("Reviewers"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_candidates()
        self.fields["due_on"].initial = timezone.localdate() + timedelta(days=21)


class InviteForm(BulkAssignForm):
    pass


class RespondForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this applicant, its officers or its collaborating bodies?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have a conflict of interest"))],
        widget=forms.RadioSelect,
    )
    conflict_note = forms.CharField(
        label=_("Describe the conflict"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.ChoiceField(
        label=_("Your answer"),
        required=False,
        choices=[("accept", _("I accept the review")), ("decline", _("I decline the review"))],
        widget=forms.RadioSelect,
    )
    decline_reason = forms.CharField(
        label=_("Reason for declining"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == "no" and not data.get("answer"):
            self.add_error("answer", _("Say whether you accept or decline the review."))
        return data


def _reason_fields(form, criteria, prefix: str) -> None:
    for criterion in criteria:
        form.fields[f"{prefix}_{criterion.pk}"] = forms.CharField(
            label=f"{criterion.code}. {criterion.title}", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    form.criteria = list(criteria)
    form.prefix_name = prefix


class ReasonsForm(forms.Form):
    """One optional text per criterion: what is missing, or why it fails."""

    def __init__(self, *args, criteria, field_prefix="reason", **kwargs):
        super().__init__(*args, **kwargs)
        _reason_fields(self, criteria, field_prefix)

    def reasons(self) -> list[tuple[int, str]]:
        return [(c.pk, self.cleaned_data.get(f"{self.prefix_name}_{c.pk}", "")) for c in self.criteria]


class ReturnForm(ReasonsForm):
    reply_by = forms.DateField(label=_("Reply by"), widget=DATE)
    message = forms.CharField(
        label=_("Message to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, field_prefix="missing", **kwargs)
        self.fields["reply_by"].initial = timezone.localdate() + timedelta(days=21)
        self.order_fields(["reply_by", "message"])


class ScoreForm(forms.Form):
    """A verdict (gate) or a score (merit) and a reason for each criterion, with an optional document."""

    def __init__(self, *args, criteria, existing, documents, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            current = existing.get(c.pk)
            if c.is_gate:
                self.fields[f"verdict_{c.pk}"] = forms.ChoiceField(
                    label=_("Verdict"),
                    required=False,
                    choices=[("", "—"), *GateVerdict.choices],
                    initial=current.verdict if current else "",
                )
            else:
                self.fields[f"score_{c.pk}"] = forms.ChoiceField(
                    label=_("Score (0-4)"),
                    required=False,
                    choices=[("", "—")] + [(str(n), str(n)) for n in range(5)],
                    initial=str(current.score) if current and current.score is not None else "",
                )
            self.fields[f"reason_{c.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.reason if current else "",
            )
            docs = [d for d in documents if c.pk in {x.pk for x in d.criteria.all()}] or list(documents)
            self.fields[f"document_{c.pk}"] = forms.ChoiceField(
                label=_("Supporting document"),
                required=False,
                choices=[("", _("None"))] + [(str(d.pk), d.title) for d in docs],
                initial=str(current.document_id) if current and current.document_id else "",
            )
            if disabled:
                for name in (f"verdict_{c.pk}", f"score_{c.pk}", f"reason_{c.pk}", f"document_{c.pk}"):
                    if name in self.fields:
                        self.fields[name].disabled = True

    def rows(self):
        for c in self.criteria:
            value_field = self[f"verdict_{c.pk}"] if c.is_gate else self[f"score_{c.pk}"]
            yield c, value_field, self[f"reason_{c.pk}"], self[f"document_{c.pk}"]

    def entries(self) -> dict[int, dict]:
        # Raw data, so that the service (not the form) decides what is in range.
        result = {}
        for c in self.criteria:
            result[c.pk] = {
                "verdict": self.data.get(f"verdict_{c.pk}", "") if c.is_gate else "",
                "score": None if c.is_gate else (self.data.get(f"score_{c.pk}") or None),
                "reason": self.data.get(f"reason_{c.pk}", ""),
                "document_id": self.data.get(f"document_{c.pk}") or None,
            }
        return result


class ModerationForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("Moderated score"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(5)],
    )
    verdict = forms.ChoiceField(label=_("Moderated verdict"), required=False, choices=[("", "—"), *GateVerdict.choices])
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Recommendation"), choices=Outcome.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))


class DeterminationForm(forms.ModelForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DeterminationOutcome.choices)

    class Meta:
        model = Determination
        fields = ["determined_on", "outcome", "report_reference", "valid_from", "valid_until", "conditions"]
        widgets = {
            "determined_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "conditions": forms.Textarea(attrs={"rows": 2}),
        }


class ConsiderationsForm(forms.ModelForm):
    class Meta:
        model = Considerations
        fields = ["industry_views", "industry_characteristics", "fee_policy", "other_matters"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}


class AppointForm(forms.Form):
    term_start = forms.DateField(label=_("Term starts"), widget=DATE)
    term_end = forms.DateField(label=_("Term ends"), widget=DATE)
    conditions = forms.CharField(
        label=_("Conditions or restrictions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    collaborators = forms.ModelMultipleChoiceField(
        label=_("Collaborating bodies"), queryset=Organisation.objects.none(), required=False
    )
    term_reason = forms.CharField(
        label=_("Reason for a term beyond HKCAAVQ's determination"),
        help_text=_(
            "Needed only when the term starts before the determination or outlasts its validity; it is recorded "
            "with the decision."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaborators"].queryset = Organisation.objects.exclude(pk=application.organisation_id).order_by(
            "name"
        )
        self.fields["collaborators"].initial = list(application.proposed_collaborators.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        if data.get("term_start") and data.get("term_end") and data["term_end"] < data["term_start"]:
            self.add_error("term_end", _("The term cannot end before it starts."))
        return data
