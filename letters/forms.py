from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("PDF to check"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LETTER_CHECK_MAX_BYTES:
            raise forms.ValidationError(_("This file is larger than any letter of the bureau."))
        return upload
