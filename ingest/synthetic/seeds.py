"""Deterministic randomness, ids and time for the synthetic world.

Every random stream is seeded from a hash of (seed, stream name, number), never from the
process (no global `random`, no `hash()` of strings, no clock), so the same seed gives the
same bytes on every machine, with any number of workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from random import Random
from typing import TypeVar

T = TypeVar("T")

# The synthetic world ends here; every time in it lies before (fixed, never the clock).
WORLD_END = 1_748_736_000  # 2025-06-01T00:00:00Z
# How far back the world's history reaches, in seconds (three years).
HISTORY = 3 * 365 * 86_400
# Largest prime below 2**32: source ids are an affine bijection modulo it.
_ID_PRIME = 4_294_967_291
# Mersenne prime 2**61 - 1, for long snowflake-like ids.
_LONG_PRIME = 2_305_843_009_213_693_951
# Upper bound of per-person record slots in one id space (index * SLOTS + slot).
SLOTS = 64


def derive_seed(seed: int, stream: str, number: int) -> int:
    """A 64-bit seed for stream `stream`, item `number` of world `seed`."""
    text = f"{seed}/{stream}/{number}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def rng_for(seed: int, stream: str, number: int) -> Random:
    """A private random generator for one item of one stream."""
    return Random(derive_seed(seed, stream, number))


class IdScrambler:
    """A bijection from small integers to unguessable-looking ids, per id space."""

    __slots__ = ("_add", "_mul", "_prime")

    def __init__(self, seed: int, space: str, *, long: bool = False) -> None:
        self._prime = _LONG_PRIME if long else _ID_PRIME
        salt = derive_seed(seed, "id-space", 0) ^ derive_seed(seed, space, 1)
        self._mul = salt % (self._prime - 2) + 2
        self._add = (salt >> 17) % self._prime

    def __call__(self, number: int) -> int:
        return (self._mul * number + self._add) % self._prime


class DigitTag:
    """A bijection of [0, 10**width) used as person-unique digits in emails and handles."""

    __slots__ = ("_add", "_modulus", "_mul")

    def __init__(self, seed: int, space: str, people: int) -> None:
        width = max(3, len(str(max(people - 1, 1))))
        self._modulus = 10**width
        salt = derive_seed(seed, space, 2)
        mul = salt % self._modulus
        # A multiplier coprime to 10**width keeps the map one-to-one.
        while mul % 2 == 0 or mul % 5 == 0:
            mul += 1
        self._mul = mul % self._modulus or 1
        self._add = (salt >> 20) % self._modulus

    def __call__(self, index: int) -> str:
        return str((self._mul * index + self._add) % self._modulus)


def pick(rng: Random, items: Sequence[T]) -> T:
    """One of `items`; `Random.choice` is several times slower and this runs millions of times."""
    return items[int(rng.random() * len(items))]


def between(rng: Random, low: int, high: int) -> int:
    """An integer from `low` to `high`, both included (a fast `randint`)."""
    return low + int(rng.random() * (high - low + 1))


def iso(ts: int) -> str:
    """RFC 3339 UTC text of a Unix time in seconds."""
    day, second = divmod(ts, 86_400)
    return _day_text(day) + _clock_text(second)


def iso_date(ts: int) -> str:
    """The UTC calendar date of a Unix time."""
    return _day_text(ts // 86_400)


@lru_cache(maxsize=8192)
def _day_text(day: int) -> str:
    """YYYY-MM-DD of a day number since 1970 (cached: a world spans a few thousand days)."""
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")


@lru_cache(maxsize=86_400)
def _clock_text(second: int) -> str:
    """THH:MM:SSZ of a second of the day (cached: called for every timestamp written)."""
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    return f"T{hour:02d}:{minute:02d}:{second:02d}Z"


def random_time(rng: Random, *, after: int = WORLD_END - HISTORY, before: int = WORLD_END) -> int:
    """A time uniformly between `after` and `before`."""
    return after + int(rng.random() * max(1, before - after))
