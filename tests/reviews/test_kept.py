"""Nothing typed on the staff side is lost: refused forms come back filled in, and so do forms
posted after the session ended, once the person has signed in again; the approver sees the steps."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from applications.models import Application
from reviews.models import CriterionScore

from .conftest import criteria


def _post(client, case, action, data):
    return client.post(reverse("reviews:case_action", args=[case.pk, action]), data)


def test_a_refused_appointment_keeps_the_typed_term_and_conditions(client, recommended_case, approver):
    client.force_login(approver)
    response = _post(
        client,
        recommended_case,
        "appoint",
        {
            "expected_state": "recommended",
            "apt-term_start": "2027-04-01",
            "apt-term_end": "2032-03-31",
            "apt-conditions": "Annual RPL statistics by 31 July.",
        },
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=recommended_case.pk).state == "recommended"  # refused: no determination
    page = client.get(reverse("reviews:case", args=[recommended_case.pk])).content.decode()
    assert 'value="2027-04-01"' in page and 'value="2032-03-31"' in page
    assert "Annual RPL statistics by 31 July." in page
    # shown once: the next visit starts from the recorded state again
    again = client.get(reverse("reviews:case", args=[recommended_case.pk])).content.decode()
    assert "Annual RPL statistics by 31 July." not in again


def test_invalid_considerations_keep_what_was_typed(client, recommended_case, approver):
    client.force_login(approver)
    _post(
        client,
        recommended_case,
        "considerations",
        {"con-industry_views": "The ITAC supports it.", "con-fee_policy": ""},
    )
    page = client.get(reverse("reviews:case", args=[recommended_case.pk])).content.decode()
    assert "The ITAC supports it." in page


def test_the_decision_steps_show_in_order_with_their_state(client, recommended_case, approver):
    client.force_login(approver)
    page = client.get(reverse("reviews:case", args=[recommended_case.pk])).content.decode()
    first = page.index("HKCAAVQ competence determination")
    second = page.index("Considerations (Cap. 592 s.8(2))")
    assert first < second < page.index("Waiting for the steps above.")
    assert "Not recorded yet: record it first." in page


def test_considerations_posted_after_the_session_ended_survive_sign_in(client, recommended_case, approver):
    url = reverse("reviews:case_action", args=[recommended_case.pk, "considerations"])
    response = client.post(url, {"con-industry_views": "Typed before the session ended.", "con-fee_policy": "Cost"})
    case_url = reverse("reviews:case", args=[recommended_case.pk])
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={case_url}"
    client.force_login(approver)
    assert SESSION_KEY in client.session
    page = client.get(case_url).content.decode()
    assert "Typed before the session ended." in page


def test_scores_posted_after_the_session_ended_survive_sign_in(client, accepted, reviewer):
    assignment = accepted[0]
    merit = next(c for c in criteria(assignment.application).values() if not c.is_gate)
    url = reverse("reviews:assignment", args=[assignment.pk])
    client.post(url, {f"score_{merit.pk}": "3", f"reason_{merit.pk}": "Strong network, letters from five employers."})
    assert not CriterionScore.objects.filter(assignment=assignment).exists()
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert "Strong network, letters from five employers." in page
    assert "They are not saved yet." in page
