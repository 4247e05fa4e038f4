"""Writing messages to the outbox, delivering them, the daily digest and the term notices.

Delivery guarantees, in short:
- A message row is written in the transaction of the change that causes it, so it exists if and
  only if the change committed. After commit a Celery task is published; if the broker is down the
  publish fails within the bounded broker timeouts, the row stays `pending` and the periodic retry
  (`notifications.retry_pending`, every minute) delivers it once the broker is back.
- Sending moves the row pending -> sending under a row lock (committed before the mail is handed
  to SMTP) and sending -> sent afterwards, so two tasks for the same row send one e-mail.
- A row left in `sending` (the worker died between the lock and the end of the send) is put back to
  `pending` after SENDING_STALE_AFTER and sent again. The risk, accepted so that nothing is lost: if
  the SMTP server had already accepted the mail when the worker died, the person gets it twice. The
  copy carries the same Message-ID header, which lets mail clients show it once.
"""

import logging
import re
import time
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accounts.roles import REGISTER_ADMIN
from qfapp.site import site_url

from . import events
from .events import DIGESTIBLE, LABELS
from .models import Message, TermNotice

log = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = [60, 300, 900, 3600, 6 * 3600]
MAX_ATTEMPTS = len(RETRY_BACKOFF_SECONDS) + 1
# Far longer than a send can take (EMAIL_TIMEOUT is 10 s), so only a dead worker's row is this old.
SENDING_STALE_AFTER = timedelta(minutes=15)
# After a failed publish, this process skips the broker for a while: requests do not each wait
# for the broker timeout during an outage, and the periodic retry sends what was written.
BROKER_PAUSE_SECONDS = 30
# A term that ended longer ago than this is not announced (e.g. when the register is first loaded).
TERM_ENDED_NOTICE_DAYS = 60

_broker_paused_until = 0.0


def _render(event: str, suffix: str, context: dict) -> str:
    try:
        return render_to_string(f"emails/{event}.{suffix}", context)
    except TemplateDoesNotExist:
        return render_to_string(f"emails/generic.{suffix}", context)


def _tidy(text: str) -> str:
    """Plain text without the blank lines that skipped template sections leave behind."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _path(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _localised_link(link: str, language: str) -> str:
    """The same page in the recipient's language (links are often built in the actor's)."""
    codes = {code for code, _name in settings.LANGUAGES}
    parts = link.split("/", 2)
    if len(parts) == 3 and parts[0] == "" and parts[1] in codes:
        return f"/{language}/{parts[2]}"
    return link


def _names(context: dict) -> dict:
    """The names of the organisation, scheme and industry a message is about, read in the active
    language from the appointment or application in the context (never the actor's copies)."""
    subject = context.get("appointment") or context.get("application")
    if subject is None:
        return {}
    organisation = getattr(subject, "agency", None) or getattr(subject, "organisation", None)
    names = {"organisation_name": organisation.name if organisation else "", "scheme_name": subject.scheme.name}
    names["industry_name"] = subject.industry.name if subject.industry_id else ""
    return names


def render_message(*, event: str, recipient, context: dict, link: str = "") -> dict:
    """Subject, text and HTML of an event's message for one person, all in their language.

    Lazy values in the context (notifications.text) and the names of the application or appointment
    it names are put into words here, inside the recipient's language.
    """
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        link = _localised_link(link, language)
        ctx = {
            **context,
            **_names(context),
            "recipient": recipient,
            "event_label": LABELS.get(event, event),
            "link": link,
            "site_url": site_url(),
            "preferences_path": _path("notifications:preferences"),
            "LANGUAGE_CODE": language,
        }
        return {
            "language": language,
            "link": link,
            "subject": " ".join(_render(event, "subject.txt", ctx).split())[:255],
            "body_text": _tidy(_render(event, "txt", ctx)),
            "body_html": _render(event, "html", ctx),
        }


def notify(*, event: str, recipients: Iterable, context: dict, key: str, link: str = "") -> list[Message]:
    """Write one outbox row per recipient in the caller's transaction; delivery starts after commit.

    `key` identifies the occurrence (for example the audit row id): the same event and key for the
    same person never makes a second message. Never raises for a broker failure.
    """
    created: list[Message] = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        rendered = render_message(event=event, recipient=user, context=context, link=link)
        digest = event in DIGESTIBLE and user.notification_delivery == user.Delivery.DIGEST
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    recipient=user,
                    event=event,
                    idempotency_key=f"{event}:{key}:{user.pk}"[:200],
                    state=Message.State.DIGEST if digest else Message.State.PENDING,
                    **rendered,
                )
        except IntegrityError:
            continue  # this occurrence was already written for this person
        created.append(message)
        if not digest:
            transaction.on_commit(lambda pk=message.pk: enqueue_delivery(pk))
    return created


