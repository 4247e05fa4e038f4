"""The account pages in the browser: profile, two-factor set-up, sign-in, password reset."""

import pytest
from django.core.cache import cache

from tests import factories
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_profile_and_two_factor_pages(page, live_server, shot, axe_check, lang):
    cache.clear()
    user = factories.UserFactory(full_name="Chan Siu Ming")
    page.goto(f"{live_server.url}/{lang}/accounts/password/reset/")
    shot(page, f"account-{lang}-password-reset")
    axe_check(page, f"password reset {lang}")
    login(page, live_server, user, lang=lang)
    assert page.url.endswith(f"/{lang}/dashboard/")
    page.goto(f"{live_server.url}/{lang}/accounts/profile/")
    page.fill("input[name=full_name]", "Chan Siu Ming (Registrar)")
    page.fill("textarea[name=affiliations]", "Harbour Skills Institute")
    shot(page, f"account-{lang}-profile")
    axe_check(page, f"profile {lang}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    user.refresh_from_db()
    assert user.full_name == "Chan Siu Ming (Registrar)"
    page.goto(f"{live_server.url}/{lang}/accounts/2fa/")
    shot(page, f"account-{lang}-2fa")
    axe_check(page, f"2fa {lang}")
    page.goto(f"{live_server.url}/{lang}/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:
        page.fill("input[name=password]", "correct-horse-battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert "/accounts/2fa/totp/activate/" in page.url
    assert page.locator("main img[src^='data:image/svg+xml']").count() == 1
    shot(page, f"account-{lang}-totp-activate")
    axe_check(page, f"totp activate {lang}")
