"""Nothing a member of staff typed is lost: not on a refusal, not when the session has ended.

A case action that is refused (a form error, or a rule of the service) keeps the posted values in
the session under the page they came from; the page then shows the same form again, bound to what
was typed, with the reason. A POST that arrives after the session ended is kept the same way (in
the new anonymous session, which signing in again carries over) and shown after sign-in, unsaved.
"""

import json
from functools import wraps
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.utils.translation import gettext as _

from applications.views.common import pop_stash, stash_post

_IGNORED = {"csrfmiddlewaretoken"}


def keep(request, *, page: str, action: str) -> None:
    """Keep what was posted for `action` so that `page` can show it again."""
    posted = {name: values for name, values in request.POST.lists() if name not in _IGNORED}
    stash_post(request, page=page, values={"_action": action, "_post": json.dumps(posted)})


def take(request, *, page: str) -> tuple[str, QueryDict] | None:
    """What was kept for `page` (once): the action and the posted values, or None."""
    entry = pop_stash(request, page=page)
    if not entry or "_post" not in entry:
        return None
    data = QueryDict(mutable=True)
    try:
        for name, values in json.loads(entry["_post"]).items():
            data.setlist(name, [str(v) for v in values])
    except (ValueError, AttributeError, TypeError):
        return None
    return entry.get("_action", ""), data


def as_request(data: QueryDict) -> SimpleNamespace:
    """Something a form factory that reads `request.POST` can be called with."""
    return SimpleNamespace(POST=data)


def login_required_keeping_post(page):
    """`login_required` that keeps a POST made after the session ended. `page(request, **kwargs)` names
    the page the values belong to; after sign-in the person is sent back to it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            target = page(request, **kwargs)
            if request.method == "POST":
                action = kwargs.get("action", "")
                keep(request, page=target, action=action)
                messages.warning(request, _("Your session had ended. Sign in again: what you typed has been kept."))
            return redirect_to_login(target)

        return wrapped

    return decorator
