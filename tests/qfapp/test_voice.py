"""One voice per language across the site's pages and allauth's (issue 14, item 11): the reader is
您, an e-mail address is 電郵 / 电邮 and an account 帳戶 / 账户, in every catalogue and on the pages."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from scripts.po_voice import third_party_catalogues

OTHER_VOICE = {
    "zh_Hant": re.compile("你|電子郵件|郵件|帳號|電子郵箱"),
    "zh_Hans": re.compile("你|电子邮件|邮件|账号|帐号|帐户|电子邮箱"),
}
DJANGO_LANG = {"zh_Hant": "zh-hant", "zh_Hans": "zh-hans"}


@pytest.mark.parametrize("lang", list(OTHER_VOICE))
def test_the_sites_catalogues_speak_in_one_voice(lang):
    wrong = []
    for locale_dir in settings.LOCALE_PATHS:
        path = Path(locale_dir) / lang / "LC_MESSAGES" / "django.po"
        for entry in polib.pofile(str(path)) if path.exists() else []:
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            wrong += [f"{path.parts[-5]}: {entry.msgid} -> {t}" for t in texts if OTHER_VOICE[lang].search(t)]
    assert wrong == []


@pytest.mark.parametrize("lang", list(OTHER_VOICE))
def test_allauth_and_django_strings_are_shown_in_the_sites_voice(lang):
    wrong = []
    with translation.override(DJANGO_LANG[lang]):
        # allauth's and django.contrib.auth's: the strings of the sign-in, sign-up and account pages
        for path in (third_party_catalogues(lang)[0], third_party_catalogues(lang)[2]):
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                    continue
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                if OTHER_VOICE[lang].search(shown):
                    wrong.append(f"{entry.msgid} -> {shown}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
def test_sign_in_and_sign_up_pages_and_the_verification_email(client, lang):
    key = "zh_Hant" if lang == "zh-hant" else "zh_Hans"
    for path in ("login", "signup", "password/reset"):
        page = client.get(f"/{lang}/accounts/{path}/").content.decode()
        assert not OTHER_VOICE[key].search(page), path
    cache.clear()
    response = client.post(
        f"/{lang}/accounts/signup/",
        {
            "full_name": "陳大文",
            "email": "chan@example.org",
            "password1": "Journey-pass-2026",
            "password2": "Journey-pass-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    (message,) = mail.outbox
    assert message.body.startswith("陳大文")
    assert "問候" not in message.body and "问候" not in message.body
    assert "testserver!" not in message.body
    assert not OTHER_VOICE[key].search(message.subject + message.body)
