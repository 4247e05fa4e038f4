"""Ending a user's sessions: a deactivated account is signed out everywhere at once."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from audit.services import audit_record

AUTH_KEY = "_auth_user_id"


def user_sessions_end(*, user, actor=None) -> int:
    """Delete every unexpired session signed in as `user`; returns how many were ended."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(AUTH_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    if ended:
        audit_record(action="accounts.user.sessions_ended", obj=user, actor=actor, data={"sessions": len(ended)})
    return len(ended)


def _remember_active(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._qf_was_active = False  # new, or a save that cannot change is_active (last_login, ...)
        return
    instance._qf_was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()


def _end_sessions_on_deactivation(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_qf_was_active", False) and not instance.is_active:
        user_sessions_end(user=instance)


def connect_session_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save, pre_save

    user_model = get_user_model()
    pre_save.connect(_remember_active, sender=user_model, dispatch_uid="qfapp.sessions.remember_active")
    post_save.connect(_end_sessions_on_deactivation, sender=user_model, dispatch_uid="qfapp.sessions.end_sessions")
