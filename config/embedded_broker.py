"""The embedded broker: kombu's filesystem transport, first in first out and kept until acked.

Used when no Redis is configured (a laptop, the demo). kombu's own filesystem transport has
three faults this one fixes:
- it names message files after `monotonic()` in milliseconds and delivers them in text order,
  so once a machine has been up for about 1,000 s a 7-digit name sorts before the 6-digit
  names still queued, and those wait behind everything sent later. Here every message takes
  the next number of one counter shared by all processes (a file under a lock), written with
  a fixed width, so text order is sending order whatever the uptime;
- it deletes a message file when it hands the message to the worker, so a worker killed
  before acknowledging loses it. Here a taken message moves to a folder of the consumer that
  took it, is deleted on acknowledgement, and moves back to the queue on rejection, when the
  worker shuts down, or, if the consumer died, when any consumer next finds its folder's lock
  free;
- it writes a message file in place, where a consumer may take it half-written. Here a message
  is written and synced under a temporary name, then renamed into the queue at once.
Files queued by kombu's transport (digit-led names) are still delivered, before any new one.

POSIX only (file locks through `fcntl`), as Celery's workers are.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

# A new message file: "q<sequence, 20 digits>_<uuid hex>.<queue>.msg".
_PREFIX = "q"
_SEQUENCE_WIDTH = 20
_SUFFIX = ".msg"
# How often a consumer looks for messages left taken by a consumer that died.
ORPHAN_SCAN_SECONDS = 5.0


def message_name(sequence: int, queue: str) -> str:
    return (
        f"{_PREFIX}{sequence:0{_SEQUENCE_WIDTH}d}_{uuid.uuid4().hex}.{queue}{_SUFFIX}"
    )


def delivery_order(name: str) -> tuple[int, int, str]:
    """Sort key of a queued file: kombu's old digit-led names first (by number), then ours."""
    stem = name.partition(".")[0]
    if stem.startswith(_PREFIX):
        return (1, 0, name)
    digits = stem.partition("_")[0]
    return (0, int(digits) if digits.isdigit() else 0, name)


def queue_of(name: str) -> str:
    """The queue a message file belongs to ("" for a file that is not a message)."""
    if not name.endswith(_SUFFIX):
        return ""
    return name[: -len(_SUFFIX)].partition(".")[2]


