"""Letters on the pages, their downloads, the approver's preview and the public verification page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEntry
from letters.enums import LetterKind
from letters.models import Letter
from reviews import services

from .conftest import TERM_END, TERM_START, pdf_text, squeeze, stored_pdf


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def letter(decidable_case, approver, run_on_commit):
    run_on_commit(
        services.case_appoint, application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    return Letter.objects.get(kind=LetterKind.APPOINTMENT)


def test_letter_download_by_its_addressee_and_staff_audited(letter, applicant, case_officer, approver):
    url = f"/en/letters/{letter.pk}/download/"
    for user in (applicant, case_officer, approver):
        response = client_for(user).get(url)
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert data == stored_pdf(letter)
        assert response["Content-Type"] == "application/pdf"
        assert {d.strip() for d in response["Cache-Control"].split(",")} == {"no-store", "private"}
    assert (
        AuditEntry.objects.filter(action="letters.letter.opened", object_id=str(letter.pk), outcome="done").count() == 3
    )


def test_letter_download_refused_is_404_and_audited(letter, other_applicant, reviewer, register_admin):
    url = f"/en/letters/{letter.pk}/download/"
    for user in (other_applicant, reviewer, register_admin):
        assert client_for(user).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="letters.letter.opened", outcome="refused").count() == 3
    assert client_for().get(url).status_code == 302  # to the sign-in page
    assert client_for(other_applicant).get("/en/letters/999999/download/").status_code == 404


def test_letters_are_listed_on_the_status_page_and_the_case_page(letter, applicant, case_officer):
    status = client_for(applicant).get(f"/en/applications/{letter.application_id}/status/")
    assert f"/en/letters/{letter.pk}/download/" in status.content.decode()
    assert letter.code in status.content.decode()
    case = client_for(case_officer).get(f"/en/review/cases/{letter.application_id}/")
    assert f"/en/letters/{letter.pk}/download/" in case.content.decode()


def _appoint_form(application):
    return {
        "apt-term_start": "2027-04-01",
        "apt-term_end": "2032-03-31",
        "apt-conditions": "Preview conditions.",
        "expected_state": application.state,
    }


def test_approver_previews_the_letter_without_issuing_it(decidable_case, approver, private_root):
    response = client_for(approver).post(
        f"/en/letters/cases/{decidable_case.pk}/preview/appointment/", _appoint_form(decidable_case)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.content))
    assert "Preview:thisdocumenthasnotbeenissued." in text
    assert "1April2027–31March2032" in text and "Previewconditions." in text
    assert not Letter.objects.exists()
    assert not (private_root / "letters").exists()
    decidable_case.refresh_from_db()
    assert decidable_case.state == "recommended"


def test_refusal_preview_shows_the_reasons(decidable_case, approver):
    criterion = decidable_case.criteria_set.criteria.order_by("order").first()
    response = client_for(approver).post(
        f"/en/letters/cases/{decidable_case.pk}/preview/refusal/", {f"rej-reason_{criterion.pk}": "Not shown."}
    )
    assert response.status_code == 200, response.content[:300]
    assert "Notshown." in squeeze(pdf_text(response.content))


def test_preview_only_for_the_deciding_approver(decidable_case, case_officer, applicant):
    url = f"/en/letters/cases/{decidable_case.pk}/preview/appointment/"
    assert client_for(applicant).post(url, _appoint_form(decidable_case)).status_code == 404
    assert client_for(case_officer).post(url, _appoint_form(decidable_case)).status_code == 403
    assert not Letter.objects.exists()


# -- verification ------------------------------------------------------------------------------------
def test_verification_page_shows_what_the_letter_is(letter, applicant):
    response = client_for().get(f"/en/verify/{letter.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Letter of appointment" in page
    assert letter.reference in page and letter.sha256 in page
    assert "1.4.2027 – 31.3.2032" in page
    assert letter.agency_name in page
    # nothing personal: not the applicant's name or address, not the approver
    assert applicant.email not in page and applicant.full_name not in page
    zh = client_for().get(f"/zh-hant/verify/{letter.code}/").content.decode()
    assert "委任信" in zh


@pytest.mark.parametrize(
    "code",
    [
        "0000-0000-0000-0000",  # well formed, unknown
        "RPL-2026-9000",  # another kind of code (an application's reference)
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345",  # too long
        "ABCD-EFGH-JKMN-PQR%2A",  # odd characters
        "abcd-efgh-ijkl-mnop",  # letters the alphabet leaves out
        "1",
    ],
)
def test_unknown_or_malformed_codes_are_404_revealing_nothing(letter, code):
    response = client_for().get(f"/en/verify/{code}/")
    assert response.status_code == 404
    assert letter.reference not in response.content.decode()


def test_lower_case_code_is_the_same_letter(letter):
    assert client_for().get(f"/en/verify/{letter.code.lower()}/").status_code == 200


def _upload(data: bytes, name="letter.pdf"):
    return {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}


def test_uploading_the_issued_pdf_confirms_it(letter, private_root):
    before = sorted(p for p in private_root.rglob("*") if p.is_file())
    response = client_for().post(f"/en/verify/{letter.code}/check/", _upload(stored_pdf(letter)))
    assert response.status_code == 200
    assert "unaltered copy" in response.content.decode()
    assert sorted(p for p in private_root.rglob("*") if p.is_file()) == before


def test_a_forged_pdf_is_not_a_letter_of_the_bureau_and_nothing_is_stored(letter, private_root):
    genuine = stored_pdf(letter)
    forged = genuine[:100] + b"% altered\n" + genuine[100:]
    before = sorted(p for p in private_root.rglob("*") if p.is_file())
    letters = Letter.objects.count()
    response = client_for().post(f"/en/verify/{letter.code}/check/", _upload(forged))
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a letter of the bureau" in page
    assert sorted(p for p in private_root.rglob("*") if p.is_file()) == before
    assert Letter.objects.count() == letters


def test_check_of_an_unknown_code_is_404(letter):
    assert client_for().post("/en/verify/0000-0000-0000-0000/check/", _upload(b"%PDF-1.4")).status_code == 404


def test_verification_is_rate_limited_per_address(letter):
    from letters.views import VERIFY_PER_MINUTE

    client = client_for()
    answers = [client.get(f"/en/verify/{letter.code}/").status_code for _ in range(VERIFY_PER_MINUTE + 2)]
    assert answers[:VERIFY_PER_MINUTE] == [200] * VERIFY_PER_MINUTE
    assert answers[-1] == 429
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get(f"/en/verify/{letter.code}/").status_code == 200


def test_rate_limit_fails_open_without_the_cache(letter, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    assert client_for().get(f"/en/verify/{letter.code}/").status_code == 200