def broker_reset_pause() -> None:
    """Forget an earlier broker failure (the next delivery tries the broker again at once)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def enqueue_delivery(message_id: int) -> bool:
    """Hand a message to the broker; if the broker is down, the periodic retry picks it up.

    Returns whether the task was published. Bounded by the broker timeouts in settings.
    """
    global _broker_paused_until
    from .tasks import deliver_message

    if time.monotonic() < _broker_paused_until:
        return False
    try:
        deliver_message.apply_async(args=[message_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row pending
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        log.warning("Broker unavailable, message %s stays pending: %s", message_id, exc)
        return False
    return True


def _message_id_header(message: Message) -> str:
    domain = urlsplit(site_url()).hostname or "localhost"
    return f"<qf-message-{message.pk}@{domain}>"


def message_deliver(*, message_id: int) -> bool:
    """Send one pending message at most once. Returns True if this call sent it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=message_id, state=Message.State.PENDING)
            .first()
        )
        if message is None:
            return False  # already sent, being sent, failed for good, or waiting for the digest
        message.state = Message.State.SENDING
        message.attempts += 1
        message.sending_since = now
        message.save(update_fields=["state", "attempts", "sending_since"])
    try:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient.email],
            headers={"Message-ID": _message_id_header(message), "X-QF-Message-Key": message.idempotency_key},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        email.send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is recorded and retried
        _record_failure(message, exc)
        return False
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
    )
    return True


def _record_failure(message: Message, exc: Exception) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        state, next_at = Message.State.FAILED, None
    else:
        delay = RETRY_BACKOFF_SECONDS[min(message.attempts - 1, len(RETRY_BACKOFF_SECONDS) - 1)]
        state, next_at = Message.State.PENDING, timezone.now() + timedelta(seconds=delay)
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    Message.objects.filter(pk=message.pk).update(
        state=state, next_attempt_at=next_at, sending_since=None, last_error=error
    )


def messages_release_stale() -> int:
    """Put back to `pending` the rows a dead worker left in `sending` (see the module docstring)."""
    cutoff = timezone.now() - SENDING_STALE_AFTER
    return Message.objects.filter(state=Message.State.SENDING, sending_since__lt=cutoff).update(
        state=Message.State.PENDING,
        sending_since=None,
        next_attempt_at=None,
        last_error="Delivery was interrupted (worker lost); sending again.",
    )


