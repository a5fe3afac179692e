"""System checks of the pipeline's settings: limits that only work together."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility)
def check_ingest_timeouts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The visibility timeout must outlast a batch's hard time limit plus its longest retry wait."""
    held = settings.INGEST_TIME_LIMIT + settings.INGEST_RETRY_BACKOFF_MAX
    problems: list[CheckMessage] = []
    if settings.INGEST_SOFT_TIME_LIMIT >= settings.INGEST_TIME_LIMIT:
        problems.append(
            Warning(
                "INGEST_SOFT_TIME_LIMIT should be below INGEST_TIME_LIMIT.",
                hint="The soft limit lets a batch stop cleanly before it is killed.",
                id="governance.W001",
            )
        )
    redis = str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://"))
    if redis and held >= settings.CELERY_VISIBILITY_TIMEOUT:
        problems.append(
            Warning(
                f"CELERY_VISIBILITY_TIMEOUT ({settings.CELERY_VISIBILITY_TIMEOUT} s) does not "
                f"exceed INGEST_TIME_LIMIT plus INGEST_RETRY_BACKOFF_MAX ({held} s).",
                hint=(
                    "Redis hands a batch still in work to a second worker; it is counted "
                    "once, but processed twice."
                ),
                id="governance.W002",
            )
        )
    return problems
