"""Governance's named failures: which ones a task retries and which ones a client caused."""

from __future__ import annotations


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
