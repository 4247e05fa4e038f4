"""Text in a message that is put into words when the message is rendered: in the recipient's language.

A service builds a message's context in the language of whoever caused the event; a summary
translated there, or an organisation's name read there, would reach a Chinese reader in English.
`sentence` and `name_of` give values that are translated and read at rendering time instead, which
`notifications.services.render_message` does once per recipient inside their language.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext


def _fill(msgid: str, params: dict) -> str:
    return gettext(msgid) % {key: str(value) for key, value in params.items()}


_lazy_fill = lazy(_fill, str)


def sentence(msgid: str, **params):
    """`msgid` (marked with gettext_noop where it is written) translated and filled when rendered."""
    return _lazy_fill(msgid, params)


def _read(obj, field: str) -> str:
    return (getattr(obj, field) or "") if obj is not None else ""


_lazy_read = lazy(_read, str)


def name_of(obj, field: str = "name"):
    """A translated field (an organisation's, scheme's or industry's name) read when rendered."""
    return _lazy_read(obj, field)
