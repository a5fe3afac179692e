"""Governance's named failures: which ones a task retries and which ones a client caused."""

from __future__ import annotations

from typing import Any


class TransientError(Exception):
    """Worth retrying: the broker, the database or a lock was briefly unavailable."""


class WireError(ValueError):
    """A request body that is not acceptable JSON or not a valid Segment envelope.

    `code` is stable snake_case for the client; `position` is the byte offset of a JSON syntax
    error, when there is one.
    """

    def __init__(self, message: str, *, code: str, position: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[Any, ...]:
        # Celery pickles a task's exception for on_failure; keyword-only arguments need help.
        return (_rebuild_wire_error, (self.message, self.code, self.position))


def _rebuild_wire_error(message: str, code: str, position: int | None) -> WireError:
    return WireError(message, code=code, position=position)
