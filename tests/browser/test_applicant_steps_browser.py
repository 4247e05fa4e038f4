"""Issue 14 in the browser, in English and in Chinese: nothing typed is lost, the collaborators
picker shows only public names, irreversible steps ask once on a page of their own, the next step
is explained, the public can start, and the pages fit a phone."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from agencies.models import Organisation
from agencies.seeding import load_register
from applications.models import Application, Evidence, InformationRequest, InformationRequestItem
from tests import factories
from tests.browser.conftest import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {"saved": "Draft saved at", "next": "Criterion 2 →", "withdraw": "Withdraw the application now"},
    "zh-hant": {"saved": "草稿已於", "next": "準則 2 →", "withdraw": "立即撤回申請"},
}


@pytest.fixture
def setup(reference):
    cache.clear()
    organisation = factories.OrganisationFactory(name="Journey Institute", name_en="Journey Institute")
    applicant = factories.UserFactory(full_name="Chan Tai Man")
    factories.MembershipFactory(organisation=organisation, user=applicant)
    return organisation, applicant


def _criterion(application, index: int = 0):
    return application.criteria_set.criteria.order_by("order", "code")[index]


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_typed_narrative_survives_following_a_link(page, live_server, shot, setup, lang):
    organisation, applicant = setup
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    first, second = _criterion(draft, 0), _criterion(draft, 1)
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/{lang}/applications/{draft.pk}/criteria/{first.pk}/")
    area = page.locator("textarea[name=narrative]")
    area.fill("We are a company limited by guarantee, incorporated in 1998.")
    status = page.locator("#autosave-status")
    status.filter(has_text=WORDS[lang]["saved"]).wait_for()
    shot(page, f"applicant-steps-{lang}-autosaved")
    assert Evidence.objects.get(application=draft, criterion=first).narrative.startswith("We are a company")
    # typed and left at once: the link waits for the save
    area.press_sequentially(" Our registration number is 12345678.", delay=5)
    page.get_by_role("link", name=WORDS[lang]["next"]).click()
    page.wait_for_url(f"**/criteria/{second.pk}/")
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert page.locator("textarea[name=narrative]").input_value().endswith("Our registration number is 12345678.")
    assert Evidence.objects.get(application=draft, criterion=first).narrative.endswith("12345678.")
    shot(page, f"applicant-steps-{lang}-back-with-text")


def test_a_changed_form_warns_before_the_page_is_left(page, live_server, shot, setup):
    organisation, applicant = setup
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/en/applications/new/rpl/")
    page.fill("textarea[name=fee_policy]", "HK$1,000 per candidate.")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("a.navbar-brand").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/en/applications/new/rpl/")
    assert page.locator("textarea[name=fee_policy]").input_value() == "HK$1,000 per candidate."


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_collaborators_picker_searches_the_public_register_only(page, live_server, shot, setup, lang):
    organisation, applicant = setup
    load_register()
    Organisation.objects.create(name="Vocational Secrets Ltd", name_en="Vocational Secrets Ltd")
    industry = factories.IndustryFactory(name="Printing", name_en="Printing", name_zh_hant="印刷業")
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/{lang}/applications/new/rpl/")
    assert page.locator("select[multiple]").count() == 0
    assert "Vocational Secrets" not in page.content()
    page.select_option("select[name=industry]", str(industry.pk))
    page.fill("textarea[name=fee_policy]", "Cost recovery.")
    search = page.locator(".collaborator-search")
    search.press_sequentially("Vocational", delay=20)
    option = page.locator(".collaborator-results [role=option]").first
    option.wait_for()
    names = page.locator(".collaborator-results [role=option]").all_inner_texts()
    assert names and all("Secrets" not in n for n in names)
    shot(page, f"applicant-steps-{lang}-picker-results")
    option.click()
    assert page.locator(".picked input[type=checkbox]:checked").count() == 1
    shot(page, f"applicant-steps-{lang}-picker-chosen")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    application = Application.objects.get(organisation=organisation)
    (body,) = application.proposed_collaborators.all()
    assert body.name_en == "Vocational Training Council"


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_irreversible_steps_ask_once_and_the_next_step_is_explained(page, live_server, shot, setup, lang):
    organisation, applicant = setup
    submitted = factories.ApplicationFactory(organisation=organisation, state="submitted", evidence=True)
    returned = factories.ApplicationFactory(organisation=organisation, state="returned", evidence=True)
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    rfi = InformationRequest.objects.create(
        application=returned,
        requested_by=applicant,
        message="Please add your fee table.",
        reply_by=timezone.localdate() + timezone.timedelta(days=10),
        response="Attached.",
        responded_at=timezone.now(),
    )
    InformationRequestItem.objects.create(request=rfi, criterion=_criterion(returned, 2), text="Fee table.")
    login_as(page, live_server, applicant)
    base = f"{live_server.url}/{lang}/applications"

    page.goto(f"{base}/{submitted.pk}/status/")
    assert page.locator("#next-step").is_visible()
    shot(page, f"applicant-steps-{lang}-status-next-step")
    page.locator(f"a[href$='/applications/{submitted.pk}/withdraw/']").click()
    page.wait_for_load_state("networkidle")
    shot(page, f"applicant-steps-{lang}-withdraw-page")
    page.fill("textarea[name=reason]", "We merged with another body.")
    page.get_by_role("button", name=WORDS[lang]["withdraw"]).click()
    page.wait_for_load_state("networkidle")
    assert Application.objects.get(pk=submitted.pk).state == "withdrawn"

    page.goto(f"{base}/{returned.pk}/status/")
    page.locator(f"a[href$='/applications/{returned.pk}/resubmit/']").click()
    page.wait_for_load_state("networkidle")
    shot(page, f"applicant-steps-{lang}-resubmit-page")
    page.locator("#resubmit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Application.objects.get(pk=returned.pk).state == "returned"
    page.check("input[name=declaration]")
    page.locator("#resubmit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Application.objects.get(pk=returned.pk).state == "submitted"

    page.goto(f"{base}/{draft.pk}/")
    shot(page, f"applicant-steps-{lang}-checklist")
    page.locator(f"a[href$='/applications/{draft.pk}/discard/']").click()
    page.wait_for_load_state("networkidle")
    shot(page, f"applicant-steps-{lang}-discard-page")
    page.locator("#discard-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert not Application.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_public_can_start_and_the_timeline_fits_a_phone(browser, live_server, shot, reference, lang):
    cache.clear()
    load_register()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{lang}/")
        entry = page.locator("#apply")
        assert entry.is_visible()
        assert page.locator("#apply a[href$='/accounts/signup/']").count() == 1
        shot(page, f"applicant-steps-{lang}-home-phone")
        page.goto(f"{live_server.url}/{lang}/register/about/rpl-criteria/")
        assert page.locator("#apply").is_visible()
        assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
        page.goto(f"{live_server.url}/{lang}/register/timeline/")
        label = page.locator(".timeline-chart text.label").first
        height = label.evaluate("e => e.getBoundingClientRect().height")
        assert height >= 9, f"timeline labels are {height}px tall"
        badge = page.locator(".timeline-table .badge").first
        box = badge.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        shot(page, f"applicant-steps-{lang}-timeline-phone")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 992])
def test_a_long_email_address_leaves_the_language_switcher_on_the_page(browser, live_server, shot, reference, width):
    user = factories.UserFactory(
        full_name="", email="a.very.long.address.of.a.person@training-institute.example.org.hk"
    )
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        login_as(page, live_server, user)
        page.goto(f"{live_server.url}/en/dashboard/")
        switcher = page.locator(".language-switcher").first
        box = switcher.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        shot(page, f"applicant-steps-header-long-email-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_signup_asks_for_the_name_and_messages_use_it(page, live_server, shot, reference, lang):
    from django.core import mail

    cache.clear()
    page.goto(f"{live_server.url}/{lang}/accounts/signup/")
    assert page.locator("input[name=full_name]").is_visible()
    page.fill("input[name=full_name]", "Chan Tai Man")
    page.fill("input[name=email]", f"chan-{lang}@example.org")
    page.fill("input[name=password1]", "Journey-passphrase-2026")
    page.fill("input[name=password2]", "Journey-passphrase-2026")
    shot(page, f"applicant-steps-{lang}-signup")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/confirm-email/" in page.url
    body = mail.outbox[-1].body
    assert "Chan Tai Man" in body
    assert "127.0.0.1" not in body.split("\n")[0]


def test_messages_speak_the_recipients_language_and_link_to_this_site(page, live_server, shot, setup):
    """A Traditional Chinese member reads the receipt of a submission made by an English-speaking
    colleague: in Chinese, with the organisation's Chinese name, linking to the address served."""
    from django.core import mail

    from notifications.models import Message

    organisation, applicant = setup
    Organisation.objects.filter(pk=organisation.pk).update(name_zh_hant="旅程學院", name_zh_hans="旅程学院")
    applicant.preferred_language = "en"
    applicant.save()
    colleague = factories.UserFactory(full_name="陳大文", preferred_language="zh-hant")
    factories.MembershipFactory(organisation=organisation, user=colleague)
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True)
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/en/applications/{draft.pk}/submit/")
    page.check("input[name=declaration]")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    message = Message.objects.get(recipient=colleague, event="application.submitted")
    assert f"{live_server.url}/zh-hant/applications/{draft.pk}/status/" in message.body_text
    assert "旅程學院" in message.body_text and "submitted its application" not in message.body_text
    assert any(live_server.url in m.body for m in mail.outbox if m.to == [colleague.email])
    page.context.clear_cookies()
    login_as(page, live_server, colleague)
    page.goto(f"{live_server.url}/zh-hant/messages/{message.pk}/")
    text = page.locator("main").inner_text()
    assert "陳大文 您好" in text and "旅程學院" in text
    shot(page, "applicant-steps-zh-hant-message")


