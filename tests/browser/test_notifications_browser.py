import pytest

from notifications import events
from notifications.services import notify

from .conftest import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "heading", "subject"),
    [
        ("en", "Messages", "[HKQF] Information requested – RPL-2026-0300"),
        ("zh-hant", "訊息", "[HKQF] 要求補充資料 – RPL-2026-0300"),
        ("zh-hans", "消息", "[HKQF] 要求补充资料 – RPL-2026-0300"),
    ],
)
def test_messages_in_browser(page, live_server, shot, axe_check, applicant, lang, heading, subject):
    applicant.preferred_language = lang
    applicant.save()
    for n, event in enumerate([events.SUBMISSION_RECEIVED, events.INFORMATION_REQUESTED]):
        notify(event=event, recipients=[applicant], context={"reference": "RPL-2026-0300"}, key=f"browser-{n}")
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/{lang}/messages/")
    assert page.locator("h1").inner_text() == heading
    assert page.locator("nav .badge").first.inner_text().startswith("2")
    shot(page, f"messages-list-{lang}")
    axe_check(page, f"messages {lang}")

    page.get_by_role("link", name=subject).click()
    assert page.locator("h1").inner_text() == subject
    shot(page, f"messages-detail-{lang}")
    axe_check(page, f"message {lang}")
    assert page.locator("nav .badge").first.inner_text().startswith("1")

    page.goto(f"{live_server.url}/{lang}/messages/preferences/")
    page.locator("input[value=digest]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    shot(page, f"messages-preferences-{lang}")
    axe_check(page, f"preferences {lang}")
    applicant.refresh_from_db()
    assert applicant.notification_delivery == "digest"


def test_dashboard_section_in_browser(page, live_server, shot, applicant):
    applicant.preferred_language = "zh-hant"
    applicant.save()
    notify(event=events.SUBMISSION_RECEIVED, recipients=[applicant], context={"reference": "RPL-2026-0301"}, key="d")
    login_as(page, live_server, applicant)
    page.goto(f"{live_server.url}/zh-hant/dashboard/")
    assert "[HKQF] 已收到申請 – RPL-2026-0301" in page.locator("#dashboard-messages + ul").inner_text()
    shot(page, "messages-dashboard-zh-hant")
