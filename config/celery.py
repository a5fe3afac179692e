"""The Celery app: settings from Django's `CELERY_` namespace, queue routing, the beat schedule."""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery
from django.conf import settings
from kombu.transport import TRANSPORT_ALIASES

# Only the queue names: importing governance's tasks or models here would load Django apps
# before settings are ready.
from governance.queues import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# The embedded broker's URL scheme, known to every process that loads the app.
TRANSPORT_ALIASES.setdefault("embedded", "config.embedded_broker:Transport")

app = Celery("tracking_plan_governance")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Each task's decorator names its queue too; the table keeps producers that send by name right.
app.conf.task_routes = {
    "governance.tasks.process_batch": {"queue": Queue.INGEST.value},
    "governance.tasks.purge_ingest_state": {"queue": Queue.MAINTENANCE.value},
    "governance.tasks.fold_observed_types": {"queue": Queue.MAINTENANCE.value},
}


@app.on_after_configure.connect
def schedule_periodic_jobs(sender: Celery, **_: object) -> None:
    """Every periodic job, in one place.

    TRICKY: set once the app reads its configuration, not at import: importing this module
    must not load Django's settings, or a settings module of an operator's own that extends
    `config.settings.base` would be read half-imported.
    """
    sender.conf.beat_schedule = {
        "fold-observed-types": {
            "task": "governance.tasks.fold_observed_types",
            "schedule": timedelta(seconds=settings.PIPELINE_TYPES_FOLD_SECONDS),
            "options": {"queue": Queue.MAINTENANCE.value, "expires": 60},
        },
        "purge-ingest-state": {
            "task": "governance.tasks.purge_ingest_state",
            "schedule": timedelta(minutes=10),
            "options": {"queue": Queue.MAINTENANCE.value},
        },
    }


app.autodiscover_tasks()
