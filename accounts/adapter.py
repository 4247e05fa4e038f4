"""allauth's adapter with the project's sign-in throttling (accounts.throttling)."""

from allauth.account.adapter import DefaultAccountAdapter

from . import throttling


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
