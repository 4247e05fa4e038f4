#!/usr/bin/env python
"""One voice per language: the site's catalogues and the strings of allauth and Django it shows.

Traditional Chinese addresses the reader as 您 and says 電郵 and 帳戶; Simplified Chinese says 您,
电邮 and 账户. allauth's and Django's own catalogues say 你, 電子郵件, 帳號 in places, so every
string of theirs that reads differently is listed in accounts/allauth_voice.py (which puts it in
the accounts catalogue, consulted first) and given the site's wording there.

Usage (idempotent; run after merging catalogues, then compile):
  python scripts/po_voice.py && ruff format accounts/allauth_voice.py   # the list, and the catalogues
  bash scripts/messages.sh && python scripts/po_voice.py   # after a new allauth release
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOICE = {
    "zh_Hant": [
        ("電子郵件", "電郵"),
        ("電子郵箱", "電郵"),
        ("郵件", "電郵"),
        ("郵箱", "電郵"),
        ("帳號", "帳戶"),
        ("賬戶", "帳戶"),
        ("你", "您"),
    ],
    "zh_Hans": [
        ("电子邮件", "电邮"),
        ("电子邮箱", "电邮"),
        ("邮件", "电邮"),
        ("邮箱", "电邮"),
        ("账号", "账户"),
        ("帐号", "账户"),
        ("帐户", "账户"),
        ("你", "您"),
    ],
}
APPS = sorted(path.parent.name for path in ROOT.glob("*/locale"))


def voiced(text: str, lang: str) -> str:
    for old, new in VOICE[lang]:
        text = text.replace(old, new)
    return text.replace("電電郵", "電郵").replace("电电邮", "电邮")


def third_party_catalogues(lang: str) -> list[Path]:
    import allauth
    import django

    django_dir = Path(django.__file__).parent
    # the admin's catalogue comes first among the apps, so its wording of a shared msgid
    # ("Are you sure?") is what allauth's pages show
    return [
        Path(allauth.__file__).parent / "locale" / lang / "LC_MESSAGES" / "django.po",
        django_dir / "contrib" / "admin" / "locale" / lang / "LC_MESSAGES" / "django.po",
        django_dir / "contrib" / "auth" / "locale" / lang / "LC_MESSAGES" / "django.po",
        django_dir / "conf" / "locale" / lang / "LC_MESSAGES" / "django.po",
    ]


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def overrides() -> dict[tuple, dict[str, object]]:
    """Third-party entries whose wording differs from the site's voice, in the site's voice, with the
    other language's wording of the same entry (voiced): {key: {lang: msgstr or plurals}}."""
    found: dict[tuple, dict[str, object]] = {}
    every: dict[tuple, dict[str, object]] = {}
    for lang in VOICE:
        for path in third_party_catalogues(lang):
            if not path.exists():
                continue
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.fuzzy:
                    continue
                if entry.msgid_plural:
                    if not all(entry.msgstr_plural.values()):
                        continue
                    fixed = {i: voiced(s, lang) for i, s in entry.msgstr_plural.items()}
                    changed = fixed != dict(entry.msgstr_plural)
                elif entry.msgstr:
                    fixed = voiced(entry.msgstr, lang)
                    changed = fixed != entry.msgstr
                else:
                    continue
                every.setdefault(_key(entry), {}).setdefault(lang, fixed)
                if changed:
                    found.setdefault(_key(entry), {})[lang] = fixed
    # an entry listed for one language is filled in the other too (else it would read as untranslated)
    merged = {key: {**every[key], **langs} for key, langs in found.items()}
    return {key: langs for key, langs in merged.items() if set(langs) == set(VOICE)}


def write_module(found: dict) -> None:
    lines = [
        '"""allauth\'s and Django\'s strings the site words in its own voice (written by scripts/po_voice.py).',
        "",
        "Listing them here puts them in the accounts catalogue, which is consulted before allauth's and",
        "Django's own. Do not edit by hand: run scripts/po_voice.py.",
        '"""',
        "",
        "from django.utils.translation import IMPORTS",
        "",
        "VOICE = (",
    ]
    for ctx, msgid, plural in sorted(found):
        if plural:
            lines.append(f"    ngettext_lazy({msgid!r}, {plural!r}, 1),")
        elif ctx:
            lines.append(f"    pgettext_lazy({ctx!r}, {msgid!r}),")
        else:
            lines.append(f"    gettext_noop({msgid!r}),")
    lines.append(")")
    used = [
        name
        for name in ("gettext_noop", "ngettext_lazy", "pgettext_lazy")
        if any(f"    {name}(" in line for line in lines)
    ]
    lines = [line.replace("IMPORTS", ", ".join(used)) for line in lines]
    (ROOT / "accounts" / "allauth_voice.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def fix_catalogues(found: dict) -> int:
    changed = 0
    dirs = [ROOT / app / "locale" for app in APPS] + [ROOT / "locale"]
    for lang in VOICE:
        for locale_dir in dirs:
            path = locale_dir / lang / "LC_MESSAGES" / "django.po"
            if not path.exists():
                continue
            catalogue = polib.pofile(str(path), wrapwidth=79)
            dirty = False
            for entry in catalogue:
                if entry.obsolete:
                    continue
                # a string the site already translated keeps its words (in the site's voice); an empty
                # override entry in the accounts catalogue takes the third party's, voiced
                wanted = None
                empty = entry.fuzzy or not (entry.msgstr or any(entry.msgstr_plural.values()))
                if locale_dir.parent.name == "accounts" and empty:
                    wanted = found.get(_key(entry), {}).get(lang)
                    if wanted is not None and entry.fuzzy:
                        entry.flags.remove("fuzzy")
                        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                        dirty = True
                if entry.msgid_plural:
                    plurals = wanted or {i: voiced(s, lang) for i, s in entry.msgstr_plural.items()}
                    if any(plurals.values()) and plurals != dict(entry.msgstr_plural):
                        entry.msgstr_plural = plurals
                        dirty = True
                else:
                    text = wanted if wanted is not None else voiced(entry.msgstr, lang)
                    if text and text != entry.msgstr:
                        entry.msgstr = text
                        dirty = True
            if dirty:
                catalogue.save()
                changed += 1
    return changed


def main() -> int:
    found = overrides()
    write_module(found)
    changed = fix_catalogues(found)
    print(f"{len(found)} third-party strings in the site's voice; {changed} catalogues changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
