"""Personas and shared fixtures. Every permission test asks as the other user too."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from accounts.roles import APPROVER, BUREAU_MANAGER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER
from agencies.enums import MemberRole
from agencies.seeding import load_reference

from . import factories


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the site's default language.

    A test client request activates the request's language in this thread (LocaleMiddleware) and
    nothing resets it: without this, a test after a /zh-hant/ request reads Traditional Chinese
    messages, so its result depends on the order the tests run in.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def reference(db):
    """Schemes and the RPL and PQ criteria sets, as loaded in production."""
    load_reference()


@pytest.fixture
def rpl_scheme(reference):
    from agencies.models import Scheme

    return Scheme.objects.get(code="rpl")


@pytest.fixture
def pq_scheme(reference):
    from agencies.models import Scheme

    return Scheme.objects.get(code="pq")


def _with_role(user, role):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _with_totp(user):
    """Bureau staff and reviewers must have an authenticator app (accounts.twofactor)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


def record_sign_in(client, user, *, second_factor: bool) -> None:
    """Write into the client's session what allauth records when `user` signs in on the site:
    the password step and, when `second_factor`, the authenticator-code step.

    The steps are dated an hour back: pages that ask a user to re-authenticate still ask.
    """
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    at = time.time() - 3600
    records = [{"method": "password", "at": at, "email": user.email}]
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if second_factor and authenticator is not None:
        records.append({"method": "mfa", "at": at, "id": authenticator.pk, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def password_only_login(client, user) -> None:
    """A session opened by a plain `login()` with the right password and nothing more (Django's admin
    form, a password reset that signs in, any `login()` call): no second factor recorded."""
    _django_force_login(client, user)
    record_sign_in(client, user, second_factor=False)


_django_force_login = Client.force_login


def _signed_in_as_on_the_site(self, user, backend=None):
    """`force_login` gives the session a sign-in as the site's own form completes it (password, then
    the authenticator code for who has an authenticator app), so that a persona acts in its role.
    Tests of sessions without the second factor use `password_only_login`."""
    _django_force_login(self, user, backend)
    record_sign_in(self, user, second_factor=True)


@pytest.fixture(autouse=True, scope="session")
def _force_login_records_the_sign_in():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", _signed_in_as_on_the_site)
        yield


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's superuser, with the authenticator app the admin asks every superuser for."""
    user = django_user_model.objects.filter(email="admin@example.com").first()
    if user is None:
        user = django_user_model.objects.create_superuser(email="admin@example.com", password="password")
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        _with_totp(user)
    return user


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def applicant(organisation):
    user = factories.UserFactory(full_name="Applicant One")
    factories.MembershipFactory(organisation=organisation, user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def other_applicant(other_organisation):
    user = factories.UserFactory(full_name="Other Applicant")
    factories.MembershipFactory(organisation=other_organisation, user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def case_officer(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Case Officer", is_staff=True), CASE_OFFICER))


@pytest.fixture
def reviewer(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Reviewer One"), REVIEWER))


@pytest.fixture
def second_reviewer(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Reviewer Two"), REVIEWER))


@pytest.fixture
def conflicted_reviewer(organisation):
    user = factories.UserFactory(full_name="Conflicted Reviewer", affiliations=organisation.name_en)
    return _with_totp(_with_role(user, REVIEWER))


@pytest.fixture
def approver(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Approver", is_staff=True), APPROVER))


@pytest.fixture
def register_admin(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Register Admin", is_staff=True), REGISTER_ADMIN))


@pytest.fixture
def bureau_manager(db):
    """Read-only: sees the management information, acts on no case; signs in with an authenticator app."""
    return _with_totp(_with_role(factories.UserFactory(full_name="Bureau Manager"), BUREAU_MANAGER))


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory):
    """Static files collected once with production settings (hashed names), for tests that run the
    site under production settings in a subprocess."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = tmp_path_factory.mktemp("static")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "qfapp.settings",
        "SECRET_KEY": "production-like-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
        timeout=120,
    )
    return root
