"""The register's filters and administration, the profile, the e-mail preference and the sign-up
and sign-in forms, posted with hostile data: never a 500 and never an invalid state."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies.enums import RegisterStatus
from agencies.models import Appointment, Industry, Organisation
from agencies.seeding import load_reference, load_register

from .conftest import fuzz_post, get, rolled_back
from .invariants import check_invariants
from .strategies import choice, form_data, fuzz_settings, iso_dates, plain

EXAMPLES = 15


@pytest.fixture
def register(db):
    load_reference()
    load_register()
    appointment = Appointment.objects.filter(industry__isnull=False).order_by("pk").first()
    ids = [appointment.pk, *Organisation.objects.values_list("pk", flat=True)[:3]]
    return appointment, ids


def test_register_filters_and_open_data(client, register):
    appointment, ids = register
    codes = list(Industry.objects.values_list("code", flat=True)[:3])
    fields = {
        "agency": choice(appointment.agency_id, ""),
        "industry": choice(*codes, ""),
        "scheme": choice("rpl", "pq", ""),
        "status": choice(*RegisterStatus.values, ""),
        "as_of": iso_dates(),
        "page": choice(1, 2, 10**9),
    }

    @fuzz_settings(EXAMPLES)
    @given(
        path=st.sampled_from(
            [
                reverse("agencies:register"),
                reverse("open:appointments_json"),
                reverse("open:appointments_csv"),
                reverse("open:feed"),
                reverse("agencies:timeline"),
            ]
        ),
        data=form_data(fields, ids),
    )
    def run(path, data):
        response = get(client, path, data)
        assert response.status_code in (200, 400)
        if response.status_code == 400 and path.endswith(".json"):
            assert response.json()["error"]

    run()


def test_vary_and_cancel(client, register, register_admin):
    appointment, ids = register
    client.force_login(register_admin)
    fields = {
        "conditions_en": plain(),
        "conditions_zh_hant": plain(),
        "conditions_zh_hans": plain(),
        "note": plain(1000),
        "effective": iso_dates(),
        "grounds": plain(4000),
    }

    def check(response):
        current = Appointment.objects.get(pk=appointment.pk)
        assert (current.cancelled_on is None) == (current.cancellation_grounds == "")
        if current.cancelled_on:
            assert current.first_start <= current.cancelled_on <= current.current_end

    @fuzz_settings(EXAMPLES)
    @given(action=st.sampled_from(["manage_vary", "manage_cancel"]), data=form_data(fields, ids))
    def run(action, data):
        url = reverse(f"agencies:{action}", args=[appointment.pk])
        fuzz_post(client, url, data, check=check, touched=(Appointment,))

    run()


def test_profile(client, applicant, reviewer):
    client.force_login(applicant)
    fields = {
        "full_name": plain(),
        "preferred_language": choice("en", "zh-hant", "zh-hans"),
        "notification_delivery": choice("immediate", "digest"),
        "affiliations": plain(),
    }

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(fields, [applicant.pk, reviewer.pk]))
    def run(data):
        fuzz_post(client, reverse("accounts:profile"), data, touched=(get_user_model(),))

    run()


def test_email_preference(client, applicant, reviewer):
    client.force_login(applicant)

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({"delivery": choice("immediate", "digest")}, [applicant.pk, reviewer.pk]))
    def run(data):
        fuzz_post(client, reverse("notifications:preferences"), data, touched=(get_user_model(),))

    run()


def test_sign_up_and_sign_in(client, applicant):
    emails = st.one_of(st.emails(), st.just(applicant.email), st.just(applicant.email.upper()))
    passwords = st.one_of(plain(40), st.just("correct-horse-battery"))

    @fuzz_settings(EXAMPLES)
    @given(
        which=st.sampled_from(["account_signup", "account_login"]),
        data=form_data(
            {
                "full_name": plain(40),
                "email": emails,
                "login": emails,
                "password": passwords,
                "password1": passwords,
                "password2": passwords,
            },
            [applicant.pk],
        ),
    )
    def run(which, data):
        client.logout()
        with rolled_back():
            response = client.post(reverse(which), data)
            assert response.status_code < 500
            check_invariants((get_user_model(),))
            emails_in_use = list(get_user_model().objects.values_list("email", flat=True))
            assert len(emails_in_use) == len({e.lower() for e in emails_in_use})

    run()
