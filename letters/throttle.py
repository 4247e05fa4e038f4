"""A per-address request counter in the cache, for the public verification page. Fails open: with
the cache down the page answers (it reveals nothing a counter would protect beyond guessing speed)."""

import time

from django.core.cache import cache


def allowed(request, *, scope: str, limit: int, window: int = 60) -> bool:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"letters:throttle:{scope}:{address}:{int(time.time() // window)}"
    try:
        if cache.add(key, 1, timeout=window + 5):
            return True
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open
        return True
    return count is None or count <= limit
