"""One fallback rule for names in three languages, used by the pages and the open data alike.

A name missing in the language asked for is shown in the next language of its chain:
Simplified Chinese -> Traditional Chinese -> English; Traditional Chinese -> English -> Simplified;
English -> Traditional -> Simplified. The chain is settings.MODELTRANSLATION_FALLBACK_LANGUAGES,
which is also what django-modeltranslation follows on the pages.
"""

from django.conf import settings

LANGUAGES = ("en", "zh-hant", "zh-hans")


def fallback_chain(language: str) -> tuple[str, ...]:
    """The languages tried for `language`, in order, beginning with itself."""
    rules = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    chain = rules.get(language, rules.get("default", ()))
    return tuple(dict.fromkeys((language, *chain)))


def name_in(obj, language: str, field: str = "name") -> tuple[str, str]:
    """The field's text for `language` by the fallback rule, and the language that text is in."""
    for candidate in fallback_chain(language):
        text = getattr(obj, f"{field}_{candidate.replace('-', '_')}", "") or ""
        if text.strip():
            return text, candidate
    return "", language


def names(obj, field: str = "name") -> tuple[dict[str, str], dict[str, str]]:
    """The field in every language by the rule, and for each language that fell back, the language used."""
    texts, fell_back = {}, {}
    for language in LANGUAGES:
        texts[language], used = name_in(obj, language, field)
        if used != language:
            fell_back[language] = used
    return texts, fell_back
