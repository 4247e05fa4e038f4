import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Gaining qualifications"), ("zh-hant", "透過評估獲取資歷"), ("zh-hans", "透过评估获取资历")],
)
def test_home_page_in_browser(page, live_server, shot, axe_check, lang, heading):
    page.goto(f"{live_server.url}/{lang}/")
    assert heading in page.locator("h1").inner_text()
    shot(page, f"home-{lang}")
    axe_check(page, f"home {lang}")
