"""Reading the neighbourhood a chunk of identity records can affect.

Persons sharing an identifier with the chunk are always read. Blocking candidates are
first scored record against record, and only those close to a match bring their persons
in: most records in a common-name block are strangers, and reading all their persons
made the neighbourhood grow with the store.
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_service.db import GraphTx
from identity.matching import full_name_key, score_pair
from identity.profile import Profile, blocking_keys

if TYPE_CHECKING:
    from ingest.resolution import ResolverConfig

# How far below the match threshold a single record pair may score and still bring its
# person into the neighbourhood: cluster-to-cluster scores combine the best level of each
# comparison over all record pairs, so they can exceed every single pair's score.
CANDIDATE_SLACK = 3.0


# Neighbourhoods overlap from chunk to chunk, so the same stored texts come back often;
# decoding is the resolver's main cost after Neo4j, hence these caches (values are never
# mutated).
@functools.lru_cache(maxsize=200_000)
def _profile_from_json(text: str) -> Profile:
    return Profile.from_json(text)


@functools.lru_cache(maxsize=50_000)
def _payload_from_json(text: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(text)
    return payload


@dataclass(slots=True)
class Region:
    """A neighbourhood read from the graph."""

    profiles: dict[str, Profile]
    payloads: dict[str, dict[str, Any]]
    person_of: dict[str, str]
    pins: dict[str, str]
    never: frozenset[frozenset[str]]
    name_frequency: dict[str, float] = field(default_factory=dict)


def load_region(
    tx: GraphTx,
    profiles: Sequence[Profile],
    config: ResolverConfig,
    now: str,
    *,
    near: Sequence[str] | None = None,
) -> Region:
    """Read every person the given profiles can touch, with all of their records.

    Persons sharing an identifier are always read. Blocking candidates are first scored
    one record against one record, and only those within `CANDIDATE_SLACK` bits of the
    threshold bring their persons in: most records sharing a common-name block are
    strangers, and reading their persons in full made the neighbourhood grow with the store.
    `near` gives those candidates when the caller has already found them.
    """
    idents = sorted({k for p in profiles for k in p.identifiers()})
    records = [record_ref(p.key) for p in profiles]
    if near is None:
        near = near_candidates(tx, profiles, config)
    records += [record_ref(k) for k in near]
    rows = tx.run("identity/load_region", identifiers=idents, records=records, now=now)
    region = Region(profiles={}, payloads={}, person_of={}, pins={}, never=frozenset())
    for row in rows:
        key = f"{row['source']}|{row['source_id']}"
        if row["profile"] is None:
            continue
        region.profiles[key] = _profile_from_json(row["profile"])
        region.payloads[key] = _payload_from_json(row["payload"])
        region.person_of[key] = row["person"]
        if row["pin"] is not None:
            region.pins[key] = row["pin"]
    if region.pins:
        pairs = tx.run("identity/never_pairs", pins=sorted(set(region.pins.values())))
        region.never = frozenset(frozenset((r["a"], r["b"])) for r in pairs)
    return region


class ProfileCache:
    """Profiles by (record key, checksum), so block candidates a worker has already seen
    (most of them: it stored them) are not fetched and decoded again."""

    def __init__(self, capacity: int = 400_000) -> None:
        self._items: OrderedDict[tuple[str, str], Profile] = OrderedDict()
        self._capacity = capacity

    def get(self, key: str, checksum: str) -> Profile | None:
        found = self._items.get((key, checksum))
        if found is not None:
            self._items.move_to_end((key, checksum))
        return found

    def put(self, key: str, checksum: str, profile: Profile) -> None:
        self._items[(key, checksum)] = profile
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)


PROFILES = ProfileCache()


def near_candidates(tx: GraphTx, profiles: Sequence[Profile], config: ResolverConfig) -> list[str]:
    """Keys of stored records in the profiles' blocks that come close to matching one."""
    by_block: dict[str, list[Profile]] = {}
    for profile in profiles:
        for block in blocking_keys(profile):
            by_block.setdefault(block, []).append(profile)
    rows = tx.run("identity/block_candidates", blocks=sorted(by_block), max_block=config.max_block)
    fresh = {p.key for p in profiles}
    blocks_of: dict[str, list[str]] = {}
    checksums: dict[str, str] = {}
    for row in rows:
        for source, source_id, checksum in row["members"]:
            key = f"{source}|{source_id}"
            if key not in fresh:
                blocks_of.setdefault(key, []).append(row["block"])
                checksums[key] = checksum
    stored = _candidate_profiles(tx, checksums)
    floor = config.weights.threshold - CANDIDATE_SLACK
    near: list[str] = []
    for key, blocks in blocks_of.items():
        candidate = stored.get(key)
        if candidate is None:
            continue
        peers = {p.key: p for block in blocks for p in by_block[block]}
        if any(score_pair(p, candidate, config.weights).total >= floor for p in peers.values()):
            near.append(key)
    return sorted(near)


def _candidate_profiles(tx: GraphTx, checksums: dict[str, str]) -> dict[str, Profile]:
    """Profiles of the given record keys at the given checksums, from the cache or the graph."""
    found: dict[str, Profile] = {}
    missing: list[dict[str, str]] = []
    for key, checksum in checksums.items():
        cached = PROFILES.get(key, checksum)
        if cached is not None:
            found[key] = cached
        else:
            missing.append(record_ref(key))
    if missing:
        for row in tx.run("identity/record_profiles", records=missing):
            if row["profile"] is None:
                continue
            key = f"{row['source']}|{row['source_id']}"
            found[key] = _profile_from_json(row["profile"])
            PROFILES.put(key, row["checksum"], found[key])
    return found


def load_name_frequency(tx: GraphTx, region: Region) -> None:
    """Records per full name over the whole store, for the names in the region."""
    keys = sorted({full_name_key(p) for p in region.profiles.values() if p.has_name})
    rows = tx.run("identity/name_counts", keys=keys)
    region.name_frequency = {row["key"]: float(row["records"]) for row in rows}


def record_ref(key: str) -> dict[str, str]:
    """A record key "source|source_id" as the {source, source_id} map queries take."""
    source, source_id = key.split("|", 1)
    return {"source": source, "source_id": source_id}
