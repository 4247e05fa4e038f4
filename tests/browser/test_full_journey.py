"""The whole journey in a browser, from the public register to a newly published appointment.

An applicant signs up and applies for an industry that has no current agency; the case officer
returns the case for information; the applicant answers and resubmits; two reviewers score it; the
case officer moderates and recommends; the approver appoints; the register administrator publishes;
and the public register shows the new agency. Every person acts through the pages, and each gets
the messages meant for them exactly once, in their language.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import User
from agencies.models import Appointment, Industry
from agencies.seeding import load_reference, load_register
from applications.models import Application, Document
from notifications.models import Message

from .conftest import login, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-passphrase-2026"
INDUSTRY = "logistics"
CJK = re.compile(r"[\u3400-\u9fff]")

TEXT = {
    "en": {
        "industry": "Logistics",
        "organisation": "Harbour Freight Skills Centre",
        "current": "Current",
        "expired": "Expired",
        "state_returned": "Returned for information",
    },
    "zh-hant": {
        "industry": "物流",
        "organisation": "海港貨運技能中心",
        "current": "現行",
        "expired": "已屆滿",
        "state_returned": "已退回補交資料",
    },
}


def real_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text and a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def inbox(user) -> Counter:
    return Counter(Message.objects.filter(recipient=user).values_list("event", flat=True))


def assert_messages(user, expected: dict[str, int], lang: str) -> None:
    """Exactly these messages, each in the person's language, each e-mailed exactly once."""
    assert inbox(user) == Counter(expected), user.email
    messages = list(Message.objects.filter(recipient=user))
    for message in messages:
        assert message.language == lang, (user.email, message.event)
        assert bool(CJK.search(message.subject)) == (lang != "en"), (user.email, message.subject)
        assert message.link.startswith(f"/{lang}/"), (user.email, message.event, message.link)
        assert message.state == Message.State.SENT, (user.email, message.event, message.last_error)
    emailed = Counter(m.subject for m in mail.outbox if m.to == [user.email])
    assert emailed == Counter(m.subject for m in messages), user.email


def as_staff(page, live_server, user) -> None:
    page.context.clear_cookies()
    login_as(page, live_server, user)


