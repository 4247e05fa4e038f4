import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2026"


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_signup_requires_email_verification_then_signs_in(client):
    response = client.post(
        "/en/accounts/signup/",
        {"full_name": "Chan Tai Man", "email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert user.emailaddress_set.get().verified is False
    assert len(mail.outbox) == 1
    link = _confirmation_link(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    response = client.post("/" + path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified is True
    assert client.get(reverse("dashboard")).status_code == 200


def test_unverified_user_cannot_sign_in(client):
    client.post(
        "/en/accounts/signup/",
        {"full_name": "Late Person", "email": "late@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "late@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert client.get(reverse("dashboard")).status_code == 302


def test_login_and_logout(client, applicant):
    response = client.post("/en/accounts/login/", {"login": applicant.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/en/dashboard/").status_code == 200
    client.post("/en/accounts/logout/")
    assert client.get("/en/dashboard/").status_code == 302


def test_password_reset_sends_a_link(client, applicant):
    response = client.post("/en/accounts/password/reset/", {"email": applicant.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_account_pages_render_in_the_site_frame(client, lang):
    for page in ("login", "signup", "password/reset"):
        response = client.get(f"/{lang}/accounts/{page}/")
        assert response.status_code == 200
        assert b'id="main"' in response.content
        assert b"bootstrap.min.css" in response.content


def test_profile_saves_name_language_and_affiliations(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/en/accounts/profile/",
        {
            "full_name": "Chan Tai Man",
            "preferred_language": "zh-hant",
            "notification_delivery": "digest",
            "affiliations": "Training Institute 1\nConstruction Industry Council",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/accounts/profile/"
    applicant.refresh_from_db()
    assert applicant.full_name == "Chan Tai Man"
    assert applicant.preferred_language == "zh-hant"
    assert applicant.notification_delivery == "digest"
    assert applicant.affiliations == "Training Institute 1\nConstruction Industry Council"


def test_profile_rejects_unknown_language_and_changes_nothing(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/en/accounts/profile/", {"full_name": "X", "preferred_language": "fr", "notification_delivery": "immediate"}
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.full_name == "Applicant One"


def test_profile_needs_sign_in(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def _reauthenticate(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/")
    client.post(response["Location"], {"password": "correct-horse-battery"})


def test_totp_setup_page_is_open_to_every_user(client, applicant):
    client.force_login(applicant)
    _reauthenticate(client, "/en/accounts/2fa/totp/activate/")
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert b"data:image/svg+xml" in response.content


def test_staff_without_authenticator_are_sent_to_set_one_up(client):
    from django.contrib.auth.models import Group

    officer = factories.UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get_or_create(name="case_officers")[0])
    client.force_login(officer)
    response = client.get("/en/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"
    _reauthenticate(client, "/en/accounts/2fa/totp/activate/")
    assert client.get("/en/accounts/2fa/totp/activate/").status_code == 200
    assert client.get("/en/accounts/profile/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def test_staff_with_authenticator_pass(client, case_officer, approver, register_admin):
    for user in (case_officer, approver, register_admin):
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        client.force_login(user)
        assert client.get("/en/dashboard/").status_code == 200


def test_applicants_are_not_forced(client, applicant, other_applicant):
    for user in (applicant, other_applicant):  # with an authenticator app and without
        client.force_login(user)
        assert client.get("/en/dashboard/").status_code == 200


def _reviewer_without_authenticator():
    from django.contrib.auth.models import Group

    user = factories.UserFactory(full_name="New Reviewer")
    user.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    return user


def test_reviewers_without_authenticator_are_sent_to_set_one_up(client):
    client.force_login(_reviewer_without_authenticator())
    for path in ("/en/dashboard/", "/en/review/assignments/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_the_bureau_may_exempt_its_reviewers(client, settings):
    settings.TWO_FACTOR_EXEMPT_GROUPS = ["reviewers"]
    client.force_login(_reviewer_without_authenticator())
    assert client.get("/en/review/assignments/").status_code == 200


def test_no_staff_role_can_be_exempted():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import qfapp.settings"],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "TWO_FACTOR_EXEMPT_GROUPS": "reviewers,case_officers"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "TWO_FACTOR_EXEMPT_GROUPS may name only the reviewers group" in result.stderr


def test_seed_demo_gives_staff_and_reviewers_an_authenticator(capsys):
    from django.core.management import call_command

    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "JBSWY3DPEHPK3PXPDEMOHKQFTWOSIXAA" in out
    assert "Staff and reviewer accounts ask for a code" in out
    for email in ("officer@demo.hkqf.local", "reviewer@demo.hkqf.local", "reviewer2@demo.hkqf.local"):
        assert Authenticator.objects.filter(user__email=email, type="totp").count() == 1
    call_command("seed_demo")
    officer = User.objects.get(email="officer@demo.hkqf.local")
    assert Authenticator.objects.filter(user=officer, type="totp").count() == 1
    applicant = User.objects.get(email="applicant@demo.hkqf.local")
    assert not Authenticator.objects.filter(user=applicant).exists()
