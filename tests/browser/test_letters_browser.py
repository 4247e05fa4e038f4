"""A letter's QR link opens the public verification page, in English and in Chinese, and the page
confirms the PDF held is the bureau's unaltered copy."""

import re

import pytest

from letters import rendering
from letters.models import Letter
from reviews import services
from tests.letters.conftest import pdf_text, stored_pdf
from tests.reviews.conftest import (  # noqa: F401 - cases built through the review services
    accepted,
    recommended_case,
    review_case,
    reviewed_case,
    screening_case,
    submitted_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def site(settings, live_server, tmp_path):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def _refusal_letter(case, approver, applicant, language: str) -> Letter:
    from tests.reviews.conftest import record_determination

    applicant.preferred_language = language
    applicant.save(update_fields=["preferred_language"])
    record_determination(case, approver)
    criterion = case.criteria_set.criteria.order_by("order").first()
    # transactional database: the letter is issued when the decision commits
    services.case_reject(application=case, actor=approver, reasons=[(criterion.pk, "Not evidenced.")])
    return Letter.objects.get(application=case)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_qr_link_opens_the_verification_page(
    page,
    live_server,
    shot,
    tmp_path,
    language,
    recommended_case,  # noqa: F811 - the fixture imported above
    approver,
    applicant,
):
    letter = _refusal_letter(recommended_case, approver, applicant, language)
    data = stored_pdf(letter)
    # the address printed under the QR code is the one the QR code holds
    qr_url = rendering.verification_url(letter.code, language)
    assert qr_url == f"{live_server.url}/{language}/verify/{letter.code}/"
    printed = re.search(r"https?://\S+/verify/\S+/", pdf_text(data)).group(0)
    assert printed == qr_url

    page.goto(printed)
    shot(page, f"letters-verify-{language}")
    details = page.locator(".verify-details")
    if language == "en":
        assert page.locator("h1").inner_text() == "Verify a document of the bureau"
        assert "Letter of refusal" in details.inner_text()
    else:
        assert page.locator("h1").inner_text() == "核實本局文件"
        assert "拒絕信" in details.inner_text()
    assert letter.sha256 in details.inner_text()
    assert letter.reference in details.inner_text()

    held = tmp_path / "held.pdf"
    held.write_bytes(data)
    page.set_input_files("#id_file", str(held))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    shot(page, f"letters-verify-{language}-checked")
    result = page.locator("#verify-result").inner_text()
    assert ("unaltered copy" in result) if language == "en" else ("未經改動" in result)

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(data[:200] + b"% altered\n" + data[200:])
    page.set_input_files("#id_file", str(forged))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    result = page.locator("#verify-result").inner_text()
    assert ("not a letter of the bureau" in result) if language == "en" else ("並非本局的信件" in result)


def test_dossier_page_follows_the_build_and_offers_the_download(
    page,
    live_server,
    shot,
    submitted_case,  # noqa: F811 - the fixture imported above
    case_officer,
):
    """The progress bar is driven by the static script polling the JSON status; the download appears when ready."""
    from letters import dossier as builder
    from letters.models import Dossier
    from tests.browser.conftest import login_as

    dossier = Dossier.objects.create(application=submitted_case, requested_by=case_officer)
    login_as(page, live_server, case_officer)
    page.goto(f"{live_server.url}/en/letters/dossiers/{dossier.pk}/")
    assert page.locator("#dossier-label").inner_text() == "Queued"
    assert page.locator("#dossier-ready").is_hidden()
    shot(page, "letters-dossier-queued")
    assert builder.build(dossier_id=dossier.pk) == "ready"
    page.locator("#dossier-download").wait_for(state="visible", timeout=15_000)
    assert page.locator("#dossier-label").inner_text() == "Ready"
    assert page.locator("#dossier-progress").get_attribute("value") == "100"
    shot(page, "letters-dossier-ready")
    with page.expect_download() as download:
        page.locator("#dossier-download").click()
    assert download.value.suggested_filename == dossier.filename
