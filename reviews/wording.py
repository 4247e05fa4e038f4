"""Recorded text in the reader's language.

An audit row keeps the words of the moment it was written, in the language of whoever acted then:
"Competent", a refusal message, a state name. A timeline is read later by someone else, perhaps in
another language. `in_reader_language` recognises any text that is one of the project's translated
messages (in any of the three languages, with its %(placeholders)s filled) and gives it back in the
active language; text typed by a person is returned as it was.
"""

import functools
import re

from django.conf import settings
from django.utils.translation import gettext, trans_real

SEPARATOR = "; "
_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)[sd]")


def _pattern(text: str) -> re.Pattern | None:
    if len(re.sub(r"%\(\w+\)[sd]", "", text).strip()) < 8:
        return None  # too little fixed text to recognise the message by
    escaped = re.escape(text).replace("%%", "%")
    names: list[str] = []

    def group(match: re.Match) -> str:
        name = match.group(1)
        if name in names:
            return f"(?P={name})"
        names.append(name)
        return f"(?P<{name}>.+?)"

    try:
        return re.compile("^" + _PLACEHOLDER.sub(group, escaped) + "$", re.DOTALL)
    except re.error:
        return None


@functools.cache
def _tables() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """Every translated message of the project: exact texts and patterns, each to its catalogue key."""
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []
    seen: set[str] = set()
    for code, _name in settings.LANGUAGES:
        catalog = trans_real.translation(code)._catalog
        for key, value in catalog.items():
            if not isinstance(key, str) or not key or not isinstance(value, str) or not value:
                continue
            msgid = key.rpartition("\x04")[2]
            for text in (msgid, value):
                if "%(" in text:
                    if (text, key) not in seen and (pattern := _pattern(text)) is not None:
                        seen.add((text, key))
                        patterns.append((pattern, key))
                elif len(text) > 1:
                    exact.setdefault(text, key)
    # Longer patterns first: the most specific message wins.
    patterns.sort(key=lambda item: -len(item[0].pattern))
    return exact, patterns


def _translated(key: str) -> str:
    result = gettext(key)
    return result.rpartition("\x04")[2] if "\x04" in result else result


def _one(text: str) -> str:
    exact, patterns = _tables()
    if text in exact:
        return _translated(exact[text])
    if "%" in text or len(text) < 4:
        return text
    for pattern, key in patterns:
        match = pattern.match(text)
        if match:
            params = {name: _one(value) for name, value in match.groupdict().items()}
            try:
                return _translated(key) % params
            except (KeyError, ValueError, TypeError):
                return text
    return text


def in_reader_language(text: str) -> str:
    """The recorded text in the active language where it is one of the project's messages."""
    if not text:
        return text
    parts = str(text).split(SEPARATOR)
    result, start = [], 0
    while start < len(parts):
        # Several messages joined by "; ", each of which may itself contain "; ": longest match first.
        for end in range(len(parts), start, -1):
            chunk = SEPARATOR.join(parts[start:end])
            translated = _one(chunk)
            if translated != chunk or end == start + 1:
                result.append(translated)
                start = end
                break
    return SEPARATOR.join(result)
