"""Issue 14 on the applicant's side: autosave, the collaborators picker, the pages that ask once,
discarding a draft, the next step, one missing list, and the site's address in messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Appointment, Organisation
from applications.models import Application, Evidence, InformationRequest, InformationRequestItem
from audit.models import AuditEntry
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db


def _published(body, scheme_code: str = "rpl"):
    Appointment.objects.create(agency=body, scheme=factories.criteria_set_for(scheme_code).scheme, is_published=True)
    return body


def _criterion(application, index: int = 0):
    return application.criteria_set.criteria.order_by("order", "code")[index]


# -- 1. autosave ------------------------------------------------------------------------------------
def test_autosave_saves_the_narrative_and_audits_it_as_the_save_button_does(client, draft, applicant):
    criterion = _criterion(draft)
    client.force_login(applicant)
    response = client.post(
        f"/en/applications/{draft.pk}/autosave/", {"narrative": "Typed, not yet saved.", "criterion": criterion.pk}
    )
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert response.json()["saved_at_display"]
    assert Evidence.objects.get(application=draft, criterion=criterion).narrative == "Typed, not yet saved."
    entry = AuditEntry.objects.get(action="applications.evidence.saved")
    assert entry.actor == applicant and entry.data["criterion"] == criterion.code


def test_autosave_saves_the_fee_policy_of_a_draft_only(client, draft, applicant):
    client.force_login(applicant)
    assert client.post(f"/en/applications/{draft.pk}/autosave/", {"fee_policy": "At cost."}).json()["saved"]
    draft.refresh_from_db()
    assert draft.fee_policy == "At cost."
    assert AuditEntry.objects.filter(action="applications.application.updated", data__field="fee_policy").exists()
    Application.objects.filter(pk=draft.pk).update(state="submitted", reference="RPL-2026-0700")
    response = client.post(f"/en/applications/{draft.pk}/autosave/", {"fee_policy": "Changed later."})
    assert response.status_code == 400
    assert Application.objects.get(pk=draft.pk).fee_policy == "At cost."


def test_autosave_is_a_404_for_another_organisation_and_refuses_a_foreign_criterion(
    client, draft, applicant, other_applicant
):
    criterion = _criterion(draft)
    client.force_login(other_applicant)
    response = client.post(f"/en/applications/{draft.pk}/autosave/", {"narrative": "x", "criterion": criterion.pk})
    assert response.status_code == 404
    client.force_login(applicant)
    pq_criterion = factories.criteria_set_for("pq").criteria.first()
    response = client.post(f"/en/applications/{draft.pk}/autosave/", {"narrative": "x", "criterion": pq_criterion.pk})
    assert response.status_code == 404
    assert not Evidence.objects.filter(application=draft).exists()


def test_evidence_and_particulars_pages_load_the_autosave_script_with_no_inline_script(client, draft, applicant):
    client.force_login(applicant)
    for path in (f"/en/applications/{draft.pk}/criteria/{_criterion(draft).pk}/", f"/en/applications/{draft.pk}/edit/"):
        page = client.get(path).content.decode()
        assert "applications/autosave.js" in page
        assert f'data-autosave-url="/en/applications/{draft.pk}/autosave/"' in page
        assert "data-warn-unsaved" in page
        assert "<script>" not in page


# -- 2. the collaborators picker ------------------------------------------------------------------
def test_search_returns_only_public_names(client, reference, applicant, other_applicant, other_organisation):
    public = _published(factories.OrganisationFactory(name="Harbour Trades Council", name_en="Harbour Trades Council"))
    collaborator = factories.OrganisationFactory(name="Harbour Guild", name_en="Harbour Guild")
    Appointment.objects.create(
        agency=factories.OrganisationFactory(name="Unpublished agency"),
        scheme=factories.criteria_set_for("rpl").scheme,
        is_published=True,
    ).collaborators.add(collaborator)
    Organisation.objects.create(name="Harbour Secret Partner", name_en="Harbour Secret Partner")
    unpublished = Organisation.objects.create(name="Harbour Pending Body", name_en="Harbour Pending Body")
    Appointment.objects.create(agency=unpublished, scheme=factories.criteria_set_for("rpl").scheme)
    Organisation.objects.filter(pk=other_organisation.pk).update(
        name="Harbour Other Applicant", name_en="Harbour Other Applicant"
    )
    client.force_login(applicant)
    names = [r["name"] for r in client.get("/en/applications/collaborators/search/?q=harbour").json()["results"]]
    assert sorted(names) == sorted([public.name, collaborator.name])


def test_start_form_offers_no_other_applicants_names(client, reference, organisation, applicant, other_organisation):
    typed = Organisation.objects.create(name="Typed By Someone Else", name_en="Typed By Someone Else")
    public = _published(factories.OrganisationFactory(name="On The Register", name_en="On The Register"))
    client.force_login(applicant)
    page = client.get("/en/applications/new/rpl/").content.decode()
    assert typed.name not in page
    assert other_organisation.name not in page
    assert "collaborator-search" in page
    assert 'multiple size="6"' not in page
    # a posted id of a body that is not public is refused by the form
    response = client.post(
        "/en/applications/new/rpl/",
        {
            "organisation": organisation.pk,
            "kind": "new",
            "industry": factories.IndustryFactory().pk,
            "collaborators": [typed.pk],
            "qualifications-TOTAL_FORMS": 0,
            "qualifications-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not Application.objects.exists()
    response = client.post(
        "/en/applications/new/rpl/",
        {
            "organisation": organisation.pk,
            "kind": "new",
            "industry": factories.IndustryFactory().pk,
            "collaborators": [public.pk],
        },
    )
    assert response.status_code == 302
    assert list(Application.objects.get().proposed_collaborators.all()) == [public]


def test_a_typed_name_never_links_another_applicants_organisation(
    reference, organisation, applicant, other_organisation
):
    from applications.services import application_start

    application = application_start(
        organisation=organisation,
        scheme=factories.criteria_set_for("rpl").scheme,
        actor=applicant,
        industry=factories.IndustryFactory(),
        new_collaborator_names=[other_organisation.name],
    )
    (body,) = application.proposed_collaborators.all()
    assert body.pk != other_organisation.pk
    assert body.name == other_organisation.name


def test_edit_keeps_the_drafts_own_new_bodies(client, draft, applicant):
    own = Organisation.objects.create(name="Our Own Partner", name_en="Our Own Partner")
    draft.proposed_collaborators.add(own)
    client.force_login(applicant)
    page = client.get(f"/en/applications/{draft.pk}/edit/").content.decode()
    assert "Our Own Partner" in page
    response = client.post(
        f"/en/applications/{draft.pk}/edit/",
        {"industry": draft.industry_id, "fee_policy": "At cost.", "collaborators": [own.pk]},
    )
    assert response.status_code == 302
    assert list(draft.proposed_collaborators.all()) == [own]


# -- 6. pages that ask once ---------------------------------------------------------------------------
def test_withdrawal_asks_on_a_page_of_its_own(client, reference, organisation, applicant):
    application = factories.ApplicationFactory(organisation=organisation, state="submitted")
    client.force_login(applicant)
    status = client.get(f"/en/applications/{application.pk}/status/").content.decode()
    assert f'href="/en/applications/{application.pk}/withdraw/"' in status
    assert 'name="reason"' not in status
    page = client.get(f"/en/applications/{application.pk}/withdraw/").content.decode()
    assert "This cannot be undone." in page and 'name="reason"' in page
    client.post(f"/en/applications/{application.pk}/withdraw/", {"reason": "Merged."})
    assert Application.objects.get(pk=application.pk).state == "withdrawn"


def _returned_with_answer(application, case_officer):
    Application.objects.filter(pk=application.pk).update(state="returned", reference="RPL-2026-0600")
    request = InformationRequest.objects.create(
        application=application,
        requested_by=case_officer,
        message="Add the fee schedule.",
        reply_by=timezone.localdate() + timedelta(days=9),
    )
    InformationRequestItem.objects.create(request=request, criterion=_criterion(application, 2), text="Fee table.")
    return request


def test_resubmission_repeats_the_declaration_and_tells_the_applicant(client, complete_draft, applicant, case_officer):
    request = _returned_with_answer(complete_draft, case_officer)
    client.force_login(applicant)
    status = client.get(f"/en/applications/{complete_draft.pk}/status/").content.decode()
    assert f'href="/en/applications/{complete_draft.pk}/resubmit/"' in status
    InformationRequest.objects.filter(pk=request.pk).update(response="Attached.", responded_at=timezone.now())
    page = client.get(f"/en/applications/{complete_draft.pk}/resubmit/").content.decode()
    assert 'name="declaration"' in page and "Personal Information Collection Statement" in page
    response = client.post(f"/en/applications/{complete_draft.pk}/resubmit/", {})
    assert "Accept the declaration" in response.content.decode()
    assert Application.objects.get(pk=complete_draft.pk).state == "returned"
    client.post(f"/en/applications/{complete_draft.pk}/resubmit/", {"declaration": "on"})
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"
    assert complete_draft.declaration_accepted_at is not None
    mine = Message.objects.get(event="application.resubmitted", recipient=applicant)
    staff = Message.objects.get(event="application.resubmitted", recipient=case_officer)
    assert mine.subject != staff.subject
    assert "RPL-2026-0600" in mine.subject


# -- 9. discarding a draft --------------------------------------------------------------------------
def test_a_draft_is_discarded_after_a_page_that_asks_once(client, draft, applicant, other_applicant):
    client.force_login(other_applicant)
    assert client.post(f"/en/applications/{draft.pk}/discard/").status_code == 404
    client.force_login(applicant)
    assert f"/en/applications/{draft.pk}/discard/" in client.get(f"/en/applications/{draft.pk}/").content.decode()
    assert "This cannot be undone." in client.get(f"/en/applications/{draft.pk}/discard/").content.decode()
    assert Application.objects.filter(pk=draft.pk).exists()
    response = client.post(f"/en/applications/{draft.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == "/en/applications/"
    assert not Application.objects.filter(pk=draft.pk).exists()
    entry = AuditEntry.objects.get(action="applications.application.discarded")
    assert entry.actor == applicant and entry.object_id == str(draft.pk) and entry.from_state == "draft"


def test_a_submitted_application_cannot_be_discarded(client, reference, organisation, applicant):
    application = factories.ApplicationFactory(organisation=organisation, state="submitted")
    client.force_login(applicant)
    client.post(f"/en/applications/{application.pk}/discard/")
    assert Application.objects.filter(pk=application.pk).exists()


def test_an_unknown_invitation_token_is_a_404(client, applicant):
    client.force_login(applicant)
    assert client.get("/en/applications/invitations/no-such-token/").status_code == 404
    assert client.post("/en/applications/invitations/no-such-token/").status_code == 404


# -- 5. what happens next ---------------------------------------------------------------------------
def test_status_page_says_the_next_step_its_target_and_whom_to_ask(client, complete_draft, applicant, case_officer):
    Application.objects.filter(pk=complete_draft.pk).update(state="submitted", reference="RPL-2026-0601")
    client.force_login(applicant)
    page = client.get(f"/en/applications/{complete_draft.pk}/status/").content.decode()
    assert "What happens next" in page
    assert "within 10 working days of submission" in page
    assert "mailto:qf-agencies@example.org" in page
    _returned_with_answer(complete_draft, case_officer)
    page = client.get(f"/en/applications/{complete_draft.pk}/status/").content.decode()
    reply_by = timezone.localdate() + timedelta(days=9)
    assert f"by {reply_by.day}.{reply_by.month}.{reply_by.year}" in page
    evidence_page = client.get(
        f"/en/applications/{complete_draft.pk}/criteria/{_criterion(complete_draft, 2).pk}/"
    ).content.decode()
    assert "Fee table." in evidence_page
    assert f"reply by {reply_by.day}.{reply_by.month}.{reply_by.year}" in evidence_page


# -- 10. one missing list -----------------------------------------------------------------------------
def test_pq_checklist_and_submit_page_list_the_same_items(client, reference, organisation, applicant):
    import re

    application = factories.ApplicationFactory(
        organisation=organisation,
        scheme=factories.criteria_set_for("pq").scheme,
        industry=None,
        fee_policy="",
        created_by=applicant,
    )
    client.force_login(applicant)
    checklist = client.get(f"/en/applications/{application.pk}/").content.decode()
    submit = client.get(f"/en/applications/{application.pk}/submit/").content.decode()

    def items(page):
        block = re.search(r'<ul class="mb-0 missing-list" id="missing-list">(.*?)</ul>', page, re.S).group(1)
        return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block, re.S)]

    assert items(checklist) == items(submit)
    count = int(re.search(r"(\d+) items are still missing", checklist).group(1))
    assert count == len(items(checklist))


# -- 8. the site's address in messages ------------------------------------------------------------------
def test_message_links_follow_the_address_the_site_is_served_at(client, settings, complete_draft, applicant):
    settings.SITE_URL = ""
    client.force_login(applicant)
    client.post(
        f"/en/applications/{complete_draft.pk}/submit/",
        {"declaration": "on"},
        SERVER_NAME="127.0.0.1",
        SERVER_PORT="8100",
        HTTP_HOST="127.0.0.1:8100",
    )
    message = Message.objects.get(event="application.submitted", recipient=applicant)
    assert f"http://127.0.0.1:8100/en/applications/{complete_draft.pk}/status/" in message.body_text
    assert ":8000" not in message.body_text + message.body_html


def test_site_url_setting_wins_over_the_request(client, settings, complete_draft, applicant):
    settings.SITE_URL = "https://agencies.example.gov.hk"
    client.force_login(applicant)
    client.post(f"/en/applications/{complete_draft.pk}/submit/", {"declaration": "on"}, HTTP_HOST="127.0.0.1:8100")
    message = Message.objects.get(event="application.submitted", recipient=applicant)
    assert "https://agencies.example.gov.hk/en/applications/" in message.body_text


def test_autosave_with_a_malformed_criterion_is_a_404(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(f"/en/applications/{draft.pk}/autosave/", {"narrative": "x", "criterion": "1 OR 1=1"})
    assert response.status_code == 404
