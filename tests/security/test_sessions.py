"""Sessions end after the idle limit, after the absolute limit, and when the user is deactivated."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tests import factories

DASHBOARD = "/en/dashboard/"
START = "2026-03-02 09:00:00 +08:00"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _is_signed_in(client) -> bool:
    response = client.get(DASHBOARD)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_session_survives_activity_within_the_idle_limit(applicant):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(applicant)
        assert _is_signed_in(client)
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60))
        assert _is_signed_in(client)


def test_session_ends_after_the_idle_limit(applicant):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(applicant)
        assert _is_signed_in(client)
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1))
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
        # and stays ended: the next request is anonymous too
        assert not _is_signed_in(client)


def test_session_ends_at_the_absolute_limit_despite_activity(applicant):
    """Active every ten minutes (well inside the idle limit), the session still ends at the absolute limit."""
    step = timedelta(minutes=10)
    absolute = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert step < timedelta(seconds=settings.SESSION_IDLE_SECONDS)
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(applicant)
        elapsed = timedelta(0)
        while elapsed + step < absolute:
            assert _is_signed_in(client), f"signed out after {elapsed}"
            clock.shift(step)
            elapsed += step
        assert _is_signed_in(client), f"signed out after {elapsed}"
        clock.shift(absolute - elapsed + timedelta(seconds=1))
        assert not _is_signed_in(client)


def _session_users() -> list[str]:
    return sorted(s.get_decoded().get("_auth_user_id") for s in Session.objects.all())


def test_deactivating_a_user_ends_all_their_sessions(applicant, other_applicant):
    first, second = _signed_in(applicant), _signed_in(applicant)
    other = _signed_in(other_applicant)
    assert _session_users() == sorted([str(applicant.pk)] * 2 + [str(other_applicant.pk)])
    applicant.is_active = False
    applicant.save()
    assert _session_users() == [str(other_applicant.pk)]
    assert not _is_signed_in(first)
    assert not _is_signed_in(second)
    assert _is_signed_in(other)


def test_saving_an_active_user_keeps_their_sessions(applicant):
    client = _signed_in(applicant)
    applicant.full_name = "Renamed"
    applicant.save()
    assert _session_users() == [str(applicant.pk)]
    assert _is_signed_in(client)


def test_deactivating_in_the_admin_ends_sessions(applicant):
    from allauth.mfa.totp.internal.auth import TOTP

    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # the admin asks for a second factor
    victim = _signed_in(applicant)
    staff = _signed_in(admin)
    response = staff.post(
        f"/en/admin/accounts/user/{applicant.pk}/change/",
        {
            "email": applicant.email,
            "full_name": applicant.full_name,
            "preferred_language": "en",
            "notification_delivery": "immediate",
            "affiliations": "",
            "is_staff": "",
            "is_superuser": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    applicant.refresh_from_db()
    assert applicant.is_active is False
    assert not _is_signed_in(victim)
    assert _is_signed_in(staff)


def test_deactivating_with_update_fields_ends_sessions(applicant):
    client = _signed_in(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert _session_users() == []
    assert not _is_signed_in(client)


def test_a_save_of_other_fields_does_not_look_up_the_user(applicant, django_assert_num_queries):
    applicant.full_name = "Renamed"
    with django_assert_num_queries(1):  # the UPDATE only
        applicant.save(update_fields=["full_name"])
