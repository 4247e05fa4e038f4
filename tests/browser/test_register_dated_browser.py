"""The register as of a date and the printable dated list, in a real browser (issue 12, item 9)."""

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
    ("lang", "as_of_label", "notice", "list_title"),
    [
        ("en", "As of", "This is the register as it stood on 1.1.2024.", "List of appointed assessment agencies"),
        ("zh-hant", "截至日期", "這是 1.1.2024 當日的名冊。", "獲委任評估機構名單"),
    ],
)
def test_dated_register_and_printable_list(
    page, live_server, shot, axe_check, register, lang, as_of_label, notice, list_title
):
    page.goto(f"{live_server.url}/{lang}/register/")
    page.get_by_label(as_of_label, exact=True).fill("2024-01-01")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert "as_of=2024-01-01" in page.url
    assert notice in page.locator("main").inner_text()
    # On 1.1.2024 all but HKICPA (ended 2.9.2023) and arboriculture (from 1.4.2024) were current.
    assert page.locator("div.register-entry.is-current").count() == 20
    assert page.get_by_label(as_of_label, exact=True).input_value() == "2024-01-01"
    shot(page, f"register-dated-{lang}")
    axe_check(page, f"dated register {lang}")

    page.locator("a[href*='/register/list/']").first.click()
    page.wait_for_load_state("load")
    assert "/register/list/?as_of=2024-01-01" in page.url
    assert page.locator("h1").inner_text() == list_title
    assert "1.1.2024" in page.locator(".appointed-list-date").inner_text()
    assert page.locator("table.appointed-list-table tbody tr").count() == 20
    shot(page, f"appointed-list-{lang}")
    axe_check(page, f"appointed list {lang}")
    page.emulate_media(media="print")
    assert page.locator("form.no-print").is_hidden()
    assert page.locator(".site-header").is_hidden()
    shot(page, f"appointed-list-print-{lang}")
    page.emulate_media(media="screen")
