"""The graph-backed resolver: stores a chunk of records and resolves them into persons.

Everything for one chunk happens in one managed transaction (retried as a whole on
deadlocks), so a crash leaves nothing half-resolved. The steps:

1. drop records whose salted identifier or record hashes are suppressed (forgotten people);
2. store the records (unchanged replays are duplicates and stop here);
3. link them to their identifier and blocking-key nodes, which write-locks those nodes;
4. read the neighbourhood those nodes reach (persons and all their records, pins and
   never-the-same decisions), re-run the pure `identity.clustering.resolve` over it, and
   write back the persons, the evidence of every moved record, merges and shared flags.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph_service.db import GraphClient, GraphTx
from graph_service.settings import Settings
from identity.assignment import assign_person_ids
from identity.clustering import Constraints, Resolution, resolve
from identity.matching import TextSimilarity, Weights, full_name_key
from identity.profile import (
    IDENTITY_KINDS,
    PRINCIPAL_ROLES,
    Profile,
    blocking_keys,
    person_refs,
)
from identity.suppression import record_hash_key, suppression_hash
from identity.survivorship import SurvivorInput, build_golden_record, golden_to_dict
from ingest.linking import consent_fields, identifier_row, link_changed, link_persons
from ingest.neighbourhood import (
    PROFILES,
    Region,
    load_name_frequency,
    load_region,
    near_candidates,
)
from ingest.records import payload_profile


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """What resolution needs from the settings."""

    weights: Weights
    phone_regions: Mapping[str, str]
    salt: bytes
    max_block: int
    semantic: TextSimilarity | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, semantic: TextSimilarity | None = None
    ) -> ResolverConfig:
        weights = Weights()
        if settings.match_threshold is not None:
            weights = Weights(levels=weights.levels, threshold=settings.match_threshold)
        return cls(
            weights=weights,
            phone_regions=dict(settings.phone_regions),
            salt=settings.suppression_salt.get_secret_value().encode("utf-8"),
            max_block=settings.max_block_size,
            semantic=semantic,
        )


@dataclass(slots=True)
class Prepared:
    """One parsed row, ready to store: its identity profile or the people it refers to."""

    row: dict[str, Any]
    record: dict[str, Any]
    profile: Profile | None
    refs: list[tuple[str, tuple[str, ...]]]
    hashes: list[str]

    @property
    def key(self) -> str:
        return f"{self.row['source']}|{self.row['source_id']}"


@dataclass(slots=True)
class ChunkOutcome:
    """Counts for one chunk."""

    accepted: int = 0
    duplicate: int = 0
    suppressed: int = 0
    persons_created: int = 0
    persons_merged: int = 0
    suppressed_keys: list[str] = field(default_factory=list)


def prepare(rows: Iterable[dict[str, Any]], config: ResolverConfig) -> list[Prepared]:
    """Profile identity records and collect the references of the others (pure)."""
    prepared = []
    for row in rows:
        record = json.loads(row["payload"])
        profile = None
        refs: list[tuple[str, tuple[str, ...]]] = []
        if row["kind"] in IDENTITY_KINDS:
            profile = payload_profile(row["payload"], config.phone_regions)
            idents = list(profile.identifiers())
        else:
            refs = person_refs(record)
            idents = [k for role, keys in refs if role in PRINCIPAL_ROLES for k in keys]
        keys = [record_hash_key(row["source"], row["source_id"]), *idents]
        stored = dict(row)
        stored["profile"] = profile.to_json() if profile else None
        if profile is not None:
            PROFILES.put(profile.key, row["checksum"], profile)
        stored.setdefault("warnings", "[]")
        stored.setdefault("original", None)
        if profile and profile.warnings:
            stored["warnings"] = _merge_warnings(stored["warnings"], profile)
        prepared.append(
            Prepared(
                row=stored,
                record=record,
                profile=profile,
                refs=refs,
                hashes=[suppression_hash(config.salt, k) for k in keys],
            )
        )
    return prepared


def _merge_warnings(existing: str, profile: Profile) -> str:
    """Contract-level warnings plus the normalisers' (invalid phone, handle...)."""
    warnings = json.loads(existing) if existing else []
    warnings += [{"field": w.field, "reason": w.reason} for w in profile.warnings]
    return json.dumps(warnings)


