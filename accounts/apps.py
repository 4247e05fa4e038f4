from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .groups import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")

        from allauth.mfa.signals import authenticator_removed

        authenticator_removed.connect(_forget_staff_totp, dispatch_uid="accounts.forget_staff_totp")


def _forget_staff_totp(sender, request=None, **kwargs):
    from .middleware import STAFF_TOTP_SESSION_KEY

    if request is not None and hasattr(request, "session"):
        request.session.pop(STAFF_TOTP_SESSION_KEY, None)
