"""A session is staff-capable only when THIS session passed the second factor, however it was opened."""

import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.test import Client

from tests.conftest import STAFF_TOTP_SECRET, password_only_login

PASSWORD = "correct-horse-battery"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_cache")]
STAFF_PAGES = {
    "case_officer": "/en/review/",
    "approver": "/en/review/approvals/",
    "register_admin": "/en/register/manage/",
}


def _code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The authenticator app's code now (the middle of allauth's tolerance window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _refused(client: Client, path: str) -> bool:
    """Not answered: a 404, or sent to sign in, to the code, or to the admin's login."""
    response = client.get(path)
    location = response.get("Location", "")
    return response.status_code == 404 or location.startswith(("/en/accounts/", "/en/admin/login/"))


@pytest.mark.parametrize("role", ["case_officer", "approver", "register_admin"])
def test_the_admin_login_form_gives_no_session(request, role):
    user = request.getfixturevalue(role)
    client = Client()
    response = client.post("/en/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=%2Fen%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert _refused(client, STAFF_PAGES[role])
    assert _refused(client, "/en/admin/")


def test_the_admin_login_sends_to_the_sites_sign_in_with_the_page_asked_for(client):
    response = client.get("/en/admin/agencies/appointment/")
    assert response["Location"] == "/en/admin/login/?next=/en/admin/agencies/appointment/"
    response = client.get(response["Location"])
    assert response["Location"] == "/en/accounts/login/?next=%2Fen%2Fadmin%2Fagencies%2Fappointment%2F"
    # an address elsewhere is not followed
    response = client.get("/en/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/en/accounts/login/?next=%2Fen%2Fadmin%2F"


def test_the_sites_sign_in_asks_the_code_and_then_opens_the_admin(register_admin):
    client = Client()
    response = client.post(
        "/en/accounts/login/?next=/en/admin/",
        {"login": register_admin.email, "password": PASSWORD, "next": "/en/admin/"},
    )
    assert response["Location"].startswith("/en/accounts/2fa/authenticate/")
    assert _refused(client, "/en/admin/")
    assert _refused(client, "/en/register/manage/")
    response = client.post(response["Location"], {"code": _code()})
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/register/manage/").status_code == 200


@pytest.mark.parametrize("role", ["case_officer", "approver", "register_admin", "reviewer"])
def test_a_password_only_session_is_asked_for_the_code_then_acts(request, role):
    user = request.getfixturevalue(role)
    client = Client()
    password_only_login(client, user)
    path = STAFF_PAGES.get(role, "/en/review/assignments/")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/2fa/reauthenticate/?next={path.replace('/', '%2F')}"
    response = client.post(response["Location"], {"code": _code()})
    assert response["Location"] == path
    assert client.get(path).status_code == 200


def test_a_password_reset_gives_no_staff_session(case_officer, settings):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = True  # even if the bureau turns sign-in on reset on
    client = Client()
    client.post("/en/accounts/password/reset/", {"email": case_officer.email})
    link = re.search(r"https?://[^/\s]+(/\S+/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)
    new_password = "a-new-Passphrase-2026"
    response = client.post(response["Location"], {"password1": new_password, "password2": new_password})
    assert response["Location"].startswith("/en/accounts/2fa/authenticate/")
    assert _refused(client, "/en/review/")


def test_an_email_confirmation_gives_no_staff_session(case_officer):
    from allauth.account.models import EmailAddress

    client = Client()
    address = EmailAddress.objects.get(user=case_officer)
    address.verified = False
    address.save()
    client.post("/en/accounts/login/", {"login": case_officer.email, "password": PASSWORD})
    link = re.search(r"https?://[^/\s]+(/\S+/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = client.post(link)
    assert response["Location"].startswith("/en/accounts/2fa/authenticate/")
    assert _refused(client, "/en/review/")


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator after its commit
def test_enrolling_counts_as_the_second_factor():
    """A first sign-in sets up the authenticator with a valid code: that session may then act."""
    from django.contrib.auth.models import Group

    from tests import factories

    officer = factories.UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get_or_create(name="case_officers")[0])
    client = Client()
    response = client.post("/en/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert client.get("/en/review/")["Location"] == "/en/accounts/2fa/totp/activate/"
    response = client.get("/en/accounts/2fa/totp/activate/")
    client.post(response["Location"], {"password": PASSWORD})  # allauth asks the password again first
    assert client.get("/en/review/")["Location"] == "/en/accounts/2fa/totp/activate/"
    page = client.get("/en/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/en/review/").status_code == 200


def test_no_project_code_calls_login_itself():
    """Every sign-in goes through allauth's flow (with its second-factor stage), never a bare login()."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"from django\.contrib\.auth import[^\n]*\blogin\b|\bauth\.login\(|\bauth_login\b")
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if not str(path.relative_to(root)).startswith((".venv", "tests", "benchmarks"))
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
