"""Conditions on the application's staff-side transitions, registered by the app that owns them.

The review tables belong to the reviews app, which registers its conditions here in its
`AppConfig.ready()`; this app names only the transition. A transition whose conditions nobody
registered cannot proceed: a decision never runs unchecked because an app was left out.
"""

from collections.abc import Callable

_registered: dict[str, list[Callable]] = {}


def register(transition: str, *conditions: Callable) -> None:
    """Add conditions (each `condition(application) -> bool`) to a transition of Application."""
    current = _registered.setdefault(transition, [])
    current.extend(c for c in conditions if c not in current)


def registered(transition: str) -> Callable:
    """The django-fsm condition for `transition`: every registered condition holds (and there is one)."""

    def condition(application) -> bool:
        checks = _registered.get(transition)
        return bool(checks) and all(check(application) for check in checks)

    condition.__name__ = f"{transition}_conditions"
    return condition
