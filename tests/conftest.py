"""Personas and shared fixtures. Every permission test asks as the other user too."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation

from accounts.roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER
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
    """Bureau staff must have an authenticator app (accounts.middleware.StaffTwoFactorMiddleware)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, STAFF_TOTP_SECRET)
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
    return _with_role(factories.UserFactory(full_name="Reviewer One"), REVIEWER)


@pytest.fixture
def second_reviewer(db):
    return _with_role(factories.UserFactory(full_name="Reviewer Two"), REVIEWER)


@pytest.fixture
def conflicted_reviewer(organisation):
    user = factories.UserFactory(full_name="Conflicted Reviewer", affiliations=organisation.name_en)
    return _with_role(user, REVIEWER)


@pytest.fixture
def approver(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Approver", is_staff=True), APPROVER))


@pytest.fixture
def register_admin(db):
    return _with_totp(_with_role(factories.UserFactory(full_name="Register Admin", is_staff=True), REGISTER_ADMIN))


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
