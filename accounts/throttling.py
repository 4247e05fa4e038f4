"""Sign-in throttling that slows an attacker without letting a third party lock a user out.

Three limits, each keyed so that someone else's failures cannot refuse the right password:
- per account AND address: django-axes locks one e-mail from one address after AXES_FAILURE_LIMIT
  failures (cool-off AXES_COOLOFF_TIME), and allauth's `login_failed` key limit counts per
  e-mail-and-address (`AccountAdapter._get_login_attempts_cache_key`);
- per address: allauth's `login_failed` ip limits (ACCOUNT_RATE_LIMITS), across every account;
- per account, across addresses: after LOGIN_ACCOUNT_FAILURES failures within
  LOGIN_ACCOUNT_WINDOW seconds the account is "under attack", and each address that is not a
  known device of it may try once per LOGIN_UNDER_ATTACK_COOLOFF seconds. A known device (a
  browser that signed in to the account before: a signed cookie) passes at once, and so does
  the first try from any other address: ten addresses failing for a victim cannot refuse the
  victim's own sign-in, but each of them is slowed to one guess per cool-off.
"""

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "qf_device"
DEVICE_SALT = "accounts.throttling.device"
DEVICE_MAX_ACCOUNTS = 5
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _account_key(login: str) -> str:
    return f"qf:login:account-failures:{_hash(login.strip().lower())}"


def _attempt_key(login: str, address: str) -> str:
    return f"qf:login:under-attack-attempt:{_hash(login.strip().lower() + '|' + address)}"


def _recent(history: list[float], now: float) -> list[float]:
    return [at for at in history if at > now - settings.LOGIN_ACCOUNT_WINDOW]


def record_failure(login: str) -> None:
    """One more failed sign-in for the account, from wherever."""
    if not login:
        return
    now = time.time()
    key = _account_key(login)
    history = _recent(cache.get(key) or [], now)
    history.append(now)
    cache.set(key, history, settings.LOGIN_ACCOUNT_WINDOW)


def is_under_attack(login: str) -> bool:
    history = _recent(cache.get(_account_key(login)) or [], time.time())
    return len(history) >= settings.LOGIN_ACCOUNT_FAILURES


def may_try(*, login: str, address: str, known_device: bool) -> bool:
    """Whether this attempt may be checked now (and, if so, the address's cool-off starts)."""
    if not login or known_device or not is_under_attack(login):
        return True
    key, now = _attempt_key(login, address), time.time()
    last = cache.get(key)
    if last is not None and now - last < settings.LOGIN_UNDER_ATTACK_COOLOFF:
        return False
    cache.set(key, now, settings.LOGIN_UNDER_ATTACK_COOLOFF)
    return True


def _device_token(user) -> str:
    return salted_hmac(DEVICE_SALT, str(user.pk)).hexdigest()[:20]


def _device_tokens(request) -> list[str]:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        tokens = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return []
    return [t for t in tokens if isinstance(t, str)] if isinstance(tokens, list) else []


def is_known_device(request, login: str) -> bool:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=login.strip()).first() if login else None
    return user is not None and _device_token(user) in _device_tokens(request)


def remember_device(request, response, user) -> None:
    """After a complete sign-in, this browser is a known device of the account."""
    tokens = [t for t in _device_tokens(request) if t != _device_token(user)]
    tokens = ([_device_token(user)] + tokens)[:DEVICE_MAX_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(tokens, salt=DEVICE_SALT),
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
