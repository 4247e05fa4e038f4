from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .groups import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")

        from allauth.mfa.signals import authenticator_added, authenticator_removed

        authenticator_removed.connect(_forget_staff_totp, dispatch_uid="accounts.forget_staff_totp")
        authenticator_added.connect(_record_enrolment, dispatch_uid="accounts.record_enrolment")

        from allauth.account.signals import user_signed_up

        user_signed_up.connect(_remember_signup_language, dispatch_uid="accounts.remember_signup_language")


def _forget_staff_totp(sender, request=None, **kwargs):
    from .middleware import STAFF_TOTP_SESSION_KEY

    if request is not None and hasattr(request, "session"):
        request.session.pop(STAFF_TOTP_SESSION_KEY, None)


def _record_enrolment(sender, request=None, user=None, authenticator=None, **kwargs):
    """Setting up an authenticator app means typing a valid code from it: that session passed the
    second factor, so it is not asked for another code at once."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if request is None or authenticator is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def _remember_signup_language(sender, request=None, user=None, **kwargs):
    """A person who signs up in a language gets their messages in it until they choose another."""
    from django.conf import settings
    from django.utils import translation

    language = translation.get_language()
    if user is not None and language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
