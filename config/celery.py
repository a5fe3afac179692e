"""The Celery app: settings from Django's `CELERY_` namespace, tasks discovered per app."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("tracking_plan_governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
