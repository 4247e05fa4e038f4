import pytest

from agencies.seeding import load_reference, load_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(transactional_db):
    from django.core.cache import cache

    load_reference()
    load_register()
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("lang", "heading", "industry_label", "retail"),
    [
        ("en", "Register of appointed assessment agencies", "Industry", "Retail"),
        ("zh-hant", "受委評估機構名冊", "行業", "零售"),
        ("zh-hans", "受委评估机构名册", "行业", "零售"),
    ],
)
def test_register_page_and_a_filter(
    page, live_server, shot, axe_check, register, lang, heading, industry_label, retail
):
    page.goto(f"{live_server.url}/{lang}/register/")
    assert page.locator("h1").inner_text() == heading
    assert page.locator("div.register-entry").count() == 22
    assert page.locator("div.register-entry.is-expired").count() == 13
    shot(page, f"register-{lang}")
    axe_check(page, f"register {lang}")

    page.get_by_label(industry_label, exact=True).select_option(label=retail)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert "industry=retail" in page.url
    entries = page.locator("div.register-entry")
    assert entries.count() == 1
    assert retail in entries.first.inner_text()
    assert "1.12.2014 - 30.11.2024" in entries.first.inner_text()
    shot(page, f"register-{lang}-retail")
    axe_check(page, f"register {lang} filtered")


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_timeline_and_agency_page(page, live_server, shot, axe_check, register, lang):
    page.goto(f"{live_server.url}/{lang}/register/timeline/")
    assert page.locator("svg.timeline-chart rect").count() == 23
    shot(page, f"register-timeline-{lang}")
    axe_check(page, f"timeline {lang}")
    page.locator("table a").first.click()
    page.wait_for_load_state("load")
    assert "/register/agencies/" in page.url
    shot(page, f"register-agency-{lang}")
    axe_check(page, f"agency {lang}")


@pytest.mark.parametrize("topic", ["", "rpl-criteria/", "professional-qualifications/", "who-benefits/"])
def test_about_pages(page, live_server, shot, axe_check, register, topic):
    page.goto(f"{live_server.url}/zh-hant/register/about/{topic}")
    shot(page, f"register-about-{topic.strip('/') or 'mechanisms'}-zh-hant")
    axe_check(page, f"about {topic}")


def test_the_approver_cancels_and_the_register_shows_it(page, live_server, shot, axe_check, register, approver):
    """Cancelling is the Secretary's decision, taken by the approver; the register shows it at once."""
    from agencies.models import Appointment

    from .conftest import login_as

    beauty = Appointment.objects.get(industry__code="beauty")
    login_as(page, live_server, approver)
    page.goto(f"{live_server.url}/en/register/manage/{beauty.pk}/")
    page.get_by_label("Cancelled with effect from").fill("2026-01-01")
    page.get_by_label("Grounds of cancellation").fill("Assessment services ceased.")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.wait_for_load_state("load")
    assert "The appointment has been cancelled." in page.locator(".messages").inner_text()
    shot(page, "register-manage-cancelled-en")
    axe_check(page, "register administration")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/register/?industry=beauty")
    assert page.locator("div.register-entry.is-cancelled").count() == 1
