"""The outbox in the admin: support can answer "was the e-mail sent?"."""

from django.contrib.auth.models import Permission

from notifications import events, services
from notifications.models import Message

URL = "/en/admin/notifications/message/"


def _messages(applicant, case_officer):
    sent = services.notify(event=events.SUBMISSION_RECEIVED, recipients=[applicant], context={}, key="a")[0]
    failed = services.notify(event=events.REVIEWER_INVITED, recipients=[case_officer], context={}, key="b")[0]
    pending = services.notify(event=events.TERM_ENDED, recipients=[applicant], context={}, key="c")[0]
    Message.objects.filter(pk=sent.pk).update(state=Message.State.SENT)
    Message.objects.filter(pk=failed.pk).update(
        state=Message.State.FAILED, attempts=6, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )
    return sent, failed, pending


def test_outbox_lists_states_and_errors(admin_client, applicant, case_officer):
    _messages(applicant, case_officer)
    html = admin_client.get(URL).content.decode()
    assert "SMTPRecipientsRefused: mailbox unavailable" in html
    assert html.count('class="field-recipient_email"') == 3


def test_outbox_filters_and_search(admin_client, applicant, case_officer):
    sent, failed, pending = _messages(applicant, case_officer)
    assert list(admin_client.get(URL, {"state": "failed"}).context["cl"].result_list) == [failed]
    assert list(admin_client.get(URL, {"event": events.TERM_ENDED}).context["cl"].result_list) == [pending]
    found = admin_client.get(URL, {"q": applicant.email}).context["cl"].result_list
    assert sorted(m.pk for m in found) == sorted([sent.pk, pending.pk])
    found = admin_client.get(URL, {"q": failed.idempotency_key}).context["cl"].result_list
    assert list(found) == [failed]


def test_message_page_is_read_only(admin_client, applicant, case_officer):
    sent, _failed, _pending = _messages(applicant, case_officer)
    response = admin_client.get(f"{URL}{sent.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = admin_client.post(f"{URL}{sent.pk}/change/", {"state": "pending"})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.state == Message.State.SENT


def test_retry_action_resends_only_failed(admin_client, applicant, case_officer, django_capture_on_commit_callbacks):
    from django.core import mail

    sent, failed, pending = _messages(applicant, case_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            URL, {"action": "retry_failed", "_selected_action": [sent.pk, failed.pk]}, follow=True
        )
    assert "1 failed message will be sent again." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == Message.State.SENT
    assert sent.state == Message.State.SENT
    assert [e.to for e in mail.outbox] == [[case_officer.email]]


def test_outbox_is_closed_to_others(client, applicant, case_officer, register_admin):
    client.force_login(applicant)
    assert client.get(URL).status_code == 302
    client.force_login(register_admin)  # staff, without the outbox permission
    assert client.get(URL).status_code == 403
    register_admin.user_permissions.add(Permission.objects.get(codename="view_message"))
    client.force_login(register_admin)
    assert client.get(URL).status_code == 200
