import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.utils.functional import empty

_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the proxy) for logs and the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class SessionAbsoluteLimitMiddleware:
    """End a signed-in session SESSION_COOKIE_AGE seconds after sign-in, however active it is.

    Django renews a session's expiry each time it is saved, and the idle-limit middleware saves it
    while the user is active, so the cookie age alone never ends an active session.
    """

    KEY = "_qf_signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session to limit; reading one would add Vary: Cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.get(self.KEY)
            if signed_in_at is None:
                request.session[self.KEY] = now
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
        return self.get_response(request)


def stamp_sign_in(sender, request, user, **kwargs):
    """A new sign-in starts a new absolute period."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionAbsoluteLimitMiddleware.KEY] = int(time.time())


class PrivateCacheControlMiddleware:
    """Every answer to a signed-in user carries `Cache-Control: private, no-store`.

    Neither a shared cache nor the browser's history keeps a page of one person's work; pages for
    visitors without a session keep the public caching their views give them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = _known_user(request)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


def _known_user(request):
    """The request's user when known without reading a session that no cookie named (which would add
    `Vary: Cookie` to a public page): from the session cookie, or set by a sign-in in this request."""
    user = getattr(request, "user", None)
    if user is None or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return user
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is empty else wrapped


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than REQUEST_BODY_MAX_BYTES before reading it.

    Django only refuses an oversized upload after receiving it in full (a 150 MB post was read to
    the end before the 20 MB document limit answered). The proxy in front enforces the same limit
    (docs/sec.md), and refuses a chunked body without a length beyond it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = -1
        if declared < 0 or declared > settings.REQUEST_BODY_MAX_BYTES:
            from django.http import HttpResponse
            from django.utils.translation import gettext as _

            limit = settings.REQUEST_BODY_MAX_BYTES / (1024 * 1024)
            text = _("The request is larger than the limit of %(limit)s MB.") % {"limit": f"{limit:g}"}
            response = HttpResponse(
                text, status=413 if declared >= 0 else 400, content_type="text/plain; charset=utf-8"
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)
