"""Exceptions of the identity package; bad user data never raises, it gives a result."""

from __future__ import annotations


class IdentityError(Exception):
    """Root of the identity package's errors (programming or packaging faults only)."""


class ReferenceDataError(IdentityError):
    """A shipped reference table (``identity/data/*.csv``) is missing or malformed."""


class SurvivorshipError(IdentityError):
    """Survivorship was called wrongly: no records, a repeated record key, bad rules or times."""
