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


TOO_MANY = "Too many failed login attempts"


def _attack_from_many_addresses(email: str, count: int = 10) -> None:
    for n in range(count):
        response = _login(Client(), email, "wrong-password", address=f"198.51.100.{n + 1}")
        assert response.status_code == 200


def test_failures_from_other_addresses_do_not_lock_the_victim_out(db):
    """The outside test's steps: ten failures for the victim from ten addresses, then the victim."""
    victim = factories.UserFactory()
    _attack_from_many_addresses(victim.email)
    response = _login(Client(), victim.email, PASSWORD, address="203.0.113.50")
    assert response.status_code == 302, TOO_MANY if TOO_MANY in response.content.decode() else response
    assert response["Location"] == "/en/dashboard/"


def test_a_known_device_passes_an_account_under_attack_at_once(db):
    victim = factories.UserFactory()
    device = Client()
    assert _login(device, victim.email, PASSWORD, address="203.0.113.50").status_code == 302
    device.post("/en/accounts/logout/")
    _attack_from_many_addresses(victim.email)
    for _ in range(3):  # again and again, from the address an attacker also uses
        response = _login(device, victim.email, PASSWORD, address="198.51.100.1")
        assert response.status_code == 302
        device.post("/en/accounts/logout/")


def test_an_attacker_is_slowed_to_one_guess_per_cool_off_per_address(db):
    victim = factories.UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        _attack_from_many_addresses(victim.email)
        attacker = "198.51.100.99"
        assert TOO_MANY not in _login(Client(), victim.email, "guess-1", address=attacker).content.decode()
        # the next guess from that address waits for the cool-off, even with the right password
        assert TOO_MANY in _login(Client(), victim.email, PASSWORD, address=attacker).content.decode()
        clock.shift(timedelta(seconds=settings.LOGIN_UNDER_ATTACK_COOLOFF + 1))
        assert _login(Client(), victim.email, PASSWORD, address=attacker).status_code == 302


def test_a_forged_device_cookie_is_not_a_known_device(db):
    victim = factories.UserFactory()
    _attack_from_many_addresses(victim.email)
    client = Client()
    client.cookies["qf_device"] = "forged"
    _login(client, victim.email, "guess-1", address="198.51.100.77")
    assert TOO_MANY in _login(client, victim.email, PASSWORD, address="198.51.100.77").content.decode()


def _refused(response) -> bool:
    return response.status_code == 429 or TOO_MANY in response.content.decode()


def test_one_address_is_limited_across_accounts(db):
    """The per-address limit: one wrong password each for many accounts from one address is stopped."""
    users = [factories.UserFactory() for _ in range(25)]
    answers = [_refused(_login(Client(), user.email, "wrong-password", address="192.0.2.10")) for user in users]
    assert answers[:20] == [False] * 20
    assert answers[20:] == [True] * 5
    # the same accounts from another address are not affected
    assert _login(Client(), users[-1].email, PASSWORD, address="192.0.2.11").status_code == 302


def test_the_admin_login_has_the_same_protection(db):
    """The admin's login is the site's sign-in: nothing there checks a password."""
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    for n in range(15):
        response = Client().post(
            "/en/admin/login/", {"username": user.email, "password": f"guess-{n}"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.count() == 0  # no password was even tried
