"""The Celery application. Without a broker configured, tasks run in-process (eager).

`make worker` and `make beat` run the real processes against REDIS_URL; the schedule is the
static CELERY_BEAT_SCHEDULE in settings.
"""

import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qfapp.settings")

app = Celery("qfapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Scheduler(PersistentScheduler):
    """Beat's own scheduler, creating the directory of its state file (var/) if missing."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
