"""Query budgets of the pages `make bench` measures: each page's query count is the same at two data
sizes (counts, never timings), and the register is rendered in at most 4 queries."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.system import system_actor
from agencies import services as agency_services
from agencies.models import Scheme
from reviews.models import ReviewAssignment
from tests import factories
from tests.factories import ApplicationFactory

QUEUE_STATES = "submitted,screening,returned,under_review,recommended"
# name -> (persona fixture or None, path); {placeholders} are filled from the world below.
PAGES = {
    "register": (None, "/en/register/"),
    "register_filtered": (None, "/en/register/?industry={industry}"),
    "export_json": (None, "/register/appointments.json"),
    "export_csv": (None, "/register/appointments.csv"),
    "agency": (None, "/en/register/agencies/{agency}/"),
    "applicant_dashboard": ("applicant", "/en/dashboard/"),
    "application_status": ("applicant", "/en/applications/{application}/status/"),
    "reviewer_queue": ("reviewer", "/en/review/assignments/"),
    "scoring_form": ("reviewer", "/en/review/assignments/{assignment}/"),
    "case_queue": ("case_officer", "/en/review/"),
    "approver_queue": ("approver", "/en/review/approvals/"),
    "admin_appointments": ("admin_user", "/en/admin/agencies/appointment/"),
    "admin_applications": ("admin_user", f"/en/admin/applications/application/?state__in={QUEUE_STATES}"),
    "admin_approvals": ("admin_user", "/en/admin/applications/application/?state__exact=recommended"),
    "admin_assignments": ("admin_user", "/en/admin/reviews/reviewassignment/?reviewer__exact={reviewer}"),
}


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Every page is rendered (the register's response cache off) from an empty cache."""
    settings.REGISTER_RESPONSE_CACHE = False
    cache.clear()
    yield
    cache.clear()


def _grow(world: dict, count: int) -> None:
    """`count` more of every kind of row the pages list: appointments, cases in each queue, assignments."""
    scheme = Scheme.objects.get(code="rpl")
    today = timezone.localdate()
    collaborator = factories.OrganisationFactory()
    for _ in range(count):
        agency_services.appointment_create(
            agency=factories.OrganisationFactory(),
            scheme=scheme,
            industry=world["industry_obj"] if _ % 2 else factories.IndustryFactory(),
            start=date(2024, 1, 1) + timedelta(days=_ * 400 if _ % 2 else 0),
            end=date(2024, 12, 31) + timedelta(days=_ * 400 if _ % 2 else 1500),
            collaborators=[collaborator],
            publish=True,
            actor=system_actor(),
        )
        for state in ("submitted", "under_review", "recommended"):
            app = ApplicationFactory(
                state=state, organisation=world["organisation"], submitted_at=timezone.now(), evidence=True
            )
            if state == "under_review":
                ReviewAssignment.objects.create(
                    application=app,
                    reviewer=world["reviewer"],
                    due_on=today + timedelta(days=14),
                    invited_by=world["case_officer"],
                    state="accepted",
                    conflict_declared_at=timezone.now(),
                    responded_at=timezone.now(),
                )


@pytest.fixture
def world(reference, organisation, applicant, reviewer, case_officer, approver, admin_user):
    industry = factories.IndustryFactory()
    agency = factories.OrganisationFactory()
    agency_services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=industry,
        start=date(2025, 1, 1),
        end=date(2029, 12, 31),
        publish=True,
        actor=system_actor(),
    )
    application = ApplicationFactory(
        state="under_review", organisation=organisation, submitted_at=timezone.now(), evidence=True
    )
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        due_on=timezone.localdate() + timedelta(days=14),
        invited_by=case_officer,
        state="accepted",
        conflict_declared_at=timezone.now(),
        responded_at=timezone.now(),
    )
    users = {
        "applicant": applicant,
        "reviewer": reviewer,
        "case_officer": case_officer,
        "approver": approver,
        "admin_user": admin_user,
    }
    return {
        "users": users,
        "organisation": organisation,
        "reviewer": reviewer,
        "case_officer": case_officer,
        "industry_obj": industry,
        "values": {
            "industry": industry.code,
            "agency": agency.pk,
            "application": application.pk,
            "assignment": assignment.pk,
            "reviewer": reviewer.pk,
        },
    }


def _count(client, path: str) -> tuple[int, int]:
    cache.clear()
    client.get(path)  # warm the session, the role caches and the register version
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return response.status_code, len(queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_is_the_same_at_two_data_sizes(client, world, name):
    persona, template = PAGES[name]
    if persona:
        client.force_login(world["users"][persona])
    path = template.format(**world["values"])
    _grow(world, 2)
    status, small = _count(client, path)
    assert status == 200
    _grow(world, 6)
    status, large = _count(client, path)
    assert status == 200
    assert large == small, f"{name}: {small} queries with fewer rows, {large} with more"


@pytest.mark.parametrize("path", ["/en/register/", "/en/register/?industry={industry}"])
def test_register_is_rendered_in_at_most_four_queries(client, world, path):
    _grow(world, 3)
    status, count = _count(client, path.format(**world["values"]))
    assert status == 200
    assert count <= 4


def test_register_from_the_cache_and_its_304_need_no_query(client, world, settings):
    settings.REGISTER_RESPONSE_CACHE = True
    first = client.get("/en/register/")
    with CaptureQueriesContext(connection) as queries:
        cached = client.get("/en/register/")
        not_modified = client.get("/en/register/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (cached.status_code, not_modified.status_code) == (200, 304)
    assert cached.content == first.content
    assert len(queries) == 0
