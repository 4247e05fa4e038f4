import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

STAFF_TOTP_SESSION_KEY = "_qf_staff_totp"


class SessionLimitsMiddleware:
    """End a signed-in session after the idle limit; the absolute limit is SESSION_COOKIE_AGE.

    Only signed-in sessions are touched, so anonymous public pages stay cookie-free.
    """

    KEY = "_qf_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session to limit; not touching request.user keeps
        # anonymous public pages free of "Vary: Cookie" (and so cacheable).
        user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.SESSION_IDLE_SECONDS or not user.is_active:
                logout(request)
            elif now - last > 60 or self.KEY not in request.session:
                # Written at most once a minute: a session save per request would be wasteful.
                request.session[self.KEY] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Send bureau staff without an active authenticator app to the page that sets one up.

    The account pages (sign-out, two-factor set-up), static files and the health check stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Anonymous requests (no session cookie) are left alone so public pages stay cacheable.
        user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        if user is not None and user.is_authenticated and self._must_enrol(request, user):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request, user) -> bool:
        from allauth.mfa.models import Authenticator

        from .roles import STAFF_ROLES, user_roles

        if not (user_roles(user) & set(STAFF_ROLES)):
            return False
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path.startswith("/healthz"):
            return False
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in dict(settings.LANGUAGES) and parts[1] == "accounts":
            return False
        if request.session.get(STAFF_TOTP_SESSION_KEY):
            return False
        enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        if enrolled:
            # Remembered for the session (cleared when the authenticator is removed: accounts.apps).
            request.session[STAFF_TOTP_SESSION_KEY] = True
        return not enrolled
