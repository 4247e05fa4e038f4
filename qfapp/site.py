"""The site's own address, for the links in every message.

SITE_URL when it is set (production: the public https address). Otherwise the address the site is
being served at, taken from the request that causes the message (so `make run PORT=8100` links to
:8100); outside a request (a worker's scheduled task) http://127.0.0.1:8000.
"""

from contextvars import ContextVar

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
_request_origin: ContextVar[str] = ContextVar("qf_request_origin", default="")


def site_url() -> str:
    """The scheme, host and port links in messages start with, without a trailing slash."""
    configured = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return configured or _request_origin.get() or DEFAULT_SITE_URL


class SiteURLMiddleware:
    """Remembers the address of the request being served (its host was checked against ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            origin = f"{request.scheme}://{request.get_host()}"
        except Exception:  # noqa: BLE001 - a disallowed host is answered by Django itself later
            return self.get_response(request)
        token = _request_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
