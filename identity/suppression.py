"""Salted hashes that keep erased people erased without keeping their data (pure)."""

from __future__ import annotations

import hashlib
import hmac


def suppression_hash(salt: bytes, key: str) -> str:
    """HMAC-SHA256 of an identifier or record key; the salt is the operator's secret, so a
    leaked suppression list cannot be reversed by hashing guessed addresses."""
    return hmac.new(salt, key.encode("utf-8"), hashlib.sha256).hexdigest()


def record_hash_key(source: str, source_id: str) -> str:
    """The suppression key of a source record (a replay of it is dropped)."""
    return f"record:{source}|{source_id}"
