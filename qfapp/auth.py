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
