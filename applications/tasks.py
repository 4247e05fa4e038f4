"""Background work of the applications app. Every task is safe to run twice."""

from celery import shared_task

from .services.documents import document_orphans_sweep


@shared_task(name="applications.sweep_orphan_files", acks_late=True, reject_on_worker_lost=True)
def sweep_orphan_files() -> int:
    """Daily: remove stored files left without a document row (an upload interrupted mid-way)."""
    return len(document_orphans_sweep())
