"""Versions of one record in a chunk: the newest observed_at wins, whatever the order."""

from __future__ import annotations

import itertools
from typing import Any

from ingest.resolution import Prepared, newest_versions


def version(source_id: str, observed_at: str, checksum: str) -> Prepared:
    row: dict[str, Any] = {
        "source": "crm", "source_id": source_id, "observed_at": observed_at,
        "checksum": checksum,
    }  # fmt: skip
    return Prepared(row=row, record={}, profile=None, refs=[], hashes=[])


def test_the_latest_version_is_kept_in_any_order() -> None:
    old = version("a", "2025-01-01T10:00:00+00:00", "c1")
    same_time = version("a", "2025-01-01T11:00:00+01:00", "c0")  # old's instant, smaller checksum
    newer = version("a", "2025-02-01T00:00:00+00:00", "c2")
    other = version("b", "2024-01-01T00:00:00+00:00", "c9")
    for order in itertools.permutations([old, same_time, newer, other]):
        kept, superseded = newest_versions(list(order))
        assert {id(item) for item in kept} == {id(newer), id(other)}
        assert superseded == 2


def test_equal_times_keep_the_larger_checksum_and_offsets_compare_as_instants() -> None:
    utc = version("a", "2025-01-01T10:00:00+00:00", "aaa")
    paris = version("a", "2025-01-01T11:00:00+01:00", "bbb")  # the same instant
    for order in ([utc, paris], [paris, utc]):
        kept, superseded = newest_versions(order)
        assert kept == [paris] and superseded == 1


def test_distinct_records_keep_their_order() -> None:
    items = [version(str(i), "2025-01-01T00:00:00+00:00", "c") for i in range(5)]
    assert newest_versions(items) == (items, 0)
