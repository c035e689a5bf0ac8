"""Stable person ids across re-clustering (pure).

When a neighbourhood is re-clustered, every new cluster needs a person id. The rule keeps
ids stable and makes the survivor of a merge deterministic: a cluster keeps the previous id
that covers most of its records (ties: the smaller id); a previous id that lost out is
merged into the cluster holding most of its records, so it keeps resolving there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Assignment:
    """Person id per cluster, merged ids with their survivor, and ids newly created."""

    person_of_cluster: tuple[str, ...]
    merged: dict[str, str]
    created: frozenset[str]


def assign_person_ids(
    clusters: Sequence[Sequence[str]],
    previous: Mapping[str, str],
    new_id: Callable[[Sequence[str]], str],
) -> Assignment:
    """Map clusters (lists of record keys) to person ids, given each record's previous id."""
    overlaps: list[tuple[int, str, int]] = []
    for index, members in enumerate(clusters):
        counts = Counter(previous[k] for k in members if k in previous)
        overlaps.extend((-count, person, index) for person, count in counts.items())
    chosen: dict[int, str] = {}
    used: set[str] = set()
    for _, person, index in sorted(overlaps):
        if index not in chosen and person not in used:
            chosen[index], used = person, used | {person}
    created = set()
    for index, members in enumerate(clusters):
        if index not in chosen:
            chosen[index] = new_id(members)
            created.add(chosen[index])
    return Assignment(
        person_of_cluster=tuple(chosen[i] for i in range(len(clusters))),
        merged=_merged_into(clusters, previous, chosen, used),
        created=frozenset(created),
    )


def _merged_into(
    clusters: Sequence[Sequence[str]],
    previous: Mapping[str, str],
    chosen: Mapping[int, str],
    used: set[str],
) -> dict[str, str]:
    """Previous ids that no cluster kept, each pointing at where most of its records went."""
    where: dict[str, Counter[str]] = {}
    for index, members in enumerate(clusters):
        for key in members:
            old = previous.get(key)
            if old is not None and old not in used:
                where.setdefault(old, Counter())[chosen[index]] += 1
    return {
        old: sorted(targets.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for old, targets in where.items()
    }
