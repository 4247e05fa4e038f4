"""Every document, generated when its event happens through the project's own services, in English
and Traditional Chinese, read back from the stored PDF: the text the reader sees (and every Chinese
character of it, so no glyph is missing) is the text that was rendered."""

import hashlib
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from agencies import services as agency_services
from applications.models import Application
from applications.services import application_submit
from audit.models import AuditEntry
from letters import content, rendering
from letters.enums import LetterKind
from letters.models import Letter, LetterImmutable
from notifications.models import Message
from reviews import services
from tests.factories import ApplicationFactory

from .conftest import TERM_END, TERM_START, cjk, pdf_text, squeeze, stored_pdf

LANGUAGES = ["en", "zh-hant"]


@pytest.fixture(params=LANGUAGES)
def language(request, applicant):
    applicant.preferred_language = request.param
    applicant.save(update_fields=["preferred_language"])
    return request.param


def _check_text(letter, draft_context):
    """The stored PDF's text against the HTML it was rendered from (re-rendered with the same code)."""
    html = rendering.render_html(kind=letter.kind, context=draft_context, language=letter.language, code=letter.code)
    data = stored_pdf(letter)
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    text = pdf_text(data)
    expected = rendering.visible_text(html)
    # Every Chinese character rendered comes back, in the same number: no missing glyph, no box.
    assert sorted(cjk(text)) == sorted(cjk(expected))
    if not rendering.languages_for(letter.kind, letter.language)[1:]:
        # One column: the characters also come back in reading order.
        assert cjk(text) == cjk(expected)
    assert "\ufffd" not in text
    assert letter.code in text
    return squeeze(text)


def _one(kind) -> Letter:
    letters = list(Letter.objects.filter(kind=kind))
    assert len(letters) == 1, letters
    return letters[0]


def test_receipt_at_submission(reference, organisation, applicant, language, run_on_commit, private_root):
    application = ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True)
    from tests.security.test_permission_matrix import _document

    document = _document(application, applicant, "Audited accounts 2025")
    criterion = application.criteria_set.criteria.order_by("order").first()
    document.criteria.set([criterion])
    run_on_commit(application_submit, application=application, actor=applicant, declaration_accepted=True)
    application.refresh_from_db()
    letter = _one(LetterKind.RECEIPT)
    assert letter.language == language
    text = _check_text(letter, content.receipt(application).context)
    assert application.reference in text
    assert squeeze(document.title) in text
    assert document.sha256 in text
    with translation.override(language):
        assert squeeze(organisation.name) in text
        assert squeeze(str(application.scheme.name)) in text
        assert squeeze(str(application.industry.name)) in text
        assert squeeze(criterion.title) in text
        if language == "zh-hant":
            assert "確認收據" in text and "聲明" in text
        else:
            assert "Acknowledgementreceipt" in text and "declaration" in text.lower()
    assert AuditEntry.objects.filter(action="letters.letter.issued", object_id=str(application.pk)).count() == 1
    # the organisation is told, with a link to the letter, through the outbox
    message = Message.objects.get(event="letter.issued", recipient=applicant)
    assert message.link.endswith(f"/letters/{letter.pk}/download/")


def test_information_request_letter(screening_case, case_officer, applicant, language, run_on_commit):
    criterion = screening_case.criteria_set.criteria.order_by("order").first()
    reply_by = timezone.localdate() + timedelta(days=21)
    info = run_on_commit(
        services.case_return_for_information,
        application=screening_case,
        actor=case_officer,
        items=[(criterion.pk, "Send the audited accounts for 2025.")],
        reply_by=reply_by,
        message="Two things are missing.",
    )
    letter = _one(LetterKind.INFORMATION_REQUEST)
    info.refresh_from_db()
    text = _check_text(letter, content.information_request(info).context)
    assert "Sendtheauditedaccountsfor2025." in text
    with translation.override(language):
        assert squeeze(criterion.title) in text
        expected_date = (
            f"{reply_by.year}年{reply_by.month}月{reply_by.day}日" if language != "en" else str(reply_by.year)
        )
        assert expected_date in text


def test_appointment_letter_is_bilingual(decidable_case, approver, applicant, language, run_on_commit):
    run_on_commit(
        services.case_appoint,
        application=decidable_case,
        actor=approver,
        term_start=TERM_START,
        term_end=TERM_END,
        conditions_text="Annual RPL statistics by 31 March.",
    )
    app = Application.objects.get(pk=decidable_case.pk)
    letter = _one(LetterKind.APPOINTMENT)
    assert (letter.term_start, letter.term_end) == (TERM_START, TERM_END)
    text = _check_text(letter, content.appointment_letter_from_decision(app).context)
    # English and Chinese side by side whatever the reader's language
    assert "Letterofappointment" in text and "委任信" in text
    assert "1April2027–31March2032" in text and "2027年4月1日–2032年3月31日" in text
    assert "AnnualRPLstatisticsby31March." in text
    assert "Reviewofthisdecision" in text and "覆核" in text
    assert squeeze(app.organisation.name_en) in text and squeeze(app.organisation.name_zh_hant) in text