def post(page, selector: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def case_action(page, action: str) -> None:
    post(page, f"form[action$='/{action}/'] button[type=submit]")


def success_message(page) -> str:
    return page.locator(".alert-success").first.inner_text()


@pytest.fixture
def seeded_register(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    load_reference()
    load_register()
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_full_journey(
    page,
    live_server,
    shot,
    seeded_register,
    case_officer,
    reviewer,
    second_reviewer,
    approver,
    register_admin,
    lang,
    tmp_path,
):
    text = TEXT[lang]
    base = f"{live_server.url}/{lang}"
    staff = (case_officer, reviewer, second_reviewer, approver, register_admin)
    for person in staff:
        person.preferred_language = lang
        person.save(update_fields=["preferred_language"])
    industry = Industry.objects.get(code=INDUSTRY)
    today = timezone.localdate()
    assert not Appointment.objects.filter(industry=industry, first_start__lte=today, current_end__gte=today).exists()
    step = iter(range(1, 100))

    def snap(name: str) -> None:
        shot(page, f"journey-{lang}-{next(step):02d}-{name}")

    # 1. The public register: the industry's only agency is shown as expired.
    page.goto(f"{base}/register/?industry={INDUSTRY}")
    entries = page.locator("div.register-entry")
    assert entries.count() == 1
    assert text["industry"] in entries.first.inner_text()
    assert text["expired"] in entries.first.locator(".badge").inner_text()
    snap("register")

    # 2. The applicant signs up and confirms the address through the link in the e-mail.
    email = f"applicant-{lang}@example.org"
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=full_name]", "Chan Tai Man")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    snap("signup")
    post(page, "main form button[type=submit]")
    assert "/accounts/confirm-email/" in page.url
    snap("verify-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    mail.outbox.clear()
    page.goto(link)
    snap("confirm")
    post(page, "main form button[type=submit]")
    assert page.url.endswith(f"/{lang}/dashboard/")
    snap("dashboard")
    applicant = User.objects.get(email=email)

    # 3. The organisation and the application, for the industry with no current agency.
    page.goto(f"{base}/applications/organisations/new/")
    page.fill("input[name=name_en]", "Harbour Freight Skills Centre")
    page.fill("input[name=name_zh_hant]", "海港貨運技能中心")
    page.fill("input[name=name_zh_hans]", "海港货运技能中心")
    page.select_option("select[name=entity_type]", "education")
    page.fill("input[name=registration_number]", f"HFSC-{lang}")
    page.check("input[name=is_charity]")
    page.fill("input[name=charity_file_number]", "91/12345")
    page.fill("textarea[name=address]", "3 Container Port Road, Kwai Chung")
    page.fill("input[name=phone]", "(852) 2111-2222")
    page.fill("input[name=officers-0-name]", "Chan Tai Man")
    page.fill("input[name=officers-0-position]", "Director")
    snap("organisation-form")
    post(page, "main form button[type=submit]")
    assert text["organisation"] in page.content()
    snap("organisation")

    page.goto(f"{base}/applications/new/rpl/")
    page.select_option("select[name=industry]", label=text["industry"])
    page.fill("textarea[name=fee_policy]", "HK$900 per candidate, set to recover costs only.")
    snap("start")
    post(page, "main form button[type=submit]")
    application = Application.objects.get(organisation__registration_number=f"HFSC-{lang}")
    assert application.industry == industry
    assert page.url.endswith(f"/applications/{application.pk}/")
    snap("checklist-empty")

    # 4. A narrative and a real PDF for each of the seven criteria.
    criteria = list(application.criteria_set.criteria.order_by("order"))
    assert len(criteria) == 7
    for criterion in criteria:
        page.goto(f"{base}/applications/{application.pk}/criteria/{criterion.pk}/")
        page.fill(
            "textarea[name=narrative]", f"Our evidence for criterion {criterion.code}: twelve years of trade tests."
        )
        if criterion.code == "1":
            snap("evidence")
        post(page, "main form button[type=submit]")
        post(page, "main a[href*='documents/?criterion=']")
        path = tmp_path / f"{lang}-criterion-{criterion.code}.pdf"
        path.write_bytes(real_pdf(f"Evidence for criterion {criterion.code}"))
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=title]", f"Evidence {criterion.code}")
        assert page.locator(f"input[name=criteria][value='{criterion.pk}']").is_checked()
        if criterion.code == "1":
            snap("upload")
        post(page, "main form[enctype] button[type=submit]")
        assert page.url.endswith(f"/criteria/{criterion.pk}/")
        assert f"Evidence {criterion.code}" in page.content()
    assert Document.objects.filter(application=application).count() == 7
    page.goto(f"{base}/applications/{application.pk}/")
    assert page.locator("table.checklist .badge.text-bg-success").count() == 7
    snap("checklist-complete")

    # 5. Submit with the declaration; the reference is shown.
    page.goto(f"{base}/applications/{application.pk}/submit/")
    page.check("input[name=declaration]")
    snap("submit")
    post(page, "#submit-form button[type=submit]")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert page.url.endswith(f"/applications/{application.pk}/status/")
    assert application.reference in success_message(page)
    snap("submitted")
    # the acknowledgement receipt is a letter, announced with its link
    assert_messages(applicant, {"application.submitted": 1, "letter.issued": 1}, lang)
    assert_messages(case_officer, {"application.submitted": 1}, lang)

    # 6. The case officer screens it and returns it for information on criterion 5.
    criterion_5 = next(c for c in criteria if c.code == "5")
    reply_by = today + timedelta(days=14)
    as_staff(page, live_server, case_officer)
    page.goto(f"{base}/review/")
    snap("officer-queue")
    post(page, f"text={application.reference}")
    case_action(page, "start-screening")
    page.locator("details", has=page.locator("form[action$='/return/']")).locator("summary").click()
    page.fill(f"#id_missing_{criterion_5.pk}", "Give the pass rates of your trade tests for the last three years.")
    page.fill("#id_reply_by", reply_by.isoformat())
    page.fill("#id_message", "Please add the figures and resubmit.")
    snap("screening-return")
    case_action(page, "return")
    application.refresh_from_db()
    assert application.state == "returned"
    snap("returned")
    assert_messages(
        applicant, {"application.submitted": 1, "application.information_requested": 1, "letter.issued": 2}, lang
    )

    # 7. The applicant signs in, sees the request, answers it in place and resubmits.
    page.context.clear_cookies()
    login(page, live_server, applicant, PASSWORD, lang)
    page.goto(f"{base}/messages/")
    snap("applicant-messages")
    request_message = Message.objects.get(recipient=applicant, event="application.information_requested")
    post(page, f"text={request_message.subject}")
    assert "pass rates" in page.locator("main").inner_text()
    snap("applicant-message")
    post(page, "main a.btn-primary")
    assert page.url.endswith(f"/applications/{application.pk}/status/")
    card = page.locator("article.card").first
    with translation.override(lang):
        assert f"{criterion_5.code}. {criterion_5.title}" in card.inner_text()
    assert "pass rates" in card.inner_text()
    assert reply_by.strftime("%-d.%-m.%Y") in card.inner_text()
    snap("request")
    card.locator("textarea").fill("Pass rates: 2023 81%, 2024 84%, 2025 86%.")
    post(page, "article.card form button[type=submit]")
    snap("answered")
    # resubmission asks on a page of its own, with the declaration again
    post(page, f"a[href$='/applications/{application.pk}/resubmit/']")
    snap("resubmit-declaration")
    page.check("input[name=declaration]")
    post(page, "#resubmit-form button[type=submit]")
    application.refresh_from_db()
    assert application.state == "submitted"
    snap("resubmitted")
    assert_messages(case_officer, {"application.submitted": 1, "application.resubmitted": 1}, lang)

    # 8. The case officer screens again and sends it to review with two reviewers.
    as_staff(page, live_server, case_officer)
    page.goto(f"{base}/review/cases/{application.pk}/")
    case_action(page, "start-screening")
    assert "Pass rates: 2023 81%, 2024 84%, 2025 86%." in page.locator(".case-request").inner_text()
    assert page.locator(".case-criterion-documents a").count() == 7
    snap("screening-again")
    case_action(page, "send-to-review")
    page.select_option("#id_reviewers", [str(reviewer.pk), str(second_reviewer.pk)])
    page.fill("#id_due_on", (today + timedelta(days=21)).isoformat())
    case_action(page, "invite")
    application.refresh_from_db()
    assert application.state == "under_review"
    snap("invited")
    for person in (reviewer, second_reviewer):
        assert_messages(person, {"review.invited": 1}, lang)

    # 9. Both reviewers declare no conflict, accept and score; they disagree on criterion 5.
    for number, (person, score_5) in enumerate(((reviewer, 4), (second_reviewer, 2)), start=1):
        as_staff(page, live_server, person)
        page.goto(f"{base}/review/assignments/")
        post(page, f"text={application.reference}")
        page.check("#id_has_conflict_0")
        page.check("#id_answer_0")
        snap(f"reviewer-{number}-declaration")
        post(page, "form[action$='/respond/'] button[type=submit]")
        evidence_5 = page.get_by_role("link", name="Evidence 5", exact=True).first
        download = page.request.get(live_server.url + evidence_5.get_attribute("href"))
        assert download.ok and download.body() == real_pdf("Evidence for criterion 5")
        for criterion in criteria:
            if criterion.is_gate:
                page.select_option(f"#id_verdict_{criterion.pk}", "met")
            else:
                page.select_option(f"#id_score_{criterion.pk}", str(score_5 if criterion.code == "5" else 3))
            page.fill(f"#id_reason_{criterion.pk}", f"Reviewer {number} on criterion {criterion.code}.")
        snap(f"reviewer-{number}-scores")
        post(page, "button[name=submit_review]")
        snap(f"reviewer-{number}-submitted")
    assert_messages(
        case_officer,
        {"application.submitted": 1, "application.resubmitted": 1, "review.submitted": 2, "review.all_in": 1},
        lang,
    )

    # 10. The case officer moderates the flagged criterion and recommends.
    as_staff(page, live_server, case_officer)
    page.goto(f"{base}/review/cases/{application.pk}/")
    forms = page.locator("form.moderation-form")
    assert forms.count() == 1
    page.select_option(f"#id_m{criterion_5.pk}-score", "3")
    page.fill(f"#id_m{criterion_5.pk}-rationale", "The pass-rate figures support a 3.")
    snap("moderation")
    post(page, "form.moderation-form button[type=submit]")
    page.check("#id_outcome_0")
    page.fill("#id_summary", "Meets both gates; a strong network in the logistics trade.")
    snap("recommendation")
    case_action(page, "recommend")
    application.refresh_from_db()
    assert application.state == "recommended"
    assert_messages(approver, {"application.recommended": 1}, lang)

    # 11. The approver records the determination and the considerations and appoints with a term.
    term_start, term_end = today, today.replace(year=today.year + 5) - timedelta(days=1)
    as_staff(page, live_server, approver)
    page.goto(f"{base}/review/approvals/")
    snap("approvals")
    post(page, f"text={application.reference}")
    page.fill("#id_det-determined_on", today.isoformat())
    page.select_option("#id_det-outcome", "competent")
    page.fill("#id_det-report_reference", f"HKCAAVQ/AA/{today.year}/{lang}")
    case_action(page, "determination")
    page.fill("#id_con-industry_views", "The logistics associations support the application.")
    page.fill("#id_con-industry_characteristics", "Many small firms; shift work at the port.")
    case_action(page, "considerations")
    page.fill("#id_apt-term_start", term_start.isoformat())
    page.fill("#id_apt-term_end", term_end.isoformat())
    page.fill("#id_apt-conditions", "Report to the Secretary every year.")
    snap("decision")
    case_action(page, "appoint")
    application = Application.objects.select_related("appointment").get(pk=application.pk)
    assert application.state == "appointed"
    appointment = application.appointment
    assert (appointment.industry, appointment.is_published) == (industry, False)
    snap("appointed")
    # letters: the receipts of the submission and the resubmission, the request, the appointment
    assert_messages(
        applicant,
        {
            "application.submitted": 1,
            "application.information_requested": 1,
            "application.resubmitted": 1,
            "application.decided": 1,
            "letter.issued": 4,
        },
        lang,
    )

    assert_messages(register_admin, {"appointment.to_publish": 1}, lang)

    # 12. The register administrator is told, finds it among the unpublished appointments and publishes it.
    as_staff(page, live_server, register_admin)
    page.goto(f"{base}/messages/")
    snap("admin-messages")
    post(page, f"text={Message.objects.get(recipient=register_admin).subject}")
    post(page, "main a.btn-primary")
    assert page.url.endswith(f"/{lang}/register/manage/{appointment.pk}/")
    page.goto(f"{base}/register/manage/?published=no")
    assert page.locator("tbody tr").count() == 1
    snap("manage-list")
    post(page, f"text={text['organisation']}")
    assert page.url.endswith(f"/register/manage/{appointment.pk}/")
    snap("manage-detail")
    # every public text in the three languages before publishing (the texts page writes them through
    # this service; the journey's subject here is publication)
    from agencies.public_texts import appointment_texts_save, public_texts

    appointment_texts_save(
        appointment=appointment,
        actor=register_admin,
        values={
            text.key: {
                language: value or next((v for v in text.values.values() if v), "")
                for language, value in text.values.items()
            }
            for text in public_texts(appointment=appointment)
        },
    )
    page.goto(f"{base}/register/manage/{appointment.pk}/confirm/publish/")
    post(page, f"form[action$='/manage/{appointment.pk}/publish/'] button[type=submit]")
    appointment.refresh_from_db()
    assert appointment.is_published
    snap("published")

    # 13. The public register shows the new agency for the industry, current, with its term.
    page.context.clear_cookies()
    page.goto(f"{base}/register/?industry={INDUSTRY}")
    entry = page.locator("div.register-entry", has_text=text["organisation"])
    assert entry.count() == 1
    assert entry.locator(".badge").inner_text() == text["current"]
    term = f"{term_start:%-d.%-m.%Y} - {term_end:%-d.%-m.%Y}"
    assert term in entry.inner_text()
    assert text["industry"] in entry.inner_text()
    snap("register-after")

    # Everyone got what was meant for them, once, in their language.
    assert_messages(
        applicant,
        {
            "application.submitted": 1,
            "application.information_requested": 1,
            "application.resubmitted": 1,
            "application.decided": 1,
            "appointment.published": 1,
            "letter.issued": 4,
        },
        lang,
    )
    assert_messages(
        case_officer,
        {"application.submitted": 1, "application.resubmitted": 1, "review.submitted": 2, "review.all_in": 1},
        lang,
    )
    for person in (reviewer, second_reviewer):
        assert_messages(person, {"review.invited": 1}, lang)
    assert_messages(approver, {"application.recommended": 1}, lang)
    assert_messages(register_admin, {"appointment.to_publish": 1}, lang)
