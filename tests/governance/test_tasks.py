"""Every task's policy sits in its decorator: a queue, time limits, and what it retries."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from config.celery import app
from governance.errors import TransientError
from governance.queues import Queue

TASKS = {
    "governance.tasks.process_batch": Queue.INGEST,
    "governance.tasks.purge_ingest_state": Queue.MAINTENANCE,
    "governance.tasks.fold_observed_types": Queue.MAINTENANCE,
}


def ours() -> dict[str, object]:
    app.loader.import_default_modules()
    return {
        name: task for name, task in app.tasks.items() if name.startswith("governance.")
    }


def test_every_task_of_ours_is_listed_here():
    assert set(ours()) == set(TASKS)


@pytest.mark.parametrize(("name", "queue"), TASKS.items(), ids=TASKS.keys())
def test_each_task_names_its_queue_and_routing_agrees(name, queue):
    task = app.tasks[name]

    assert task.queue == queue.value
    assert app.conf.task_routes[name] == {"queue": queue.value}


@pytest.mark.parametrize("name", TASKS.keys())
def test_each_task_has_time_limits_and_retries_a_database_that_is_away(name):
    task = app.tasks[name]

    assert 0 < task.soft_time_limit < task.time_limit
    assert task.max_retries >= 3
    assert issubclass(TransientError, tuple(task.autoretry_for))
    if name != "governance.tasks.process_batch":
        # The ingest task maps database errors to TransientError itself.
        assert issubclass(OperationalError, tuple(task.autoretry_for))
