"""Sign-up takes the same work for a registered address as for a new one (no enumeration by timing)."""

import time

import pytest
from django.core import mail
from django.test import Client

from tests import factories

PASSWORD = "a-long-Passphrase-2026"
pytestmark = pytest.mark.usefixtures("clean_cache")


def _sign_up(email: str) -> float:
    started = time.perf_counter()
    response = Client().post(
        "/en/accounts/signup/",
        {"full_name": "Chan Tai Man", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"  # the same answer either way
    return elapsed


def test_signup_for_a_registered_address_takes_as_long_as_for_a_new_one(db, settings):
    # the production password hasher: its cost is what told the two paths apart (0.05 s against 1.15 s)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    existing = factories.UserFactory(email="taken@example.org")
    new_times, existing_times = [], []
    for n in range(2):
        new_times.append(_sign_up(f"new-{n}@example.org"))
        existing_times.append(_sign_up(existing.email))
    new, registered = min(new_times), min(existing_times)
    assert registered > 0.5 * new, (registered, new)
    assert abs(registered - new) < max(0.25, 0.5 * new), (registered, new)


def test_both_paths_send_one_message_after_answering(db):
    existing = factories.UserFactory(email="taken@example.org")
    _sign_up("fresh@example.org")
    _sign_up(existing.email)
    assert [m.to for m in mail.outbox] == [["fresh@example.org"], ["taken@example.org"]]
    assert "confirm-email" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[1].body
