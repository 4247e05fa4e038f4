"""Login throttling: django-axes locks a user name from one address after repeated failures, with a cool-off."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from tests import factories

LOGIN = "/en/accounts/login/"
PASSWORD = "correct-horse-battery"
START = "2026-03-02 09:00:00 +08:00"
pytestmark = pytest.mark.usefixtures("clean_cache")


def _login(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def _fail_until_locked(client: Client, email: str) -> list[int]:
    return [_login(client, email, "wrong-password").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_wrong_password_shows_the_form_again_with_an_error(db):
    user = factories.UserFactory()
    response = _login(Client(), user.email, "wrong-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_correct_password_signs_in(db):
    user = factories.UserFactory()
    response = _login(Client(), user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"


def test_lockout_after_the_failure_limit_even_with_the_right_password(db):
    user = factories.UserFactory()
    client = Client()
    statuses = _fail_until_locked(client, user.email)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert _login(client, user.email, PASSWORD).status_code == 429
    assert _login(Client(), user.email, PASSWORD).status_code == 429  # a new browser changes nothing


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("en", "Too many failed login attempts. Try again later."),
        ("zh-hant", "登入嘗試失敗次數過多，請稍後再試。"),
        ("zh-hans", "登录失败次数过多，请稍后重试。"),
    ],
)
def test_lockout_page_speaks_the_visitors_language(db, prefix, message):
    user = factories.UserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            f"/{prefix}/accounts/login/", {"login": user.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.8"
        )
    assert response.status_code == 429
    html = response.content.decode()
    assert f'<h1 class="h3">{message}</h1>' in html
    assert f'href="/{prefix}/accounts/password/reset/"' in html


def test_lockout_is_per_user_name_and_address(db):
    user = factories.UserFactory()
    other_user = factories.UserFactory()
    _fail_until_locked(Client(), user.email)
    # another user name from the same address signs in
    assert _login(Client(), other_user.email, PASSWORD).status_code == 302
    # the same user name from another address signs in
    assert _login(Client(), user.email, PASSWORD, address="198.51.100.20").status_code == 302


def test_lockout_holds_until_the_cool_off(db):
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        _fail_until_locked(Client(), user.email)
        clock.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
        assert _login(Client(), user.email, PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(db):
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        _fail_until_locked(Client(), user.email)
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=5))
        assert _login(Client(), user.email, PASSWORD).status_code == 302


def test_cool_off_is_set():
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
