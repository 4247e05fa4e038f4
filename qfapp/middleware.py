import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout

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
