"""The embedded broker: delivered in sending order whatever the uptime, kept until acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kombu import Connection, Queue
from kombu.transport import filesystem

from config import embedded_broker
from config.embedded_broker import delivery_order, message_name, queue_of

INGEST = Queue("ingest", routing_key="ingest")


def connect(folder: Path) -> Connection:
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    return Connection("embedded://", transport_options=options)


def publish(folder: Path, *numbers: int) -> None:
    with connect(folder) as connection:
        producer = connection.Producer(serializer="json")
        for number in numbers:
            producer.publish({"n": number}, routing_key="ingest", declare=[INGEST])


def consume(folder: Path, *, ack: bool = True) -> list[int]:
    """Every message queued now, in delivery order (acknowledged unless told otherwise)."""
    received: list[int] = []
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            received.append(message.payload["n"])
            if ack:
                message.ack()
        if not ack:
            # TRICKY: SimpleQueue.close() would put unacknowledged messages back; a consumer
            # that never acknowledges and is then dropped is what the test wants.
            connection.default_channel.qos.restore_at_shutdown = False
        queue.close()
    return received


def queued_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.ingest.msg"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "broker"


def test_messages_are_delivered_in_sending_order(folder):
    publish(folder, *range(30))

    assert consume(folder) == list(range(30))
    assert queued_files(folder) == []


@pytest.mark.parametrize(
    "uptimes",
    [
        pytest.param([999.998, 999.999, 1000.0, 1000.001], id="six-to-seven-digits"),
        pytest.param([9999.999, 10000.0], id="seven-to-eight-digits"),
        pytest.param([86_399.9, 86_400.0, 31_536_000.0], id="a-day-to-a-year"),
    ],
)
def test_order_holds_across_an_uptime_boundary(folder, monkeypatch, uptimes):
    # kombu's own transport names files after the uptime in milliseconds and sorts names as
    # text, so "1000000_…" sorted before "999999_…". The names here do not depend on it.
    clock = iter(uptimes)
    monkeypatch.setattr(filesystem, "monotonic", lambda: next(clock))
    monkeypatch.setattr(embedded_broker, "monotonic", lambda: uptimes[-1])

    publish(folder, *range(len(uptimes)))

    assert consume(folder) == list(range(len(uptimes)))


def test_names_sort_in_sending_order_as_text():
    names = [message_name(n, "ingest") for n in (9, 10, 99, 100, 10**12)]
    assert sorted(names) == names
    assert {queue_of(name) for name in names} == {"ingest"}


def test_files_queued_by_kombus_own_transport_go_first_by_their_number():
    ours = message_name(1, "ingest")
    old = ["999999_a.ingest.msg", "1000000_b.ingest.msg", "100001_c.ingest.msg"]

    assert sorted([ours, *old], key=delivery_order) == [
        "100001_c.ingest.msg",
        "999999_a.ingest.msg",
        "1000000_b.ingest.msg",
        ours,
    ]


def test_every_process_shares_one_counter(folder):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        import django, os
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        django.setup()
        from tests.config.test_embedded_broker import publish
        from pathlib import Path
        publish(Path({str(folder)!r}), *range(int(sys.argv[1]), int(sys.argv[1]) + 20))
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(start)])  # noqa: S603
        for start in (0, 100)
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]

    numbers = [int(name[1:21]) for name in queued_files(folder)]

    assert sorted(numbers) == list(range(1, 41))


def test_an_unacknowledged_message_stays_out_of_the_queue_while_its_consumer_lives(
    folder,
):
    publish(folder, 1, 2)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        first = queue.get(block=False)

        assert first.payload == {"n": 1}
        assert len(queued_files(folder)) == 1
        assert consume(folder) == [2]

        first.ack()
        queue.close()

    assert consume(folder) == []


def test_a_rejected_message_goes_back_to_its_place(folder):
    publish(folder, 1, 2, 3)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        first = queue.get(block=False)
        first.reject(requeue=True)
        queue.close()

    assert consume(folder) == [1, 2, 3]


def test_a_message_rejected_without_requeue_is_gone(folder):
    publish(folder, 1, 2)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        queue.get(block=False).reject(requeue=False)
        queue.close()

    assert consume(folder) == [2]
    assert not list((folder / "state" / "taken").rglob("*.msg"))


def test_messages_taken_when_the_consumer_closes_go_back_to_the_queue(folder):
    publish(folder, 1, 2)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        queue.get(block=False)
        queue.close()  # a warm shutdown: unacknowledged messages are restored

    assert consume(folder) == [1, 2]


def test_messages_of_a_consumer_killed_by_sigkill_are_requeued(folder):
    publish(folder, 1, 2, 3)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        import django
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        django.setup()
        from pathlib import Path
        from tests.config.test_embedded_broker import INGEST, connect
        connection = connect(Path({str(folder)!r}))
        queue = connection.SimpleQueue(INGEST)
        queue.get(block=False)
        queue.get(block=False)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)  # noqa: S603
    assert killed.returncode == -signal.SIGKILL
    assert len(queued_files(folder)) == 1

    assert consume(folder) == [1, 2, 3]


def test_a_live_consumers_messages_are_not_taken_by_another(folder):
    publish(folder, 1, 2)
    with connect(folder) as connection:
        queue = connection.SimpleQueue(INGEST)
        queue.get(block=False)
        channel = connection.default_channel

        recovered = channel.recover_orphans()
        other = consume(folder)

        assert (recovered, other) == (0, [2])
        queue.close()


def test_a_half_written_message_is_never_seen(folder):
    publish(folder, 1)
    incoming = folder / "state" / "incoming"
    (incoming / message_name(10**6, "ingest")).write_bytes(b'{"body": "half')

    assert consume(folder) == [1]


def test_an_unreadable_message_is_set_aside_not_retried_for_ever(folder):
    folder.mkdir(parents=True)
    (folder / "1_x.ingest.msg").write_bytes(b"{not json")
    publish(folder, 1)

    assert consume(folder) == [1]
    assert [p.name for p in (folder / "state" / "broken").iterdir()] == [
        "1_x.ingest.msg"
    ]


def test_the_counter_survives_a_restart(folder):
    publish(folder, 1)
    consume(folder)
    publish(folder, 2)

    (name,) = queued_files(folder)
    assert int(name[1:21]) == 2
    assert os.path.getsize(folder / "state" / "control" / "sequence") == 20
