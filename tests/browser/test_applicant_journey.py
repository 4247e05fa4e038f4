"""A new organisation goes from sign-up to a submitted, complete RPL application in a browser."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from agencies.seeding import load_reference
from applications.models import Application, Document
from tests import factories
from tests.applications.conftest import make_office, make_pdf, make_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-passphrase-2026"

TEXT = {
    "en": {"org": "Journey Training Institute", "reference": "reference number is RPL-{year}-0001"},
    "zh-hant": {"org": "旅程培訓學院", "reference": "RPL-{year}-0001"},
}


@pytest.fixture
def journey_setup(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    load_reference()
    return factories.IndustryFactory(
        code="printing", name="Printing", name_en="Printing", name_zh_hant="印刷業", name_zh_hans="印刷业"
    )


def _submit(page):
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_applicant_journey(page, live_server, shot, axe_check, journey_setup, lang, tmp_path):
    base = f"{live_server.url}/{lang}"
    email = f"journey-{lang}@example.org"

    # Sign up and verify the e-mail address.
    page.goto(f"{base}/accounts/signup/")
    shot(page, f"journey-{lang}-01-signup")
    axe_check(page, f"signup {lang}")
    page.fill("input[name=full_name]", "Chan Tai Man")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(page)
    assert "/accounts/confirm-email/" in page.url
    shot(page, f"journey-{lang}-02-verify-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    shot(page, f"journey-{lang}-03-confirm")
    _submit(page)
    assert page.url.endswith(f"/{lang}/dashboard/")
    shot(page, f"journey-{lang}-04-dashboard")
    axe_check(page, f"dashboard {lang}")

    # Register the organisation.
    page.goto(f"{base}/applications/organisations/new/")
    page.fill("input[name=name_en]", "Journey Training Institute")
    page.fill("input[name=name_zh_hant]", "旅程培訓學院")
    page.fill("input[name=name_zh_hans]", "旅程培训学院")
    page.select_option("select[name=entity_type]", "education")
    page.fill("input[name=registration_number]", f"JOURNEY-{lang}")
    page.check("input[name=is_charity]")
    page.fill("input[name=charity_file_number]", "91/55555")
    page.fill("textarea[name=address]", "8 Journey Road, Kwun Tong")
    page.fill("input[name=phone]", "(852) 2333-4444")
    page.fill("input[name=officers-0-name]", "Wong Mei Ling")
    page.fill("input[name=officers-0-position]", "Principal")
    shot(page, f"journey-{lang}-05-organisation-form")
    axe_check(page, f"organisation form {lang}")
    _submit(page)
    assert "/applications/organisations/" in page.url
    assert TEXT[lang]["org"] in page.content()
    shot(page, f"journey-{lang}-06-organisation")

    # Start an RPL application.
    page.goto(f"{base}/applications/new/rpl/")
    page.select_option("select[name=industry]", label="印刷業" if lang == "zh-hant" else "Printing")
    page.fill("textarea[name=fee_policy]", "HK$1,000 per candidate, set to recover costs only.")
    page.fill("textarea[name=new_collaborators]", "Printing Employers Federation")
    shot(page, f"journey-{lang}-07-start")
    axe_check(page, f"start {lang}")
    _submit(page)
    application = Application.objects.get(organisation__registration_number=f"JOURNEY-{lang}")
    assert page.url.endswith(f"/applications/{application.pk}/")
    shot(page, f"journey-{lang}-08-checklist-empty")
    axe_check(page, f"checklist {lang}")

    # Evidence and a document for each of the seven criteria.
    samples = [("pdf", make_pdf), ("docx", lambda: make_office("docx")), ("png", make_png)]
    criteria = list(application.criteria_set.criteria.order_by("order"))
    assert len(criteria) == 7
    for index, criterion in enumerate(criteria):
        page.goto(f"{base}/applications/{application.pk}/criteria/{criterion.pk}/")
        narrative = f"Evidence for criterion {criterion.code}: our record over ten years."
        page.fill("textarea[name=narrative]", narrative)
        counter = page.locator("#narrative-counter").inner_text()
        assert str(len(narrative)) in counter and "10000" in counter
        if index == 0:
            shot(page, f"journey-{lang}-09-evidence")
            axe_check(page, f"evidence {lang}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        page.locator("main a[href*='documents/?criterion=']").click()
        page.wait_for_load_state("networkidle")
        kind, make = samples[index % len(samples)]
        path = tmp_path / f"criterion-{criterion.code}.{kind}"
        path.write_bytes(make())
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=title]", f"Supporting document {criterion.code}")
        assert page.locator(f"input[name=criteria][value='{criterion.pk}']").is_checked()
        if index == 0:
            shot(page, f"journey-{lang}-10-upload")
            axe_check(page, f"upload {lang}")
        page.locator("main form[enctype] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/criteria/{criterion.pk}/")
        assert f"Supporting document {criterion.code}" in page.content()

    assert Document.objects.filter(application=application).count() == 7
    page.goto(f"{base}/applications/{application.pk}/")
    shot(page, f"journey-{lang}-11-checklist-complete")
    assert page.locator("table.checklist .badge.text-bg-success").count() == 7

    # Submit with the declaration.
    page.goto(f"{base}/applications/{application.pk}/submit/")
    assert page.locator("#missing-list").count() == 0
    shot(page, f"journey-{lang}-12-submit")
    axe_check(page, f"submit {lang}")
    page.check("input[name=declaration]")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/applications/{application.pk}/status/")
    year = timezone.localdate().year
    assert TEXT[lang]["reference"].format(year=year) in page.content()
    shot(page, f"journey-{lang}-13-status")
    axe_check(page, f"status {lang}")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.reference == f"RPL-{year}-0001"
    assert any(f"RPL-{year}-0001" in m.subject for m in mail.outbox)
