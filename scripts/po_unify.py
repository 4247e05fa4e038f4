#!/usr/bin/env python
"""Make a string shared by several apps read the same everywhere.

Django uses the first catalogue in LOCALE_PATHS that has a string, so a different translation in a
later app's catalogue is never shown; this copies the winning translation into the later ones so
that what each catalogue says is what users see. Run `make messages` afterwards to compile.
"""

import os
import sys
from pathlib import Path

import django
import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qfapp.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()

from django.conf import settings  # noqa: E402


def main() -> int:
    changed = 0
    for lang in ("zh_Hant", "zh_Hans"):
        winners: dict[tuple[str, str], str] = {}
        for locale_dir in settings.LOCALE_PATHS:
            path = Path(locale_dir) / lang / "LC_MESSAGES" / "django.po"
            if not path.exists():
                continue
            catalogue = polib.pofile(str(path))
            dirty = False
            for entry in catalogue:
                if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                    continue
                key = (entry.msgctxt or "", entry.msgid)
                if key not in winners:
                    winners[key] = entry.msgstr
                elif winners[key] != entry.msgstr:
                    print(f"{path}: {entry.msgid!r} {entry.msgstr!r} -> {winners[key]!r}")
                    entry.msgstr = winners[key]
                    dirty = True
                    changed += 1
            if dirty:
                catalogue.save(str(path))
    print(f"{changed} entries changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
