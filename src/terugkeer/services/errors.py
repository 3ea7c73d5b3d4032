"""Errors a use case reports to its caller, each with one sentence for the user."""

from __future__ import annotations

from terugkeer.bootstrap import StoreNotCurrentError
from terugkeer.store.errors import DATABASE_ERRORS, StoreUnavailableError, is_outage

__all__ = [
    "DATABASE_ERRORS",
    "ServiceError",
    "StoreNotCurrentError",
    "StoreUnavailableError",
    "UnanswerableDayError",
    "UnknownPersonError",
    "is_outage",
]


class ServiceError(Exception):
    """A request that cannot be answered; `message` says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownPersonError(ServiceError):
    """No event of the V-number is stored."""


class UnanswerableDayError(ServiceError):
    """A day asked about that no rule of the rules table is in force on (before the first)."""