def messages_due_ids(*, limit: int = 500) -> list[int]:
    """Pending messages whose next attempt is due, oldest first."""
    now = timezone.now()
    return list(
        Message.objects.filter(state=Message.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def messages_retry_failed(*, message_ids: Iterable[int], actor) -> int:
    """Give failed messages a fresh set of attempts (support's "send again"). Returns how many."""
    from audit.services import audit_record

    rows = list(Message.objects.select_for_update().filter(pk__in=list(message_ids), state=Message.State.FAILED))
    for message in rows:
        message.state = Message.State.PENDING
        message.attempts = 0
        message.next_attempt_at = None
        message.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(
            action="notifications.message.retried", obj=message, actor=actor, from_state="failed", to_state="pending"
        )
        transaction.on_commit(lambda pk=message.pk: enqueue_delivery(pk))
    return len(rows)


@transaction.atomic
def message_mark_read(*, message: Message, actor) -> Message:
    """Mark the actor's own message read (idempotent)."""
    if message.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor read. Returns how many."""
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def user_set_delivery(*, user, delivery: str, actor) -> None:
    """Choose immediate e-mail or the daily digest for the digestible events (one's own only)."""
    from audit.services import audit_record

    if delivery not in user.Delivery.values:
        raise ValueError(delivery)
    if user.pk != actor.pk:
        raise PermissionError("not the user")
    previous = user.notification_delivery
    get_user_model().objects.filter(pk=user.pk).update(notification_delivery=delivery)
    user.notification_delivery = delivery
    if previous != delivery:
        audit_record(
            action="notifications.delivery.changed", obj=user, actor=actor, from_state=previous, to_state=delivery
        )


# --- The daily digest ------------------------------------------------------------------------


def digest_send(*, user_id: int) -> int:
    """Send one user's waiting digest messages as one e-mail and mark them sent. Returns how many.

    The rows move digest -> sending under a lock before the send, so a second run sends nothing;
    a failed send puts them back for the next night.
    """
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        items = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, state=Message.State.DIGEST)
            .order_by("created_at", "id")
        )
        if not items:
            return 0
        ids = [m.pk for m in items]
        Message.objects.filter(pk__in=ids).update(
            state=Message.State.SENDING, sending_since=now, attempts=F("attempts") + 1
        )
    user = User.objects.get(pk=user_id)
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {
            "recipient": user,
            "items": items,
            "site_url": site_url(),
            "messages_path": _path("notifications:list"),
            "preferences_path": _path("notifications:preferences"),
            "LANGUAGE_CODE": language,
        }
        subject = " ".join(render_to_string("emails/digest.subject.txt", ctx).split())[:255]
        body_text = _tidy(render_to_string("emails/digest.txt", ctx))
        body_html = render_to_string("emails/digest.html", ctx)
    domain = urlsplit(site_url()).hostname or "localhost"
    try:
        email = EmailMultiAlternatives(
            subject=subject,
            body=body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={"Message-ID": f"<qf-digest-{user.pk}-{ids[0]}-{ids[-1]}@{domain}>"},
        )
        email.attach_alternative(body_html, "text/html")
        email.send()
    except Exception as exc:  # noqa: BLE001 - the digest is tried again the next night
        Message.objects.filter(pk__in=ids).update(
            state=Message.State.DIGEST, sending_since=None, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        return 0
    Message.objects.filter(pk__in=ids, state=Message.State.SENDING).update(
        state=Message.State.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
    )
    return len(ids)


def digests_send_all() -> int:
    """Send every waiting digest. Returns the number of e-mails sent."""
    user_ids = (
        Message.objects.filter(state=Message.State.DIGEST).order_by().values_list("recipient_id", flat=True).distinct()
    )
    return sum(1 for user_id in list(user_ids) if digest_send(user_id=user_id))


# --- Term notices ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31.8 + 6 months = 28/29.2)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def _term_recipients(appointment):
    User = get_user_model()
    return list(
        User.objects.filter(
            Q(memberships__organisation_id=appointment.agency_id) | Q(groups__name=REGISTER_ADMIN), is_active=True
        ).distinct()
    )


def _term_context(appointment) -> dict:
    return {
        "appointment": appointment,
        "term_end": appointment.current_end,
    }


def _notice_candidates():
    from agencies.models import Appointment

    return Appointment.objects.filter(is_published=True, cancelled_on__isnull=True, current_end__isnull=False)


def term_expiry_remind(*, today: date | None = None) -> int:
    """Remind the agency's members and the register administrators of terms ending soon.

    A reminder is due from `lead` months before the current term's end (each lead in
    settings.TERM_EXPIRY_LEAD_MONTHS) until the end; a TermNotice marks it sent. When several leads
    are due at once (a skipped run, or a short term) one reminder goes out and all are marked.
    Only published, not cancelled appointments. Returns the number of reminders written.
    """
    from audit.services import audit_record

    today = today or timezone.localdate()
    leads = sorted({int(lead) for lead in settings.TERM_EXPIRY_LEAD_MONTHS if int(lead) > 0}, reverse=True)
    if not leads:
        return 0
    candidates = list(
        _notice_candidates()
        .filter(current_end__gte=today, current_end__lte=add_months(today, leads[0]))
        .select_related("agency", "industry", "scheme")
    )
    done = set(
        TermNotice.objects.filter(appointment__in=candidates, lead_months__gt=0).values_list(
            "appointment_id", "term_end", "lead_months"
        )
    )
    count = 0
    for appointment in candidates:
        end = appointment.current_end
        due = [lead for lead in leads if end <= add_months(today, lead) and (appointment.pk, end, lead) not in done]
        if not due:
            continue
        with transaction.atomic():
            marked = [lead for lead in due if _mark_notice(appointment=appointment, term_end=end, lead=lead)]
            if not marked:
                continue
            notify(
                event=events.TERM_EXPIRING,
                recipients=_term_recipients(appointment),
                context={**_term_context(appointment), "lead_months": min(marked)},
                key=f"{appointment.pk}:{end.isoformat()}:{min(marked)}",
            )
            audit_record(
                action="notifications.term.expiry_reminded",
                obj=appointment,
                data={"term_end": end.isoformat(), "lead_months": min(marked), "marked": marked},
            )
            count += 1
    return count


def terms_ended_notify(*, today: date | None = None) -> int:
    """Tell the agency's members and the register administrators that a term has ended, once per end.

    The register computes its status from dates, so nothing else is written; cached register pages
    are refreshed. Returns the number of notices written.
    """
    from agencies.services import register_changed
    from audit.services import audit_record

    today = today or timezone.localdate()
    candidates = list(
        _notice_candidates()
        .filter(current_end__lt=today, current_end__gte=today - timedelta(days=TERM_ENDED_NOTICE_DAYS))
        .exclude(
            Exists(
                TermNotice.objects.filter(
                    appointment=OuterRef("pk"), term_end=OuterRef("current_end"), lead_months=TermNotice.ENDED
                )
            )
        )
        .select_related("agency", "industry", "scheme")
    )
    count = 0
    for appointment in candidates:
        end = appointment.current_end
        with transaction.atomic():
            if not _mark_notice(appointment=appointment, term_end=end, lead=TermNotice.ENDED):
                continue
            notify(
                event=events.TERM_ENDED,
                recipients=_term_recipients(appointment),
                context=_term_context(appointment),
                key=f"{appointment.pk}:{end.isoformat()}",
            )
            audit_record(
                action="notifications.term.ended_notified", obj=appointment, data={"term_end": end.isoformat()}
            )
            count += 1
    if count:
        register_changed()
    return count


def _mark_notice(*, appointment, term_end: date, lead: int) -> bool:
    try:
        with transaction.atomic():
            TermNotice.objects.create(appointment=appointment, term_end=term_end, lead_months=lead)
    except IntegrityError:
        return False  # another run already sent it
    return True
