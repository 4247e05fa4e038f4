"""Authentication helpers shared by the sign-in stack."""


def axes_username(request, credentials) -> str | None:
    """The user name django-axes locks on, whichever form or backend passed it.

    allauth authenticates with `email`, the login form posts `login`, the admin posts `username`;
    without this axes sees no user name and locks the whole address.
    """
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for key in ("email", "login", "username"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None


def lockout_response(request, original_response=None, credentials=None):
    """A locked-out sign-in gets a page in the visitor's language (429), not axes' English text."""
    from django.conf import settings
    from django.shortcuts import render

    return render(request, "qfapp/lockout.html", {"public_page": True}, status=settings.AXES_HTTP_RESPONSE_CODE)