def store_and_resolve(
    graph: GraphClient,
    rows: Sequence[dict[str, Any]],
    config: ResolverConfig,
    *,
    batch_id: str,
    chunk_id: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ChunkOutcome:
    """Store a chunk of parsed rows and resolve its identity records, atomically.

    `chunk_id` names the delivery: a second delivery of a chunk whose transaction had
    committed counts its records as the first did (identity/upsert_records, 'redone')."""
    prepared = prepare(rows, config)
    now = clock().isoformat()
    delivery = Delivery(batch_id=batch_id, chunk_id=chunk_id, now=now)
    return graph.write_transaction(lambda tx: _store(tx, prepared, config, delivery))


@dataclass(frozen=True, slots=True)
class Delivery:
    """Which run and chunk a store writes for, and when."""

    batch_id: str
    chunk_id: str | None
    now: str


# upsert_records statuses of versions that were written ('duplicate' and 'stale' were not).
_WRITTEN = frozenset({"created", "updated"})


def newest_versions(prepared: list[Prepared]) -> tuple[list[Prepared], int]:
    """One version per record key: the latest observed_at, ties to the larger checksum
    (the rule identity/upsert_records applies against the stored version), so versions of
    a record in one chunk converge whatever their order. Returns them, in their original
    order, and how many older versions were left out."""
    newest: dict[str, Prepared] = {}
    for item in prepared:
        current = newest.get(item.key)
        if current is None or _version(item) > _version(current):
            newest[item.key] = item
    kept = [item for item in prepared if newest[item.key] is item]
    return kept, len(prepared) - len(kept)


def _version(item: Prepared) -> tuple[datetime, str]:
    return datetime.fromisoformat(item.row["observed_at"]), str(item.row["checksum"])


def _store(
    tx: GraphTx, prepared: list[Prepared], config: ResolverConfig, delivery: Delivery
) -> ChunkOutcome:
    now = delivery.now
    outcome = ChunkOutcome()
    hashes = sorted({h for p in prepared for h in p.hashes})
    suppressed = {row["hash"] for row in tx.run("identity/suppressed", hashes=hashes)}
    kept = []
    for item in prepared:
        if suppressed.intersection(item.hashes):
            outcome.suppressed += 1
            outcome.suppressed_keys.append(item.key)
        else:
            kept.append(item)
    if not kept:
        return outcome
    kept, superseded = newest_versions(kept)
    statuses = tx.run(
        "identity/upsert_records",
        records=[p.row for p in kept],
        batch_id=delivery.batch_id,
        chunk_id=delivery.chunk_id,
    )
    changed_keys = {f"{s['source']}|{s['source_id']}" for s in statuses if s["status"] in _WRITTEN}
    new_keys = {f"{s['source']}|{s['source_id']}" for s in statuses if s["status"] == "created"}
    # Redone: written by this chunk's earlier, committed delivery; nothing left to do.
    redone = sum(1 for s in statuses if s["status"] == "redone")
    outcome.duplicate = len(kept) - len(changed_keys) - redone + superseded
    outcome.accepted = len(changed_keys) + redone
    changed = [p for p in kept if p.key in changed_keys]
    if changed:
        profiles = [p.profile for p in changed if p.profile is not None]
        # Block candidates are read and scored before link_identifiers takes the
        # identifiers' write locks: a concurrent chunk waiting on those locks waits for
        # the rest of this transaction, so Python work is kept out of that window where
        # it does not depend on the locked nodes.
        near = near_candidates(tx, profiles, config) if profiles else []
        links = [_links(p, new=p.key in new_keys) for p in changed]
        tx.run("identity/link_identifiers", records=links, now=now)
        link_changed(tx, [p.row for p in changed], now)
        if profiles:
            payloads = {p.key: p.record for p in changed if p.profile is not None}
            created, merged = resolve_region(tx, profiles, config, now, payloads, near=near)
            outcome.persons_created, outcome.persons_merged = created, merged
    return outcome


def _identifier(key: str, role: bool) -> dict[str, Any]:
    return identifier_row(key) | {"role": role}


def _links(item: Prepared, *, new: bool) -> dict[str, Any]:
    carries: list[dict[str, Any]] = []
    refers: list[dict[str, Any]] = []
    blocks: list[str] = []
    if item.profile is not None:
        carries = [_identifier(k, False) for k in item.profile.strong]
        carries += [_identifier(k, True) for k in item.profile.role]
        blocks = list(blocking_keys(item.profile))
        if item.profile.has_name:  # counted, never compared: see identity/name_counts
            blocks.append(f"f:{full_name_key(item.profile)}")
    for role, keys in item.refs:
        refers += [{**_identifier(k, False), "as": role} for k in keys]
    carries = [{**entry, "as": None} for entry in carries]
    return {
        "source": item.row["source"],
        "source_id": item.row["source_id"],
        "new": new,
        "carries": carries,
        "refers": refers,
        "blocks": blocks,
    }


def resolve_region(
    tx: GraphTx,
    profiles: Sequence[Profile],
    config: ResolverConfig,
    now: str,
    payloads: Mapping[str, dict[str, Any]] | None = None,
    *,
    near: Sequence[str] | None = None,
) -> tuple[int, int]:
    """Re-cluster the neighbourhood of `profiles` and write back what changed.

    `near`: the profiles' block candidates, when already found (see `near_candidates`).
    Returns (persons created, persons merged away).
    """
    region = load_region(tx, profiles, config, now, near=near)
    for profile in profiles:
        region.profiles[profile.key] = profile
    if payloads:
        region.payloads.update(payloads)
    return apply_resolution(tx, region, config, now, fresh={p.key for p in profiles})


def apply_resolution(
    tx: GraphTx, region: Region, config: ResolverConfig, now: str, fresh: set[str]
) -> tuple[int, int]:
    """Run the clustering over a region and write persons, evidence, merges, shared flags."""
    load_name_frequency(tx, region)
    resolution = resolve(
        list(region.profiles.values()),
        config.weights,
        Constraints(pins=region.pins, never=region.never),
        config.semantic,
        name_frequency=region.name_frequency,
    )
    assignment = assign_person_ids(
        resolution.clusters, region.person_of, lambda _members: f"p-{uuid.uuid4().hex}"
    )
    moved: list[dict[str, Any]] = []
    touched: list[str] = []
    losers: set[str] = set()
    for members, person in zip(resolution.clusters, assignment.person_of_cluster, strict=True):
        changed = [k for k in members if k in fresh or region.person_of.get(k) != person]
        changed += _linking_to_changed(members, set(changed), resolution)
        if not changed and person not in assignment.merged.values():
            continue
        touched.append(person)
        moved += [_assignment(k, person, resolution, config) for k in changed]
        losers.update(region.person_of[k] for k in changed if k in region.person_of)
    clusters = dict(zip(assignment.person_of_cluster, resolution.clusters, strict=True))
    # A person that lost records (a split, or records moving to a better match) keeps its
    # id but needs its golden record and identifiers rebuilt from what it still holds.
    touched += sorted(p for p in losers - set(touched) if p in clusters)
    if not touched:
        return 0, 0
    persons = [_person_row(pid, clusters[pid], region) for pid in touched]
    consent = consent_fields(tx, {row["id"]: row["golden"] for row in persons})
    for row in persons:
        row["consent"] = consent[row["id"]]
    tx.run("identity/upsert_persons", persons=persons, now=now)
    tx.run("identity/assign_records", assignments=moved, now=now)
    if assignment.merged:
        merged = [{"id": old, "into": new} for old, new in sorted(assignment.merged.items())]
        tx.run("identity/merge_persons", merged=merged, now=now)
    if resolution.shared:
        shared = [{"key": k, "reason": r} for k, r in sorted(resolution.shared.items())]
        tx.run("identity/mark_shared", shared=shared)
    tx.run("identity/refresh_person_identifiers", ids=sorted(touched))
    link_persons(tx, sorted(touched), region.payloads)
    return len(assignment.created), len(assignment.merged)


def _linking_to_changed(
    members: Sequence[str], changed: set[str], resolution: Resolution
) -> list[str]:
    """Unchanged members whose evidence now links to a changed one. Evidence hangs on one
    side of each link (the clustering's choice, whatever the arrival order): when a new
    record joins a person through an older record's side, the older record's stored
    evidence ("new", from its own arrival) must be rewritten, or no stored evidence would
    say why the two are one person."""
    return [
        k
        for k in members
        if k not in changed and any(e.linked_to in changed for e in resolution.evidence[k])
    ]


def _assignment(
    key: str, person: str, resolution: Resolution, config: ResolverConfig
) -> dict[str, Any]:
    source, source_id = key.split("|", 1)
    evidence = resolution.evidence[key]
    return {
        "source": source,
        "source_id": source_id,
        "person": person,
        "rule": evidence[0].rule,
        "evidence": json.dumps([e.to_dict(config.weights.threshold) for e in evidence]),
    }


def _person_row(person: str, members: Sequence[str], region: Region) -> dict[str, Any]:
    inputs = [
        SurvivorInput(
            key=k,
            source=region.profiles[k].source,
            observed_at=region.profiles[k].observed_at,
            record=region.payloads.get(k, {}),
        )
        for k in members
    ]
    golden = golden_to_dict(build_golden_record(inputs))
    return {
        "id": person,
        "golden": json.dumps(golden, ensure_ascii=False),
        "given_name": _value(golden, "given_name"),
        "family_name": _value(golden, "family_name"),
        "full_name": _value(golden, "full_name"),
        "record_count": len(members),
    }


def _value(golden: Mapping[str, Any], name: str) -> Any:
    entry = golden.get(name)
    return entry.get("value") if isinstance(entry, dict) else None