class FifoQoS(virtual.QoS):
    """Acknowledging deletes the taken file; rejecting without requeue deletes it too."""

    channel: FifoChannel

    def ack(self, delivery_tag: str) -> None:
        super().ack(delivery_tag)
        self.channel.forget(delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        # With requeue, the base class calls the channel's _restore, which moves the file back.
        super().reject(delivery_tag, requeue=requeue)
        self.channel.forget(delivery_tag)


class FifoChannel(filesystem.Channel):
    QoS = FifoQoS

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        self._taken: dict[str, Path] = {}
        self._taken_lock = threading.Lock()
        self._no_ack_queues: set[str] = set()
        self._owner: tuple[Path, int] | None = None
        self._next_orphan_scan = 0.0
        for folder in (self.data_folder_in, self.data_folder_out):
            Path(folder).mkdir(parents=True, exist_ok=True)

    # --- folders -------------------------------------------------------------------------

    @property
    def queue_folder(self) -> Path:
        return Path(self.data_folder_in)

    @property
    def _state_folder(self) -> Path:
        return Path(self.data_folder_in) / "state"

    def _folder(self, name: str) -> Path:
        folder = self._state_folder / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # --- producing -----------------------------------------------------------------------

    # The stubs of kombu's two base classes name this argument differently.
    def _put(self, queue: str, message: Any, **kwargs: Any) -> None:  # type: ignore[override]
        data = dumps(message).encode("utf-8")
        name = message_name(self._next_sequence(), queue)
        temporary = self._folder("incoming") / name
        try:
            with open(temporary, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # Atomic: a consumer sees the whole file or none of it.
            os.replace(temporary, Path(self.data_folder_out) / name)
        except OSError as error:
            msg = f"Cannot add message {name!r} to the queue folder"
            raise ChannelError(msg) from error

    def _next_sequence(self) -> int:
        """The next number of the counter every process shares, under an exclusive lock.

        Written in place at a fixed width, never truncated: a crash cannot leave it empty.
        """
        path = self._folder("control") / "sequence"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stored = os.pread(fd, _SEQUENCE_WIDTH, 0)
            following = (int(stored) if stored.isdigit() else 0) + 1
            os.pwrite(fd, b"%020d" % following, 0)
        finally:
            os.close(fd)  # closing frees the lock
        return following

    # --- consuming -----------------------------------------------------------------------

    def basic_consume(
        self,
        queue: str,
        no_ack: bool,
        callback: Any,
        consumer_tag: str | None,
        **kwargs: Any,
    ) -> Any:
        if no_ack:
            self._no_ack_queues.add(queue)
        return super().basic_consume(queue, no_ack, callback, consumer_tag, **kwargs)

    def basic_get(self, queue: str, no_ack: bool = False, **kwargs: Any) -> Any:
        if no_ack:
            self._no_ack_queues.add(queue)
        return super().basic_get(queue, no_ack=no_ack, **kwargs)

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        """Take the oldest message of `queue`: move it to this consumer's folder, read it."""
        if monotonic() >= self._next_orphan_scan:
            self._next_orphan_scan = monotonic() + ORPHAN_SCAN_SECONDS
            self.recover_orphans()
        names = [n for n in os.listdir(self.queue_folder) if queue_of(n) == queue]
        for name in sorted(names, key=delivery_order):
            taken = self._owner_folder() / name
            try:
                os.rename(self.queue_folder / name, taken)
            except FileNotFoundError:
                continue  # another consumer took it first
            payload = self._read_taken(taken)
            if payload is None:
                continue
            tag = payload.get("properties", {}).get("delivery_tag")
            if queue in self._no_ack_queues or not tag:
                taken.unlink(missing_ok=True)
            else:
                with self._taken_lock:
                    self._taken[tag] = taken
            return payload
        raise Empty()

    def _read_taken(self, taken: Path) -> dict[str, Any] | None:
        try:
            payload = loads(taken.read_bytes())
        except (OSError, ValueError):
            # Never written whole (only kombu's old transport could leave such a file): kept
            # aside for a person to look at, not retried for ever.
            broken = self._folder("broken") / taken.name
            os.replace(taken, broken)
            logger.error("broker.unreadable_message file=%s", broken.name)
            return None
        return payload if isinstance(payload, dict) else None

    def forget(self, delivery_tag: str) -> None:
        """The message was acknowledged or dropped: delete its file if this consumer has it."""
        with self._taken_lock:
            taken = self._taken.pop(delivery_tag, None)
        if taken is not None:
            taken.unlink(missing_ok=True)

    def _restore(self, message: Any) -> None:
        """Put a taken message back where it was in its queue (a rejection or a shutdown)."""
        with self._taken_lock:
            taken = self._taken.pop(message.delivery_tag, None)
        if taken is None:
            super()._restore(message)
            return
        try:
            os.replace(taken, self.queue_folder / taken.name)
        except FileNotFoundError:
            super()._restore(message)

    # --- consumers that died -------------------------------------------------------------

    def _owner_folder(self) -> Path:
        """This consumer's folder of taken messages, locked for as long as the process lives."""
        if self._owner is None:
            owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
            taken = self._folder("taken")
            lock = os.open(taken / f"{owner}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            folder = taken / owner
            folder.mkdir(exist_ok=True)
            self._owner = (folder, lock)
        return self._owner[0]

    def recover_orphans(self) -> int:
        """Requeue the messages of every consumer whose lock is free (it died); returns how many.

        TRICKY: the kernel frees a process's file locks when it dies, even by SIGKILL, so a
        lock that can be taken marks a dead owner, whatever became of its process id.
        """
        recovered = 0
        taken = self._folder("taken")
        for lock_path in taken.glob("*.lock"):
            folder = lock_path.with_suffix("")
            if self._owner is not None and folder == self._owner[0]:
                continue
            recovered += self._recover_if_dead(lock_path, folder)
        return recovered

    def _recover_if_dead(self, lock_path: Path, folder: Path) -> int:
        try:
            lock = os.open(lock_path, os.O_RDWR)
        except FileNotFoundError:
            return 0
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # its owner is alive
            moved = 0
            if folder.is_dir():
                for path in folder.iterdir():
                    os.replace(path, self.queue_folder / path.name)
                    moved += 1
                folder.rmdir()
            lock_path.unlink(missing_ok=True)
            if moved:
                logger.warning(
                    "broker.orphans_requeued owner=%s messages=%d", folder.name, moved
                )
            return moved
        finally:
            os.close(lock)

    def close(self) -> None:
        super().close()
        if self._owner is not None and not self._taken:
            folder, lock = self._owner
            self._owner = None
            self._remove_owner(folder, lock)

    def _remove_owner(self, folder: Path, lock: int) -> None:
        try:
            folder.rmdir()
        except OSError:
            # Messages still taken: the next consumer requeues them once the lock is free.
            os.close(lock)
            return
        Path(f"{folder}.lock").unlink(missing_ok=True)
        os.close(lock)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the FIFO, kept-until-acked channel above."""

    Channel = FifoChannel
    # A consumer polls its queue folder this often when the queues are empty; a worker whose
    # pool is free takes the next message at once.
    polling_interval = 0.05
