from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "notification_delivery", "affiliations"]
        widgets = {"affiliations": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SignupForm(forms.Form):
    """What allauth's sign-up form asks besides the e-mail address and password: the person's name,
    so that messages greet them by it rather than by their address."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("As messages should address you, for example Chan Tai Man."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.full_name = " ".join(self.cleaned_data["full_name"].split())
        user.save(update_fields=["full_name"])
