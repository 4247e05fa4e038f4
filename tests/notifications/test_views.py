"""The in-app list, reading, the unread count and the e-mail preference."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notifications import events
from notifications.models import Message
from notifications.services import notify


def _message(user, n: int = 1, event: str = events.SUBMISSION_RECEIVED) -> Message:
    return notify(event=event, recipients=[user], context={"reference": f"RPL-2026-{n:04d}"}, key=f"view-{n}")[0]


def test_list_shows_only_own_messages(client, applicant, other_applicant):
    mine = _message(applicant, 1)
    theirs = _message(other_applicant, 2)
    client.force_login(applicant)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [mine]
    assert "RPL-2026-0001" in response.content.decode()
    assert "RPL-2026-0002" not in response.content.decode()
    client.force_login(other_applicant)
    response = client.get(reverse("notifications:list"))
    assert list(response.context["page_obj"]) == [theirs]


def test_list_requires_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_users_message_is_404(client, applicant, other_applicant):
    theirs = _message(other_applicant, 2)
    client.force_login(applicant)
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.force_login(other_applicant)
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 200


def test_opening_a_message_marks_it_read(client, applicant):
    message = _message(applicant)
    client.force_login(applicant)
    response = client.get(reverse("notifications:detail", args=[message.pk]))
    assert response.status_code == 200
    assert "RPL-2026-0001" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None


def test_mark_read_and_mark_all_read(client, applicant, other_applicant):
    first, second, third = _message(applicant, 1), _message(applicant, 2), _message(applicant, 3)
    theirs = _message(other_applicant, 4)
    client.force_login(applicant)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert Message.objects.filter(recipient=applicant, read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert Message.objects.filter(recipient=applicant, read_at__isnull=True).count() == 0
    for message in (second, third):
        message.refresh_from_db()
        assert message.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_refuses_get(client, applicant):
    message = _message(applicant)
    client.force_login(applicant)
    assert client.get(reverse("notifications:mark_read", args=[message.pk])).status_code == 405


def test_unread_count_in_navigation(client, applicant, other_applicant):
    read, _unread, _unread_too = (_message(applicant, n) for n in range(3))
    _message(other_applicant, 9)
    Message.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(applicant)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="/en/messages/">Messages <span class="badge text-bg-primary rounded-pill">2<' in html
    client.force_login(other_applicant)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="/en/messages/">Messages <span class="badge text-bg-primary rounded-pill">1<' in html


def test_unread_count_absent_when_all_read(client, applicant):
    client.force_login(applicant)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="/en/messages/">Messages</a>' in html


def test_dashboard_section_lists_unread(client, applicant):
    _message(applicant, 1)
    client.force_login(applicant)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert 'id="dashboard-messages"' in html
    assert "[HKQF] Application received – RPL-2026-0001" in html


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow(client, applicant, django_assert_num_queries, count):
    for n in range(count):
        _message(applicant, n)
    client.force_login(applicant)
    client.get(reverse("notifications:list"))  # warm the session and the user
    # session, user, count for the navigation, count for the paginator, the page.
    with django_assert_num_queries(6):  # includes the staff two-factor check of the roles
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page_obj"]) == min(count, 25)


def test_list_in_chinese(client, applicant):
    applicant.preferred_language = "zh-hant"
    applicant.save()
    _message(applicant, 1)
    client.force_login(applicant)
    html = client.get("/zh-hant/messages/").content.decode()
    assert '<h1 class="h2 mb-0">訊息</h1>' in html
    assert "[HKQF] 已收到申請 – RPL-2026-0001" in html


def test_preferences_switch_to_digest(client, applicant, other_applicant):
    client.force_login(applicant)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    response = client.post(reverse("notifications:preferences"), {"delivery": "digest"}, follow=True)
    assert "Your e-mail preference is saved." in response.content.decode()
    applicant.refresh_from_db()
    other_applicant.refresh_from_db()
    assert applicant.notification_delivery == "digest"
    assert other_applicant.notification_delivery == "immediate"
    entry = AuditEntry.objects.get(action="notifications.delivery.changed")
    assert (entry.actor, entry.from_state, entry.to_state) == (applicant, "immediate", "digest")
    digest = _message(applicant, 5, events.REVIEW_SUBMITTED)
    urgent = _message(applicant, 6, events.INFORMATION_REQUESTED)
    assert digest.state == Message.State.DIGEST
    assert urgent.state == Message.State.PENDING


def test_preferences_bad_input_is_explained(client, applicant):
    client.force_login(applicant)
    response = client.post("/zh-hant/messages/preferences/", {"delivery": "hourly"})
    assert response.status_code == 200
    assert "請選擇其中一個選項。" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.notification_delivery == "immediate"


def test_unread_count_is_one_query_per_page(client, applicant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(4):
        _message(applicant, n)
    client.force_login(applicant)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("dashboard")).content.decode()
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "notifications_message" in q["sql"]]
    assert len(counts) == 1
    assert html.count('rounded-pill">4<') == 2  # the navigation and the dashboard section
