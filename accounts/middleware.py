import time

from django.conf import settings
from django.contrib.auth import logout


class SessionLimitsMiddleware:
    """End a signed-in session after the idle limit; the absolute limit is SESSION_COOKIE_AGE.

    Only signed-in sessions are touched, so anonymous public pages stay cookie-free.
    """

    KEY = "_qf_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session to limit; reading one would add Vary: Cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.SESSION_IDLE_SECONDS or not user.is_active:
                logout(request)
            elif now - last > 60 or self.KEY not in request.session:
                # Written at most once a minute: a session save per request would be wasteful.
                request.session[self.KEY] = now
        return self.get_response(request)
