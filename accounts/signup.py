"""allauth's sign-up form, doing the same work whether or not the address is registered."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """A registered address gets no new account, but its password is hashed all the same: the
        hash is what made a new address answer 1.1 s later than a registered one. Both e-mails leave
        after the response (accounts.adapter.AccountAdapter.send_mail)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