def test_reappointment_letter(decidable_case, approver, run_on_commit):
    Application.objects.filter(pk=decidable_case.pk).update(kind="reappointment")
    decidable_case.refresh_from_db()
    run_on_commit(
        services.case_appoint, application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    letter = _one(LetterKind.REAPPOINTMENT)
    text = _check_text(letter, content.appointment_letter_from_decision(decidable_case).context)
    assert "Letterofre-appointment" in text and "再委任信" in text


def test_refusal_letter_with_reasons_per_criterion(decidable_case, approver, applicant, language, run_on_commit):
    criteria = list(decidable_case.criteria_set.criteria.order_by("order")[:2])
    run_on_commit(
        services.case_reject,
        application=decidable_case,
        actor=approver,
        reasons=[(criteria[0].pk, "No audited accounts."), (criteria[1].pk, "Network not shown.")],
    )
    letter = _one(LetterKind.REFUSAL)
    app = Application.objects.get(pk=decidable_case.pk)
    draft = content.refusal(
        app, reasons=[(r.criterion, r.text) for r in app.case_reasons.order_by("criterion__order")], at_screening=False
    )
    text = _check_text(letter, draft.context)
    assert "Noauditedaccounts." in text and "Networknotshown." in text
    with translation.override(language):
        assert all(squeeze(c.title) in text for c in criteria)
        assert ("覆核" if language != "en" else "Reviewofthisdecision") in text


def test_refusal_letter_at_screening(screening_case, case_officer, run_on_commit):
    criterion = screening_case.criteria_set.criteria.order_by("order").first()
    run_on_commit(
        services.case_mark_ineligible,
        application=screening_case,
        actor=case_officer,
        reasons=[(criterion.pk, "Not a legal entity.")],
    )
    letter = _one(LetterKind.REFUSAL)
    assert "Notalegalentity." in squeeze(pdf_text(stored_pdf(letter)))


@pytest.fixture
def appointed(decidable_case, approver, run_on_commit):
    run_on_commit(
        services.case_appoint, application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    return Application.objects.get(pk=decidable_case.pk).appointment


def test_variation_letter(appointed, approver, applicant, language, run_on_commit):
    run_on_commit(
        agency_services.appointment_vary,
        appointment=appointed,
        conditions={"en": "Report every quarter.", "zh-hant": "每季提交報告。", "zh-hans": "每季提交报告。"},
        actor=approver,
        grounds="Quarterly reports.",
        effective=date(2028, 1, 1),
    )
    letter = _one(LetterKind.VARIATION)
    entry = AuditEntry.objects.get(action="agencies.appointment.varied")
    draft = content.variation(
        appointed, before=entry.data["from"], after=entry.data["to"], grounds=entry.note, effective=date(2028, 1, 1)
    )
    text = _check_text(letter, draft.context)
    assert "Reporteveryquarter." in text and "每季提交報告。" in text
    assert "Quarterlyreports." in text
    assert "1January2028" in text and "2028年1月1日" in text
    assert "Variationofconditions" in text


def test_cancellation_letter(appointed, approver, language, run_on_commit):
    run_on_commit(
        agency_services.appointment_cancel,
        appointment=appointed,
        effective=date(2028, 6, 30),
        grounds="The determination was withdrawn by HKCAAVQ.",
        actor=approver,
    )
    letter = _one(LetterKind.CANCELLATION)
    appointed.refresh_from_db()
    text = _check_text(letter, content.cancellation(appointed).context)
    assert "ThedeterminationwaswithdrawnbyHKCAAVQ." in text
    assert "30June2028" in text and "2028年6月30日" in text


def test_simplified_chinese_reader_gets_simplified(decidable_case, approver, applicant, run_on_commit):
    applicant.preferred_language = "zh-hans"
    applicant.save(update_fields=["preferred_language"])
    criterion = decidable_case.criteria_set.criteria.order_by("order").first()
    run_on_commit(services.case_reject, application=decidable_case, actor=approver, reasons=[(criterion.pk, "不足。")])
    letter = _one(LetterKind.REFUSAL)
    text = squeeze(pdf_text(stored_pdf(letter)))
    assert letter.language == "zh-hans"
    assert "资历架构秘书处" in text  # the letterhead in the reader's Chinese


def test_a_letter_for_a_case_in_the_wrong_state_writes_nothing(recommended_case, private_root):
    from letters.services import decision_letter_issue
    from qfapp.exceptions import RuleViolation

    with pytest.raises(RuleViolation):
        decision_letter_issue(application=recommended_case)
    assert not Letter.objects.exists()
    assert not list((private_root / "letters").rglob("*.pdf")) if (private_root / "letters").exists() else True


def test_the_same_event_issues_one_letter(decidable_case, approver, run_on_commit):
    from letters.services import decision_letter_issue

    run_on_commit(
        services.case_appoint, application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    first = _one(LetterKind.APPOINTMENT)
    again = decision_letter_issue(application=decidable_case, actor=approver)
    assert again.pk == first.pk
    assert Letter.objects.count() == 1


def test_an_issued_letter_never_changes(decidable_case, approver, run_on_commit, settings, tmp_path):
    run_on_commit(
        services.case_appoint, application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    letter = _one(LetterKind.APPOINTMENT)
    before = stored_pdf(letter)
    with pytest.raises(LetterImmutable):
        letter.save()
    with pytest.raises(LetterImmutable):
        letter.delete()
    # new wording in the templates changes the next letter, not this one
    override = tmp_path / "templates"
    (override / "letters" / "pdf").mkdir(parents=True)
    (override / "letters" / "pdf" / "appointment.html").write_text("<h1>New wording</h1>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [override, *settings.TEMPLATES[0]["DIRS"]]}]
    assert "New wording" in rendering.render_html(kind="appointment", context={}, language="en", code=letter.code)
    assert stored_pdf(Letter.objects.get(pk=letter.pk)) == before
    assert hashlib.sha256(before).hexdigest() == Letter.objects.get(pk=letter.pk).sha256
