"""The register administrator's work: the "to publish" list, the public texts in three languages,
the preview, the links, and a confirmation before publishing or taking off."""

from datetime import date

import pytest
from django.urls import reverse

from agencies import services
from agencies.models import Appointment, Organisation, Scheme
from agencies.public_texts import missing_languages, simplified_from_traditional
from audit.models import AuditEntry
from qfapp.exceptions import RuleViolation
from tests.factories import IndustryFactory, OrganisationFactory


@pytest.fixture
def new_body(db):
    """A collaborating body entered in English only, as an applicant may have proposed it."""
    return Organisation.objects.create(name="Harbour Craft Guild", name_en="Harbour Craft Guild")


@pytest.fixture
def unpublished(reference, new_body, approver):
    appointment = services.appointment_create(
        actor=approver,
        agency=OrganisationFactory(),
        scheme=Scheme.objects.get(code="rpl"),
        industry=IndustryFactory(),
        start=date(2027, 4, 1),
        end=date(2032, 3, 31),
        collaborators=[new_body],
    )
    Appointment.objects.filter(pk=appointment.pk).update(conditions_en="Report statistics yearly.")
    return Appointment.objects.get(pk=appointment.pk)


def test_my_work_lists_what_is_waiting_to_be_published(client, register_admin, unpublished):
    client.force_login(register_admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert "To publish" in page
    assert reverse("agencies:manage_detail", args=[unpublished.pk]) in page


def test_my_work_has_no_publishing_list_for_others(client, case_officer, unpublished):
    client.force_login(case_officer)
    assert "To publish" not in client.get(reverse("dashboard")).content.decode()


def test_publishing_is_refused_while_a_public_text_lacks_a_language(client, register_admin, unpublished):
    assert missing_languages(appointment=unpublished) == [
        "Name of the collaborating body “Harbour Craft Guild” has no Traditional Chinese, Simplified Chinese text.",
        "Conditions or restrictions has no Traditional Chinese, Simplified Chinese text.",
    ]
    with pytest.raises(RuleViolation):
        services.appointment_publish(appointment=unpublished, actor=register_admin)
    client.force_login(register_admin)
    response = client.post(reverse("agencies:manage_publish", args=[unpublished.pk]), follow=True)
    assert not Appointment.objects.get(pk=unpublished.pk).is_published
    assert "cannot be published until every public text has its three languages" in response.content.decode()
    assert AuditEntry.objects.filter(action="agencies.appointment.published", outcome="refused").exists()


def test_the_register_administrator_enters_the_three_languages_then_publishes(
    client, register_admin, unpublished, new_body
):
    client.force_login(register_admin)
    detail = reverse("agencies:manage_detail", args=[unpublished.pk])
    key = f"collaborator-{new_body.pk}"
    data = {
        f"{key}__en": "Harbour Craft Guild",
        f"{key}__zh_hant": "海港工藝協會",
        "conditions__en": "Report statistics yearly.",
        "conditions__zh_hant": "每年提交統計數字。",
    }
    # a proposal fills the empty Simplified Chinese from the Traditional, and saves nothing
    proposal = client.post(reverse("agencies:manage_texts", args=[unpublished.pk]), {**data, "propose": "1"})
    page = proposal.content.decode()
    assert "海港工艺协会" in page and "每年提交统计数字。" in page
    new_body.refresh_from_db()
    assert new_body.name_zh_hant in ("", None)
    data |= {f"{key}__zh_hans": "海港工艺协会", "conditions__zh_hans": "每年提交统计数字。", "save": "1"}
    response = client.post(reverse("agencies:manage_texts", args=[unpublished.pk]), data)
    assert response.status_code == 302 and response["Location"] == detail
    new_body.refresh_from_db()
    assert (new_body.name_zh_hant, new_body.name_zh_hans) == ("海港工藝協會", "海港工艺协会")
    assert missing_languages(appointment=Appointment.objects.get(pk=unpublished.pk)) == []
    assert AuditEntry.objects.filter(action="agencies.appointment.texts_updated", actor=register_admin).exists()
    # confirm first: the page previews the entry in each language
    confirm = client.get(reverse("agencies:manage_confirm", args=[unpublished.pk, "publish"])).content.decode()
    assert "Confirm: publish on the register" in confirm
    assert "海港工藝協會" in confirm and "海港工艺协会" in confirm and "Harbour Craft Guild" in confirm
    assert not Appointment.objects.get(pk=unpublished.pk).is_published
    client.post(reverse("agencies:manage_publish", args=[unpublished.pk]))
    assert Appointment.objects.get(pk=unpublished.pk).is_published


def test_the_appointment_page_previews_and_links_to_the_case_and_the_public_page(
    client, register_admin, reference, approver
):
    from reviews.models import Decision
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(state="appointed", evidence=True)
    appointment = services.appointment_create(
        actor=approver,
        agency=application.organisation,
        scheme=application.scheme,
        industry=application.industry,
        start=date(2027, 4, 1),
        end=date(2032, 3, 31),
    )
    services.appointment_publish(appointment=appointment, actor=register_admin)
    application.appointment = appointment
    application.save(update_fields=["appointment"])
    Decision.objects.create(
        application=application,
        outcome="appoint",
        term_start=date(2027, 4, 1),
        term_end=date(2032, 3, 31),
        decided_by=approver,
    )
    client.force_login(register_admin)
    page = client.get(reverse("agencies:manage_detail", args=[appointment.pk])).content.decode()
    assert reverse("reviews:case_file", args=[application.pk]) in page
    assert reverse("agencies:agency", args=[appointment.agency_id]) in page
    assert application.organisation.name_zh_hant in page  # the Traditional Chinese preview
    assert reverse("agencies:manage_confirm", args=[appointment.pk, "unpublish"]) in page
    # the register administrator reads the case file of an appointed case
    assert client.get(reverse("reviews:case_file", args=[application.pk])).status_code == 200


def test_opencc_proposes_simplified_chinese():
    assert simplified_from_traditional("職業訓練局") == "职业训练局"
