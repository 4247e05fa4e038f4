import time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import Organisation

from ..models import Application


def application_or_404(request, pk: int, perm: str = "applications.access_application") -> Application:
    """The application if the user may act on it this way; a 404 otherwise (never revealing it exists)."""
    application = get_object_or_404(
        Application.objects.select_related("organisation", "scheme", "industry", "criteria_set"), pk=pk
    )
    if not request.user.has_perm(perm, application):
        raise Http404
    return application


def organisation_or_404(request, pk: int, perm: str = "agencies.view_organisation_private") -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm(perm, organisation):
        raise Http404
    return organisation


def show_violation(request, form, exc) -> None:
    """Put a RuleViolation's messages on the page and its field errors on the form's fields."""
    placed = False
    if form is not None:
        for name, errors in exc.field_errors.items():
            if name in form.fields:
                for error in errors:
                    form.add_error(name, error)
                placed = True
    for message in exc.messages:
        messages.error(request, message)
    return placed


# Text posted after the session ended is kept in the (new, anonymous) session until the person
# signs in again in the same browser, then shown in the form it came from, unsaved.
STASH_KEY = "qf_post_stash"
STASH_SECONDS = 6 * 3600
STASH_MAX_ENTRIES = 10
STASH_MAX_CHARS = 20_000


def stash_post(request, *, page: str, values: dict[str, str]) -> None:
    stash = request.session.get(STASH_KEY, {})
    entry = stash.get(page, {})
    entry.update({name: str(value)[:STASH_MAX_CHARS] for name, value in values.items()})
    entry["_at"] = int(time.time())
    stash[page] = entry
    request.session[STASH_KEY] = dict(list(stash.items())[-STASH_MAX_ENTRIES:])


def pop_stash(request, *, page: str) -> dict | None:
    stash = request.session.get(STASH_KEY)
    if not stash or page not in stash:
        return None
    entry = stash.pop(page)
    request.session.modified = True
    if time.time() - entry.get("_at", 0) > STASH_SECONDS:
        return None
    return entry
