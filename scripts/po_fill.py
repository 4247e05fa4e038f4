#!/usr/bin/env python
"""Fill translations into a catalogue pair from a JSON file of {msgid: [zh_hant, zh_hans]}.

Usage: python scripts/po_fill.py <locale dir> <translations.json>
For plural entries give {msgid: [[hant singular, hant plural], [hans singular, hans plural]]}.
Entries already translated are left alone unless --force is given. Prints what is still missing.
"""

import json
import sys
from pathlib import Path

import polib


def main() -> int:
    force = "--force" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--force"]
    locale_dir, source = Path(args[0]), Path(args[1])
    table = json.loads(source.read_text(encoding="utf-8"))
    missing = 0
    for index, lang in enumerate(("zh_Hant", "zh_Hans")):
        path = locale_dir / lang / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            value = table.get(entry.msgid)
            if value is not None:
                text = value[index]
                if entry.msgid_plural:
                    forms = text if isinstance(text, list) else [text, text]
                    if force or not any(entry.msgstr_plural.values()):
                        entry.msgstr_plural = {0: forms[-1]}
                elif force or not entry.msgstr:
                    entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if not (entry.msgstr or any(entry.msgstr_plural.values())):
                missing += 1
                print(f"missing [{lang}]: {entry.msgid!r}")
        catalogue.save(str(path))
    print(f"{missing} entries still untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
