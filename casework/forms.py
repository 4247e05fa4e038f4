from django import forms
from django.utils.translation import gettext_lazy as _


class CaseMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 4}))


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (never shown to the applicant)"), widget=forms.Textarea(attrs={"rows": 3})
    )
