"""Background work of the letters app. Every task is safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import dossier


@shared_task(
    name="letters.build_dossier",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.DOSSIER_MAX_SECONDS + 30,
    time_limit=settings.DOSSIER_MAX_SECONDS + 60,
)
def build_dossier(dossier_id: int) -> str:
    """Build a requested dossier; a redelivered task (the worker died) restarts the build from nothing."""
    return dossier.build(dossier_id=dossier_id)
