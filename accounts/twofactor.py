"""Who must sign in with a second factor, and whether this session did.

A session is staff-capable only when it was authenticated with the second factor: allauth records
each authentication step of a session (password, password reset, code, mfa) under
`account_authentication_methods`, and only the "mfa" step (a TOTP or recovery code, at sign-in or
at re-authentication) counts. Having an authenticator enrolled is not enough: a session opened by
a plain `login()` (Django's admin form, a password reset, a test client) records no such step.
"""

from django.conf import settings

from .roles import REVIEWER, STAFF_ROLES, user_roles

MFA_METHOD = "mfa"


def second_factor_roles() -> set[str]:
    """The role groups that must use a second factor: every staff role, and reviewers unless the
    bureau exempts them (TWO_FACTOR_EXEMPT_GROUPS, validated in settings)."""
    exempt = set(getattr(settings, "TWO_FACTOR_EXEMPT_GROUPS", ()))
    return (set(STAFF_ROLES) | {REVIEWER}) - exempt


def requires_second_factor(user) -> bool:
    """Superusers, admin-capable accounts and the roles above sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user_roles(user) & second_factor_roles())


def session_passed_second_factor(request, user=None) -> bool:
    """True when this session (for this user) completed a second-factor step."""
    from allauth.account.authentication import get_authentication_records

    user = user if user is not None else getattr(request, "user", None)
    if user is None or getattr(request, "session", None) is None:
        return False
    return any(record.get("method") == MFA_METHOD for record in get_authentication_records(request, user))


def session_is_staff_capable(request, user=None) -> bool:
    """A session may act in a role that needs a second factor only once it has passed one."""
    user = user if user is not None else getattr(request, "user", None)
    return not requires_second_factor(user) or session_passed_second_factor(request, user)
