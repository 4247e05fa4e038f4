"""Every page must be usable in the three languages: every catalogue entry is translated, and a
string shared by two apps reads the same in both (the first catalogue found would win anyway)."""

from pathlib import Path

import polib
from django.conf import settings


def _catalogues(lang: str):
    for locale_dir in settings.LOCALE_PATHS:
        path = Path(locale_dir) / lang / "LC_MESSAGES" / "django.po"
        if path.exists():
            yield path, polib.pofile(str(path))


def test_every_catalogue_entry_is_translated():
    missing = []
    for lang in ("zh_Hant", "zh_Hans"):
        for path, catalogue in _catalogues(lang):
            for entry in catalogue:
                if entry.obsolete:
                    continue
                if not (entry.msgstr or any(entry.msgstr_plural.values())) or "fuzzy" in entry.flags:
                    missing.append(f"{path}: {entry.msgid!r}")
    assert missing == []


def test_shared_strings_read_the_same_in_every_app():
    conflicts = []
    for lang in ("zh_Hant", "zh_Hans"):
        seen: dict[tuple[str, str], tuple[str, Path]] = {}
        for path, catalogue in _catalogues(lang):
            for entry in catalogue:
                if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                    continue
                key = (entry.msgctxt or "", entry.msgid)
                if key in seen and seen[key][0] != entry.msgstr:
                    conflicts.append(
                        f"{lang} {entry.msgid!r}: {seen[key][1]} {seen[key][0]!r} vs {path} {entry.msgstr!r}"
                    )
                seen.setdefault(key, (entry.msgstr, path))
    assert conflicts == []
