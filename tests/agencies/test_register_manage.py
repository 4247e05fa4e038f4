import re
from datetime import date

import pytest

from accounts.system import system_actor
from agencies import services
from agencies.models import Appointment, RegisterEvent
from audit.models import AuditEntry
from qfapp.exceptions import RuleViolation

pytestmark = pytest.mark.django_db

OTHERS = ["case_officer", "applicant", "reviewer"]


@pytest.fixture
def beauty(seeded_register, appointment_for):
    return appointment_for("beauty")


def test_register_admin_sees_the_administration_pages(client, register_admin, beauty):
    client.force_login(register_admin)
    listing = client.get("/en/register/manage/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert len(re.findall(r'href="/en/register/manage/\d+/"', html)) == 22
    detail = client.get(f"/en/register/manage/{beauty.pk}/")
    assert detail.status_code == 200
    assert "Take off the public register" in detail.content.decode()


@pytest.mark.parametrize("persona", OTHERS + ["anonymous"])
def test_others_get_404_on_every_administration_address(client, request, beauty, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get("/en/register/manage/").status_code == 404
    assert client.get(f"/en/register/manage/{beauty.pk}/").status_code == 404
    for action, data in [
        ("unpublish", {}),
        ("publish", {}),
        ("vary", {"conditions_en": "x"}),
        ("cancel", {"effective": "2026-01-01", "grounds": "x"}),
    ]:
        assert client.post(f"/en/register/manage/{beauty.pk}/{action}/", data).status_code == 404
    beauty.refresh_from_db()
    assert beauty.is_published and beauty.cancelled_on is None and not beauty.conditions_en


def test_the_approver_sees_the_pages_but_may_not_publish(client, approver, beauty):
    client.force_login(approver)
    assert client.get("/en/register/manage/").status_code == 200
    detail = client.get(f"/en/register/manage/{beauty.pk}/").content.decode()
    assert "Take off the public register" not in detail
    assert "Cancel the appointment" in detail
    for action in ("unpublish", "publish"):
        assert client.post(f"/en/register/manage/{beauty.pk}/{action}/").status_code == 404
    beauty.refresh_from_db()
    assert beauty.is_published


def test_the_register_admin_may_not_vary_or_cancel(client, register_admin, beauty):
    client.force_login(register_admin)
    detail = client.get(f"/en/register/manage/{beauty.pk}/").content.decode()
    assert "Cancel the appointment" not in detail
    assert "Vary the conditions" not in detail
    for action, data in [
        ("vary", {"conditions_en": "x", "grounds": "x", "effective": "2026-01-01"}),
        ("cancel", {"effective": "2026-01-01", "grounds": "x"}),
    ]:
        assert client.post(f"/en/register/manage/{beauty.pk}/{action}/", data).status_code == 404
    beauty.refresh_from_db()
    assert beauty.cancelled_on is None and not beauty.conditions_en


def test_manage_list_with_a_huge_page_number_is_not_an_error(client, register_admin, beauty):
    client.force_login(register_admin)
    response = client.get("/en/register/manage/?page=99999999999999999999999")
    assert response.status_code == 200
    unpublished = client.get("/en/register/manage/?published=no").content.decode()
    assert re.findall(r'href="/en/register/manage/\d+/"', unpublished) == []
    assert "No appointment." in unpublished


def test_unpublish_takes_it_off_the_public_register_at_once(
    client, register_admin, beauty, django_capture_on_commit_callbacks
):
    public = client.get("/en/register/")
    assert "Caritas Institute of Community Education" in public.content.decode()
    client.force_login(register_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/register/manage/{beauty.pk}/unpublish/")
    assert response.status_code == 302
    beauty.refresh_from_db()
    assert not beauty.is_published
    entry = AuditEntry.objects.get(action="agencies.appointment.unpublished")
    assert (entry.actor, entry.from_state, entry.to_state, entry.object_id) == (
        register_admin,
        "published",
        "unpublished",
        str(beauty.pk),
    )
    client.logout()
    html = client.get("/en/register/").content.decode()
    assert "Caritas Institute of Community Education" not in html
    assert html.count('<div class="register-entry') == 21
    assert client.get(f"/en/register/agencies/{beauty.agency_id}/").status_code == 404


def test_publish_puts_it_back_with_a_feed_event(client, register_admin, beauty, django_capture_on_commit_callbacks):
    client.force_login(register_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/register/manage/{beauty.pk}/unpublish/")
        client.get("/en/register/")
        client.post(f"/en/register/manage/{beauty.pk}/publish/")
    beauty.refresh_from_db()
    assert beauty.is_published
    assert (
        AuditEntry.objects.filter(
            action="agencies.appointment.published", from_state="unpublished", to_state="published"
        ).count()
        == 1
    )
    assert RegisterEvent.objects.filter(appointment=beauty, kind="published").count() == 2
    client.logout()
    assert "Caritas Institute of Community Education" in client.get("/en/register/").content.decode()


def test_vary_conditions_in_three_languages(client, approver, beauty, django_capture_on_commit_callbacks):
    client.get(f"/zh-hant/register/agencies/{beauty.agency_id}/")  # cached before the change
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/register/manage/{beauty.pk}/vary/",
            {
                "conditions_en": "Assess in Cantonese.",
                "conditions_zh_hant": "以粵語評估。",
                "conditions_zh_hans": "以粤语评估。",
                "grounds": "Language.",
                "effective": "2026-01-01",
            },
        )
    assert response.status_code == 302
    beauty.refresh_from_db()
    assert (beauty.conditions_en, beauty.conditions_zh_hant, beauty.conditions_zh_hans) == (
        "Assess in Cantonese.",
        "以粵語評估。",
        "以粤语评估。",
    )
    entry = AuditEntry.objects.get(action="agencies.appointment.varied")
    assert entry.data == {
        "from": {"en": "", "zh-hant": "", "zh-hans": ""},
        "to": {"en": "Assess in Cantonese.", "zh-hant": "以粵語評估。", "zh-hans": "以粤语评估。"},
        "effective": "2026-01-01",
    }
    assert RegisterEvent.objects.get(appointment=beauty, kind="varied").note == "Language."
    client.logout()
    assert "以粵語評估。" in client.get(f"/zh-hant/register/agencies/{beauty.agency_id}/").content.decode()


def test_vary_with_unchanged_conditions_is_refused_with_a_message(client, approver, beauty):
    client.force_login(approver)
    response = client.post(
        f"/en/register/manage/{beauty.pk}/vary/",
        {
            "conditions_en": "",
            "conditions_zh_hant": "",
            "conditions_zh_hans": "",
            "grounds": "No change.",
            "effective": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "The conditions are unchanged." in response.content.decode()
    assert not RegisterEvent.objects.filter(kind="varied").exists()
    assert AuditEntry.objects.get(action="agencies.appointment.varied").outcome == "refused"


def test_cancel_with_grounds_and_date(client, approver, beauty, django_capture_on_commit_callbacks):
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/register/manage/{beauty.pk}/cancel/",
            {"effective": "2026-01-01", "grounds": "Assessment services ceased."},
        )
    assert response.status_code == 302
    beauty.refresh_from_db()
    assert (beauty.cancelled_on, beauty.cancellation_grounds) == (date(2026, 1, 1), "Assessment services ceased.")
    entry = AuditEntry.objects.get(action="agencies.appointment.cancelled")
    assert (entry.from_state, entry.to_state, entry.note, entry.data) == (
        "appointed",
        "cancelled",
        "Assessment services ceased.",
        {"effective": "2026-01-01"},
    )
    assert RegisterEvent.objects.get(appointment=beauty, kind="cancelled").note == "Assessment services ceased."
    client.logout()
    html = client.get("/en/register/?industry=beauty").content.decode()
    assert '<div class="register-entry is-cancelled' in html
    assert "cancelled with effect from 1.1.2026" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"effective": "2019-07-01", "grounds": "Too early."},
            "A cancellation cannot take effect before the first appointment began.",
        ),
        (
            {"effective": "2027-07-01", "grounds": "Too late."},
            "A cancellation cannot take effect after the current term has ended.",
        ),
        ({"effective": "2026-01-01", "grounds": "   "}, "The appointment was not cancelled: correct the form below."),
        (
            {"effective": "1.1.2026", "grounds": "Bad date."},
            "The appointment was not cancelled: correct the form below.",
        ),
        ({"effective": "", "grounds": ""}, "The appointment was not cancelled: correct the form below."),
    ],
)
def test_cancel_refuses_bad_input_with_a_message(client, approver, beauty, data, message):
    # Beauty: 2.7.2019 - 30.6.2027.
    client.force_login(approver)
    response = client.post(f"/en/register/manage/{beauty.pk}/cancel/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    beauty.refresh_from_db()
    assert beauty.cancelled_on is None
    assert not RegisterEvent.objects.filter(kind="cancelled").exists()


def test_services_refuse_others_and_audit_the_refusal(beauty, case_officer, applicant):
    for actor in (case_officer, applicant, None):
        with pytest.raises(RuleViolation):
            services.appointment_cancel(appointment=beauty, effective=date(2026, 1, 1), grounds="x", actor=actor)
        with pytest.raises(RuleViolation):
            services.appointment_unpublish(appointment=beauty, actor=actor)
        with pytest.raises(RuleViolation):
            services.appointment_vary(appointment=beauty, conditions={"en": "x"}, actor=actor)
    assert AuditEntry.objects.filter(outcome="refused").count() == 9
    beauty.refresh_from_db()
    assert beauty.is_published and beauty.cancelled_on is None


def test_cancel_twice_and_unpublish_twice_are_refused(beauty, register_admin, approver):
    services.appointment_cancel(appointment=beauty, effective=date(2026, 1, 1), grounds="Closed.", actor=approver)
    with pytest.raises(RuleViolation, match="already been cancelled"):
        services.appointment_cancel(appointment=beauty, effective=date(2026, 2, 1), grounds="Again.", actor=approver)
    services.appointment_unpublish(appointment=beauty, actor=register_admin)
    with pytest.raises(RuleViolation, match="not on the public register"):
        services.appointment_unpublish(appointment=beauty, actor=register_admin)
    assert Appointment.objects.get(pk=beauty.pk).cancelled_on == date(2026, 1, 1)


def test_signed_in_navigation_links_register_admins_only(client, register_admin, case_officer, beauty):
    client.force_login(register_admin)
    assert 'href="/en/register/manage/"' in client.get("/en/dashboard/").content.decode()
    client.force_login(case_officer)
    assert 'href="/en/register/manage/"' not in client.get("/en/dashboard/").content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_manage_list_query_count_does_not_grow(client, register_admin, beauty, django_assert_num_queries, extra):
    from agencies.models import Scheme
    from tests import factories

    scheme = Scheme.objects.get(code="rpl")
    for _ in range(extra):
        services.appointment_create(
            agency=factories.OrganisationFactory(),
            scheme=scheme,
            industry=factories.IndustryFactory(),
            start=date(2024, 1, 1),
            end=date(2028, 12, 31),
            actor=system_actor(),
        )
    client.force_login(register_admin)
    client.get("/en/register/manage/")  # the session's first request writes its idle timestamp
    # session, user, roles, the appointments page, and the navigation's unread-message count
    with django_assert_num_queries(5):
        response = client.get("/en/register/manage/")
    assert len(re.findall(r'href="/en/register/manage/\d+/"', response.content.decode())) == min(22 + extra, 50)