def test_sign_in_pages_speak_one_voice_and_names_fall_back_the_same_way(page, live_server, shot, reference, approver):
    import json
    from datetime import date

    from agencies import services
    from agencies.models import Appointment, Scheme

    cache.clear()
    for path in ("login", "signup", "password/reset"):
        page.goto(f"{live_server.url}/zh-hant/accounts/{path}/")
        text = page.locator("main").inner_text()
        for word in ("你", "電子郵件", "帳號"):
            assert word not in text, (path, word)
    shot(page, "applicant-steps-zh-hant-password-reset")
    agency = factories.OrganisationFactory(name="Kowloon Trades Centre", name_zh_hant="九龍行業中心", name_zh_hans="")
    services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=factories.IndustryFactory(),
        start=date(2024, 1, 1),
        end=date(2099, 1, 1),
        actor=approver,
    )
    Appointment.objects.filter(agency=agency).update(is_published=True)  # published by an administrator
    page.goto(f"{live_server.url}/zh-hans/register/agencies/{agency.pk}/")
    assert "九龍行業中心" in page.locator("main").inner_text()
    shot(page, "applicant-steps-zh-hans-fallback")
    body = json.loads(page.request.get(f"{live_server.url}/register/appointments.json").text())
    (record,) = [r for r in body["appointments"] if r["agency"]["id"] == agency.pk]
    assert record["agency"]["name"]["zh-hans"] == "九龍行業中心"
    assert record["agency"]["name_language"] == {"zh-hans": "zh-hant"}
