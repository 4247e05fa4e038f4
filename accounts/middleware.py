import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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
    """Let a session act in a role that needs a second factor only once THIS session passed it.

    Who must use one (accounts.twofactor.requires_second_factor) and has no authenticator app is sent
    to set one up; who has one but whose session never completed the second factor (a password-only
    session, however it was obtained) is sent to confirm a code before anything else answers. The
    account pages (sign-out, two-factor set-up and confirmation), static files and the health check
    stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Anonymous requests (no session cookie) are left alone so public pages stay cacheable.
        user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        if user is not None and user.is_authenticated:
            refusal = self._refusal(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request, user):
        from allauth.mfa.models import Authenticator

        from .twofactor import requires_second_factor, session_passed_second_factor

        if not requires_second_factor(user) or _is_open_path(request.path_info):
            return None
        passed = session_passed_second_factor(request, user)
        if passed and request.session.get(STAFF_TOTP_SESSION_KEY) == user.pk:
            return None
        enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        if not enrolled:
            return redirect("mfa_activate_totp")
        if not passed:
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        # Remembered for the session (cleared when the authenticator is removed: accounts.apps).
        request.session[STAFF_TOTP_SESSION_KEY] = user.pk
        return None


def _is_open_path(path: str) -> bool:
    if path.startswith(settings.STATIC_URL) or path.startswith("/healthz"):
        return True
    parts = path.strip("/").split("/")
    return len(parts) >= 2 and parts[0] in dict(settings.LANGUAGES) and parts[1] == "accounts"
