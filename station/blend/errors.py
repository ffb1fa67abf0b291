"""Typed errors raised by the Blend client.

Every error carries the HTTP status (when there was a response) and the server's message, taken from
whichever of ``detail``, ``message`` or ``error`` the body holds: Blend documents no error body.
"""

from __future__ import annotations


class BlendError(Exception):
    """Base class of every error the Blend client raises."""

    def __init__(self, message: str, *, status: int | None = None, server_message: str | None = None):
        super().__init__(message)
        self.status = status
        self.server_message = server_message


class NotFound(BlendError):
    """The lot, barcode or path does not exist (HTTP 404)."""


class Unauthorized(BlendError):
    """Credentials or token rejected (HTTP 401, or 403), even after one refresh."""


class Rejected(BlendError):
    """The server understood the request and refused it (HTTP 400, 409, 422): the change was not applied."""


class RateLimited(BlendError):
    """HTTP 429. ``retry_after`` is in seconds when the server sent it."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(BlendError):
    """The API could not be reached, timed out, or returned 5xx.

    ``maybe_applied`` is True when the request was sent and no answer arrived (a read timeout or a dropped
    connection): for a non-idempotent request such as the quantity PATCH the server may have applied it.
    """

    def __init__(self, message: str, *, maybe_applied: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.maybe_applied = maybe_applied


class ProtocolError(BlendError):
    """The server returned 2xx with a body that does not match what the client expects."""
