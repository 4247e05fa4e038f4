"""PDF from the bureau's HTML templates (WeasyPrint), with the letterhead, the verification code and QR.

Nothing here touches the database: a letter's context is built by `letters.content` and the PDF
returned as bytes, so the preview and the issued letter come from the same code.
"""

import secrets
from html.parser import HTMLParser

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qfapp.site import site_url

from .enums import BILINGUAL_KINDS, LetterKind

# Crockford's base32 without I, L, O, U: read aloud and typed without confusion. 16 characters = 80 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}$"
CODE_MAX_LENGTH = 19
PREVIEW_CODE = "0000-0000-0000-0000"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def html_lang(language: str) -> str:
    return {"zh-hant": "zh-Hant-HK", "zh-hans": "zh-Hans"}.get(language, "en")


def chinese_of(language: str) -> str:
    """The Chinese a bilingual letter is set in: Simplified for a reader who asked for it, else Traditional."""
    return "zh-hans" if language == "zh-hans" else "zh-hant"


def languages_for(kind: str, language: str) -> list[str]:
    """The languages of a letter's body, in the order they are printed."""
    if kind in BILINGUAL_KINDS:
        return ["en", chinese_of(language)]
    return [language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE]


def verification_url(code: str, language: str) -> str:
    with translation.override(language):
        return site_url() + reverse("verify:letter", args=[code])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def _letterhead(language: str) -> list[dict]:
    """The bureau's name in English and in the letter's Chinese, on every letter."""
    lines = []
    for lang in ("en", chinese_of(language)):
        with translation.override(lang):
            lines.append(
                {
                    "lang": html_lang(lang),
                    "government": _("The Government of the Hong Kong Special Administrative Region"),
                    "bureau": _("Education Bureau"),
                    "office": _("Qualifications Framework Secretariat"),
                }
            )
    return lines


def render_html(*, kind: str, context: dict, language: str, code: str, preview: bool = False) -> str:
    """The letter as HTML: the letterhead, one body per language (side by side when bilingual), the footer."""
    languages = languages_for(kind, language)
    verify_lines = []
    for lang in languages:
        with translation.override(lang):
            verify_lines.append(
                {
                    "lang": html_lang(lang),
                    "text": _(
                        "Anyone may check this document: scan the QR code or open the address below, and enter "
                        "the verification code. The page shows what the document is and lets you confirm that "
                        "a PDF is the bureau's unaltered copy."
                    ),
                }
            )
    with translation.override(languages[0]):
        preview_notice = _("Preview: this document has not been issued.")
        title = str(LetterKind(kind).label)
    bodies = []
    for lang in languages:
        with translation.override(lang):
            body = render_to_string(f"letters/pdf/{kind}.html", {**context, "LANG": lang})
        bodies.append({"lang": html_lang(lang), "html": mark_safe(body)})  # noqa: S308  # nosec B308 B703 - our own template output, escaped by it
    url = verification_url(code, languages[-1] if len(languages) > 1 else languages[0])
    with translation.override(languages[0]):
        return render_to_string(
            "letters/pdf/letter.html",
            {
                **context,
                "kind": kind,
                "bodies": bodies,
                "bilingual": len(bodies) > 1,
                "lang": html_lang(languages[0]),
                "chinese": next((b["lang"] for b in bodies if b["lang"] != "en"), "zh-Hant-HK"),
                "code": code,
                "verify_url": url,
                "qr": qr_data_uri(url),
                "preview": preview,
                "preview_notice": preview_notice,
                "title": title,
                "letterhead": _letterhead(language),
                "verify_lines": verify_lines,
            },
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher

    # Templates embed everything (data: URIs): a letter never fetches anything from anywhere.
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def render_pdf(*, kind: str, context: dict, language: str, code: str, preview: bool = False) -> bytes:
    return html_to_pdf(render_html(kind=kind, context=context, language=language, code=code, preview=preview))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees in the letter's HTML (what the PDF must give back when extracted)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)
