"""The integration harness: a real Redis, real Celery workers and the real collector, per test.

Workers and collectors run as child processes against the test database (a file on SQLite,
`test_<name>` on PostgreSQL), so every test that uses them is a transactional test, marked
`django_db(transaction=True, serialized_rollback=True)`: the flush after each test also empties
what migrations wrote (the role groups), and the serialized copy puts it back. Each test starts
its own processes and an emptied Redis, and stops them before the database is flushed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from config.celery import app as celery_app
from tests.governance.integration.plans import small_plan
from tests.governance.integration.services import (
    Collector,
    RedisServer,
    Service,
    Services,
    database_url,
    free_port,
    service_env,
)
from tracking.demo import load_demo_plan
from tracking.models import Source, SourceKind, TrackingPlan


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so teardown knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), folder=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _test_process_sends_to_redis(redis_server) -> Iterator[None]:
    """`enqueue_batch` called in the test process reaches the same Redis as the workers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(celery_app.conf, "broker_url", redis_server.url)
        patch.setitem(
            celery_app.conf,
            "broker_transport_options",
            {"socket_connect_timeout": 2, "socket_timeout": 5},
        )
        # TRICKY: Celery keeps its connection and producer pools, made for the memory broker
        # of the test settings if anything published before; drop them for the new URL.
        patch.setattr(celery_app, "_pool", None)
        patch.setattr(celery_app.amqp, "_producer_pool", None)
        yield


@pytest.fixture
def broker(redis_server, _test_process_sends_to_redis) -> Iterator[RedisServer]:
    """The Redis server, emptied: no batch or cached key is left by an earlier test."""
    if not redis_server.answers():
        redis_server.start()
    # TRICKY: this also drops the queue bindings; a worker declares them again when it starts,
    # so tests start their worker before they enqueue anything themselves.
    redis_server.client().flushall()
    yield redis_server
    if redis_server.process is None:
        redis_server.start()


@pytest.fixture
def services(request, broker, transactional_db, tmp_path) -> Iterator[Services]:
    """Start workers and collectors with `services.worker()` and `services.collector()`.

    All of them stop (SIGTERM, then SIGKILL) before the test database is flushed; when the
    test failed, their logs are printed.
    """
    env = service_env(
        database=database_url(connection.settings_dict),
        broker=broker.url,
        var_dir=tmp_path,
    )
    started = Services(env=env, folder=tmp_path)
    yield started
    started.stop_all()
    if _failed(request):
        print(started.logs())  # pytest shows it with the failed test


@dataclass(frozen=True, kw_only=True)
class Pipeline:
    worker: Service
    collector: Collector
    services: Services

    def ready(self) -> Collector:
        """Wait until both take work; the collector to post to."""
        self.services.wait_ready()
        return self.collector


@pytest.fixture
def pipeline(services) -> Pipeline:
    """A worker and a collector, starting while the next fixtures fill the database.

    Ask for it before the plan fixtures; call `pipeline.ready()` before sending anything.
    """
    return Pipeline(
        worker=services.worker(wait=False),
        collector=services.collector(wait=False),
        services=services,
    )


@pytest.fixture
def source(transactional_db) -> Source:
    """The web source of a one-event plan published as 1.0.0 (see `plans.small_plan`)."""
    return small_plan()


@pytest.fixture
def demo_plan(transactional_db) -> TrackingPlan:
    """The demo plan, version 1.0.0 published; its sources carry the write keys."""
    return load_demo_plan()


@pytest.fixture
def demo_web(demo_plan) -> Source:
    """The demo plan's web shop source."""
    return Source.objects.get(plan=demo_plan, kind=SourceKind.WEB)
