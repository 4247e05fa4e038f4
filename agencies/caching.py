"""Conditional GET and response caching for the public register.

A response is stored for everyone only when it cannot hold anything of one visitor: a request that
carries a session cookie or flash messages, or a response that sets a cookie or varies on it, is
rendered for that visitor alone and marked `private, no-store` (`is_personal`, decided here for every
cached page rather than per view).

A response is identified by the register's version, the view, the language, today's date (status
is as of today) and the allow-listed, normalised filter values: nothing else in the query string
can make a new cache entry. With Redis down the cache fails open and pages are rendered.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from .services import register_version

CACHE_SECONDS = 3600


def response_key(*, name: str, params: dict[str, str], by_language: bool = True) -> str:
    version = register_version()
    parts = [name, str(version), get_language() if by_language else "", timezone.localdate().isoformat()]
    parts.append(urlencode(sorted(params.items())))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _mark_public(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # Caches may keep a copy but must revalidate each time, so a change shows at once.
    patch_cache_control(response, public=True, no_cache=True)
    return response


def is_personal(request: HttpRequest) -> bool:
    """The request may be answered with per-user content: it has a session, or messages to show."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return True
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def _sets_or_reads_cookies(response: HttpResponse) -> bool:
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    return bool(response.cookies) or "cookie" in vary


def mark_private(response: HttpResponse) -> HttpResponse:
    """No shared cache or browser keeps this answer (it is one visitor's)."""
    response["Cache-Control"] = "private, no-store"
    return response


def canonical_query(request: HttpRequest, params: dict[str, str]) -> None:
    """Render the page for its canonical address, so links built from the query (the language
    switcher) carry only the allow-listed filters whatever else the request held."""
    request.META["QUERY_STRING"] = urlencode(sorted(params.items()))


def public_response(
    request: HttpRequest,
    *,
    name: str,
    params: dict[str, str],
    render: Callable[[], HttpResponse],
    by_language: bool = True,
    store: bool = True,
) -> HttpResponse:
    """Answer 304 to a matching conditional GET; else serve the cached body or render, cache and tag it.

    Only 200 responses are stored and tagged; `store=False` tags without storing (streamed bodies).
    A personal request (`is_personal`) is neither answered from the cache nor stored in it.
    """
    if is_personal(request):
        return mark_private(render())
    digest = response_key(name=name, params=params, by_language=by_language)
    etag = f'"{digest}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _mark_public(not_modified, etag)
    key = f"register:response:{digest}"
    store = store and settings.REGISTER_RESPONSE_CACHE
    cached = cache.get(key) if store else None
    if cached is not None:
        content, content_type = cached
        return _mark_public(HttpResponse(content, content_type=content_type), etag)
    response = render()
    if response.status_code != 200:
        return response
    if store and hasattr(response, "render") and callable(response.render):
        response.render()
    if _sets_or_reads_cookies(response) or is_personal(request):
        return mark_private(response)  # e.g. a message queued while rendering
    if store:
        cache.set(key, (response.content, response["Content-Type"]), CACHE_SECONDS)
    return _mark_public(response, etag)
