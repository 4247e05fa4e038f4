from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How should we e-mail you?"),
        choices=get_user_model().Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "With the daily digest, routine news arrives in one e-mail each morning. Requests for "
            "information, review invitations, reminders, decisions and term notices are always sent at once."
        ),
        error_messages={
            "required": _("Choose how you want to receive e-mail."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
