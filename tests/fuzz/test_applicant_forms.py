"""Every form of the applicant's side, posted by the applicant with hostile data: never a 500 and
never an invalid state."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies.enums import EntityType, MemberRole
from agencies.models import Criterion, Organisation, OrganisationMembership, OrganisationOfficer
from applications.models import (
    Application,
    Document,
    Evidence,
    InformationRequest,
    OrganisationInvitation,
    OrganisationJoinRequest,
    ProposedQualification,
)
from applications.services import document_upload
from applications.services.documents import document_orphans_sweep
from applications.views.organisations import JOIN_OFFER_KEY
from reviews import services as reviews
from tests import factories
from tests.applications.conftest import make_jpeg, make_office, make_pdf, make_png
from tests.reviews.conftest import due

from .conftest import fuzz_post
from .strategies import choice, form_data, fuzz_settings, iso_dates, mostly, plain

EXAMPLES = 15


@pytest.fixture
def world(reference, organisation, other_organisation, applicant, other_applicant):
    """The applicant's drafts and, for ids to smuggle in, another organisation's application."""
    rpl_draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    pq_set = factories.criteria_set_for("pq")
    pq_draft = factories.ApplicationFactory(
        organisation=organisation, created_by=applicant, scheme=pq_set.scheme, criteria_set=pq_set, industry=None
    )
    foreign = factories.ApplicationFactory(organisation=other_organisation, created_by=other_applicant)
    industry = factories.IndustryFactory()
    ids = [
        rpl_draft.pk,
        pq_draft.pk,
        foreign.pk,
        other_organisation.pk,
        other_applicant.pk,
        industry.pk,
        *Criterion.objects.values_list("pk", flat=True),
    ]
    return {"rpl": rpl_draft, "pq": pq_draft, "foreign": foreign, "industry": industry, "ids": ids}


def officers(prefix: str = "officers") -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": mostly(2, 0, 1, 3, 2000, 10**9),
        f"{prefix}-INITIAL_FORMS": choice(0, 1),
        f"{prefix}-MIN_NUM_FORMS": choice(0),
        f"{prefix}-MAX_NUM_FORMS": choice(1000),
        f"{prefix}-0-name": plain(),
        f"{prefix}-0-position": plain(),
        f"{prefix}-1-name": plain(),
    }


def organisation_fields(other_organisation) -> dict:
    return {
        "name_en": plain(),
        "name_zh_hant": plain(),
        "name_zh_hans": plain(),
        "entity_type": choice(*EntityType.values),
        "registration_number": st.one_of(plain(60), st.just(other_organisation.registration_number)),
        "is_charity": choice("on", ""),
        "charity_file_number": choice("91/12345", ""),
        "address": plain(),
        "phone": choice("(852) 2508-8865", "2508 8865", "+852 2508 8865"),
        "website": choice("https://example.org", "example.org"),
        **officers(),
    }


def test_organisation_register(client, world, applicant, other_organisation):
    client.force_login(applicant)
    url = reverse("applications:organisation_create")

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(organisation_fields(other_organisation), world["ids"]))
    def run(data):
        fuzz_post(client, url, data, touched=(Organisation, OrganisationOfficer))

    run()


def test_organisation_edit(client, world, applicant, organisation, other_organisation):
    client.force_login(applicant)
    url = reverse("applications:organisation_edit", args=[organisation.pk])

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(organisation_fields(other_organisation), world["ids"]))
    def run(data):
        fuzz_post(client, url, data, touched=(Organisation, OrganisationOfficer))

    run()


def test_invitation(client, world, applicant, organisation):
    client.force_login(applicant)
    url = reverse("applications:invitation_create", args=[organisation.pk])

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({"email": st.emails(), "role": choice(*MemberRole.values)}, world["ids"]))
    def run(data):
        fuzz_post(client, url, data, touched=(OrganisationInvitation,))

    run()


def test_join_request(client, world, other_applicant, organisation):
    client.force_login(other_applicant)
    session = client.session
    session[JOIN_OFFER_KEY] = organisation.pk
    session.save()
    url = reverse("applications:join_request_create", args=[organisation.pk])

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({"message": plain(2000)}, world["ids"]))
    def run(data):
        fuzz_post(client, url, data, touched=(OrganisationJoinRequest,))

    run()


def test_join_decision(client, world, applicant, organisation):
    stranger = factories.UserFactory()
    join = OrganisationJoinRequest.objects.create(organisation=organisation, user=stranger, message="Let me in.")
    client.force_login(applicant)
    url = reverse("applications:join_request_decide", args=[organisation.pk, join.pk])

    def check(response):
        join.refresh_from_db()
        roles = set(organisation.memberships.filter(user=stranger).values_list("role", flat=True))
        assert roles <= set(MemberRole.values)
        assert (join.outcome == "approved") == bool(roles)

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({"role": choice(*MemberRole.values), "decision": choice("approve", "decline")}, world["ids"]))
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(OrganisationJoinRequest, OrganisationMembership))

    run()


def application_fields(world, organisation) -> dict:
    return {
        "organisation": mostly(organisation.pk, world["foreign"].organisation_id),
        "kind": mostly("new", "reappointment"),
        "industry": choice(world["industry"].pk, world["rpl"].industry_id),
        "fee_policy": plain(),
        "collaborators": st.lists(choice(*world["ids"]), max_size=3),
        "new_collaborators": st.lists(plain(300), max_size=3).map("\n".join),
        "qualifications-TOTAL_FORMS": mostly(2, 0, 1, 31, 10**6),
        "qualifications-INITIAL_FORMS": choice(0),
        "qualifications-0-title": plain(300),
        "qualifications-0-proposed_level": choice(*range(0, 9)),
        "qualifications-1-title": plain(300),
        "qualifications-1-proposed_level": choice(1, 7),
    }


@pytest.mark.parametrize("scheme", ["rpl", "pq"])
def test_application_start(client, world, applicant, organisation, scheme):
    client.force_login(applicant)
    url = reverse("applications:start", args=[scheme])
    before = set(Application.objects.values_list("pk", flat=True))

    def check(response):
        for application in Application.objects.exclude(pk__in=before):
            assert application.organisation_id == organisation.pk
            assert application.state == "draft"
            assert application.scheme.code == scheme
            assert application.criteria_set.is_active

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(application_fields(world, organisation), world["ids"]))
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(Application, ProposedQualification, Organisation))

    run()


@pytest.mark.parametrize("scheme", ["rpl", "pq"])
def test_application_edit(client, world, applicant, organisation, scheme):
    client.force_login(applicant)
    draft = world[scheme]
    url = reverse("applications:edit", args=[draft.pk])

    def check(response):
        assert organisation.pk not in draft.proposed_collaborators.values_list("pk", flat=True)

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(application_fields(world, organisation), world["ids"]))
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(Application, ProposedQualification, Organisation))

    run()


def test_evidence(client, world, applicant):
    client.force_login(applicant)
    draft = world["rpl"]
    criteria = list(draft.criteria_set.criteria.all())

    @fuzz_settings(EXAMPLES)
    @given(
        criterion=st.sampled_from(criteria),
        data=form_data({"narrative": plain(12_000), "next": choice("checklist", "")}, world["ids"]),
    )
    def run(criterion, data):
        fuzz_post(client, reverse("applications:evidence", args=[draft.pk, criterion.pk]), data, touched=(Evidence,))

    run()


# Any name a browser may send once Django has taken the directory part off.
file_names = (
    st.text(min_size=1, max_size=300)
    .map(lambda n: n.replace("/", "_").replace("\\", "_"))
    .filter(lambda n: n not in (".", ".."))
)
real_files = st.builds(
    lambda maker, name: SimpleUploadedFile(name, maker()),
    st.sampled_from([make_pdf, make_png, make_jpeg, make_office, lambda: make_office("xlsx")]),
    file_names,
)
random_files = st.builds(lambda data, name: SimpleUploadedFile(name, data), st.binary(max_size=4096), file_names)


def stored_files() -> set[str]:
    root = settings.PRIVATE_STORAGE_ROOT / "documents"
    return {p.name for p in root.glob("*/*")} if root.exists() else set()


def test_document_upload(client, world, applicant):
    client.force_login(applicant)
    draft = world["rpl"]
    url = reverse("applications:documents", args=[draft.pk])

    def check(response):
        # Every stored file has its row and every row its file: nothing half-written.
        assert stored_files() == set(Document.objects.values_list("stored_name", flat=True))
        for document in Document.objects.all():
            assert document.content_type in {
                "application/pdf",
                "image/png",
                "image/jpeg",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }

    @fuzz_settings(EXAMPLES)
    @given(
        data=form_data(
            {
                "file": st.one_of(real_files, random_files),
                "title": plain(),
                "expires_on": iso_dates(),
                "criteria": st.lists(choice(*draft.criteria_set.criteria.values_list("pk", flat=True)), max_size=3),
                "next": choice(""),
            },
            world["ids"],
        )
    )
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(Document,))
        # The rolled-back rows leave their files behind: sweep them as the daily task would.
        document_orphans_sweep(grace=timedelta(0), now=time.time() + 1)

    run()


def test_document_edit(client, world, applicant):
    draft = world["rpl"]
    document = document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="Original", criteria=[]
    )
    client.force_login(applicant)
    url = reverse("applications:document_edit", args=[draft.pk, document.pk])

    @fuzz_settings(EXAMPLES)
    @given(
        data=form_data(
            {
                "title": plain(),
                "expires_on": iso_dates(),
                "criteria": st.lists(choice(*draft.criteria_set.criteria.values_list("pk", flat=True)), max_size=3),
            },
            world["ids"],
        )
    )
    def run(data):
        fuzz_post(client, url, data, touched=(Document,))

    run()


def test_submit(client, world, applicant, organisation):
    complete = factories.ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True)
    client.force_login(applicant)

    def check(response):
        complete_now = Application.objects.get(pk=complete.pk)
        assert complete_now.state in ("draft", "submitted")
        assert (complete_now.state == "submitted") == (complete_now.declaration_accepted_at is not None)

    @fuzz_settings(EXAMPLES)
    @given(
        target=st.sampled_from([complete, world["rpl"], world["foreign"]]),
        data=form_data({"declaration": choice("on", "true", "1")}, world["ids"]),
    )
    def run(target, data):
        fuzz_post(client, reverse("applications:submit", args=[target.pk]), data, check=check, touched=(Application,))

    run()


@pytest.fixture
def returned(world, applicant, organisation, case_officer):
    """A submitted application returned by the case officer with a request for information."""
    application = factories.ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
    reviews.case_start_screening(application=application, actor=case_officer)
    criterion = application.criteria_set.criteria.first()
    reviews.case_return_for_information(
        application=Application.objects.get(pk=application.pk),
        actor=case_officer,
        items=[(criterion.pk, "Show the audited accounts.")],
        reply_by=due(),
        message="Please add the accounts.",
    )
    return Application.objects.get(pk=application.pk)


def test_withdraw(client, world, applicant, returned):
    client.force_login(applicant)

    def check(response):
        application = Application.objects.get(pk=returned.pk)
        assert application.state in ("returned", "withdrawn")
        if application.state == "withdrawn":
            assert application.decided_at is not None

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({"reason": plain(5000)}, world["ids"]))
    def run(data):
        fuzz_post(
            client, reverse("applications:withdraw", args=[returned.pk]), data, check=check, touched=(Application,)
        )

    run()


def test_information_response(client, world, applicant, returned):
    client.force_login(applicant)
    rfi = returned.information_requests.get()
    url = reverse("applications:information_request_respond", args=[returned.pk, rfi.pk])

    @fuzz_settings(EXAMPLES)
    @given(data=form_data({f"rfi-{rfi.pk}-response": plain(12_000)}, world["ids"]))
    def run(data):
        fuzz_post(client, url, data, touched=(Application, InformationRequest))
        fuzz_post(
            client,
            reverse("applications:resubmit", args=[returned.pk]),
            data,
            touched=(Application, InformationRequest),
        )

    run()


def test_a_collaborator_name_longer_than_an_organisation_name_is_refused(client, world, applicant, organisation):
    client.force_login(applicant)
    data = {"organisation": organisation.pk, "kind": "new", "industry": world["industry"].pk}
    before = Application.objects.count()
    response = client.post(reverse("applications:start", args=["rpl"]), data | {"new_collaborators": "x" * 301})
    assert response.status_code == 200
    assert response.context["form"].errors["new_collaborators"] == [
        "Ensure this value has at most 300 characters (it has 301)."
    ]
    assert Application.objects.count() == before
    response = client.post(reverse("applications:start", args=["rpl"]), data | {"new_collaborators": "y" * 300})
    assert response.status_code == 302
    assert Application.objects.count() == before + 1
