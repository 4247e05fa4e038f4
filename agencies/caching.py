"""Conditional GET and response caching for the public register.

A response is identified by the register's version, the view, the language, today's date (status
is as of today) and the allow-listed, normalised filter values: nothing else in the query string
can make a new cache entry. With Redis down the cache fails open and pages are rendered.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
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
    """
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
    if store:
        if hasattr(response, "render") and callable(response.render):
            response.render()
        cache.set(key, (response.content, response["Content-Type"]), CACHE_SECONDS)
    return _mark_public(response, etag)
