"""allauth's adapter: the project's sign-in throttling (accounts.throttling), and account e-mails
sent after the response so that sign-up takes as long for a registered address as for a new one."""

import logging
import threading

from allauth.account.adapter import DefaultAccountAdapter
from django.core.signals import request_finished

from . import throttling

logger = logging.getLogger(__name__)
_pending = threading.local()


def _send_pending(**kwargs) -> None:
    messages, _pending.messages = getattr(_pending, "messages", []), []
    for message in messages:
        try:
            message.send()
        except Exception:  # noqa: BLE001 - the visitor already has the answer; the failure is logged
            logger.exception("account e-mail to %s not sent", ", ".join(message.to))


request_finished.connect(_send_pending, dispatch_uid="accounts.adapter.send_pending")


def _login_of(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """allauth's per-key failure limit counts per account AND address, never per account alone."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{self.get_client_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        login = _login_of(credentials)
        known = throttling.is_known_device(request, login)
        if not throttling.may_try(login=login, address=self.get_client_ip(request), known_device=known):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials) -> None:
        throttling.record_failure(_login_of(credentials))
        super().authentication_failed(request, **credentials)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        throttling.remember_device(request, response, user)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Rendered now, sent once the response has gone (request_finished): the time to answer does
        not depend on which message, if any, a form sends (sign-up must not reveal a registered address)."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        if request is None:
            message.send()
            return
        _pending.messages = [*getattr(_pending, "messages", []), message]
