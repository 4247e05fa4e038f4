from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import ProfileForm


@login_required
def profile(request):
    """The signed-in user's own profile: name, language, e-mail delivery, affiliations, and 2FA status."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        language = form.cleaned_data["preferred_language"]
        with translation.override(language):
            return redirect(reverse("accounts:profile"))
    has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    return render(request, "accounts/profile.html", {"form": form, "has_totp": has_totp})
