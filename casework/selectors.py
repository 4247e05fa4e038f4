"""Reads of the casework app."""

from django.db.models import QuerySet

from applications.models import Application

from .models import CaseMessage, CaseNote


def case_messages(*, application: Application) -> QuerySet[CaseMessage]:
    return application.case_messages.select_related("sent_by").order_by("sent_at", "id")


def case_notes(*, application: Application) -> QuerySet[CaseNote]:
    return application.case_notes.select_related("author").order_by("created_at", "id")
