"""Human decisions about persons, explanations, erasure and export, against the graph.

Decisions are stored as pins: records a human declared to be one person share a
(:Pin); two pins can be declared never the same person. `identity.clustering.resolve`
honours both, so automatic resolution (a later ingest, a replay) cannot undo them. Every
decision is a (:Decision) node with who, when and why.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph_service.db import GraphClient, GraphTx
from graph_service.errors import GraphServiceError
from identity.explain import explain_pair
from identity.profile import PRINCIPAL_ROLES, Profile
from identity.suppression import suppression_hash
from ingest.neighbourhood import Region, load_region
from ingest.resolution import ResolverConfig, apply_resolution


class PersonNotFoundError(GraphServiceError):
    """No person (or merged alias) has the given id."""


class DecisionError(GraphServiceError):
    """A human decision that cannot be carried out as asked."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who takes a decision and why (kept on the decision)."""

    by: str
    reason: str


@dataclass(slots=True)
class PersonRecords:
    """A person's records as stored."""

    person: str
    profiles: dict[str, Profile]
    pins: dict[str, str]
    evidence: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _ref(key: str) -> dict[str, str]:
    source, source_id = key.split("|", 1)
    return {"source": source, "source_id": source_id}


def _records(tx: GraphTx, person_id: str) -> PersonRecords:
    rows = tx.run("persons/records", ids=[person_id])
    if not rows:
        raise PersonNotFoundError(f"no person with id {person_id!r}")
    found = PersonRecords(rows[0]["person"], {}, {}, {})
    for row in rows:
        key = f"{row['source']}|{row['source_id']}"
        found.profiles[key] = Profile.from_json(row["profile"])
        if row["pin"]:
            found.pins[key] = row["pin"]
        found.evidence[key] = {"rule": row["rule"], "evidence": json.loads(row["evidence"])}
    return found


def _person_id(tx: GraphTx, ref: str) -> str:
    """A person id, merged alias, or record key ("source|source_id") to a person id."""
    if "|" in ref:
        rows = tx.run("persons/person_of_record", **_ref(ref))
        if not rows:
            raise PersonNotFoundError(f"no resolved source record {ref!r}")
        return str(rows[0]["person"])
    return _records(tx, ref).person


def _decide(
    tx: GraphTx, kind: str, actor: Actor, persons: Sequence[str], records: Sequence[str]
) -> str:
    decision = f"d-{uuid.uuid4().hex}"
    payload = {
        "id": decision,
        "type": kind,
        "by": actor.by,
        "reason": actor.reason,
        "persons": list(persons),
        "records": list(records),
    }
    tx.run("persons/record_decision", decision=payload, now=_now())
    return decision


def _repin(tx: GraphTx, decision: str, keys: Sequence[str], drop_never: Sequence[str] = ()) -> str:
    pin = f"pin-{uuid.uuid4().hex}"
    tx.run(
        "persons/repin",
        pin=pin,
        decision=decision,
        records=[_ref(k) for k in sorted(keys)],
        drop_never=list(drop_never),
    )
    return pin


def _reresolve(tx: GraphTx, config: ResolverConfig, profiles: Sequence[Profile]) -> Region:
    now = _now()
    region = load_region(tx, profiles, config, now)
    apply_resolution(tx, region, config, now, fresh=set())
    return region


def merge(graph: GraphClient, config: ResolverConfig, a: str, b: str, actor: Actor) -> str:
    """Declare two persons one; returns the surviving person id."""

    def work(tx: GraphTx) -> str:
        left, right = _records(tx, _person_id(tx, a)), _records(tx, _person_id(tx, b))
        if left.person == right.person:
            raise DecisionError(f"{a!r} and {b!r} are already the same person")
        keys = sorted(left.profiles) + sorted(right.profiles)
        decision = _decide(tx, "merge", actor, [left.person, right.person], keys)
        old_pins = sorted(set(left.pins.values()) | set(right.pins.values()))
        _repin(tx, decision, keys, drop_never=old_pins)
        _reresolve(tx, config, [*left.profiles.values(), *right.profiles.values()])
        return _person_id(tx, keys[0])

    return graph.write_transaction(work)


def split(
    graph: GraphClient, config: ResolverConfig, person: str, keys: Sequence[str], actor: Actor
) -> tuple[str, str]:
    """Split the chosen records off into their own person, never to be re-joined.

    Returns (person id keeping the rest, person id of the chosen records).
    """

    def work(tx: GraphTx) -> tuple[str, str]:
        found = _records(tx, _person_id(tx, person))
        chosen = sorted(set(keys))
        unknown = [k for k in chosen if k not in found.profiles]
        if unknown:
            raise DecisionError(f"records {unknown} do not belong to person {found.person!r}")
        rest = sorted(set(found.profiles) - set(chosen))
        if not chosen or not rest:
            raise DecisionError("a split needs at least one record on each side")
        decision = _decide(tx, "split", actor, [found.person], chosen)
        pin_rest = _repin(tx, decision, rest)
        pin_chosen = _repin(tx, decision, chosen)
        tx.run("persons/never", a=pin_chosen, b=pin_rest, decision=decision)
        _reresolve(tx, config, list(found.profiles.values()))
        return _person_id(tx, rest[0]), _person_id(tx, chosen[0])

    return graph.write_transaction(work)


def never_merge(graph: GraphClient, config: ResolverConfig, a: str, b: str, actor: Actor) -> str:
    """Declare two persons never the same; returns the decision id."""

    def work(tx: GraphTx) -> str:
        left, right = _records(tx, _person_id(tx, a)), _records(tx, _person_id(tx, b))
        if left.person == right.person:
            raise DecisionError(
                f"{a!r} and {b!r} are one person now: split it first, naming the records"
            )
        decision = _decide(
            tx, "never", actor, [left.person, right.person], [*left.profiles, *right.profiles]
        )
        pin_a = _repin(tx, decision, sorted(left.profiles))
        pin_b = _repin(tx, decision, sorted(right.profiles))
        tx.run("persons/never", a=pin_a, b=pin_b, decision=decision)
        _reresolve(tx, config, [*left.profiles.values(), *right.profiles.values()])
        return decision

    return graph.write_transaction(work)


def explain(graph: GraphClient, config: ResolverConfig, a: str, b: str) -> dict[str, Any]:
    """Why two persons (or records) are one, or why they are not."""

    def work(tx: GraphTx) -> dict[str, Any]:
        left, right = _records(tx, _person_id(tx, a)), _records(tx, _person_id(tx, b))
        never: set[frozenset[str]] = set()
        pins = sorted(set(left.pins.values()) | set(right.pins.values()))
        if pins:
            rows = tx.run("identity/never_pairs", pins=pins)
            never = {frozenset((r["a"], r["b"])) for r in rows}
        result = explain_pair(
            list(left.profiles.values()),
            list(right.profiles.values()),
            config.weights,
            pins={**left.pins, **right.pins},
            never=frozenset(never),
        )
        result.update(asked=[a, b], persons=[left.person, right.person])
        if left.person == right.person:
            result["evidence"] = left.evidence
        return result

    return graph.read_transaction(work)


def forget(graph: GraphClient, config: ResolverConfig, person: str, actor: Actor) -> dict[str, int]:
    """Erase a person and keep it erased (salted suppression hashes, audit entry)."""

    def work(tx: GraphTx) -> dict[str, int]:
        pid = _person_id(tx, person)
        (plan,) = tx.run("persons/forget_plan", id=pid, principal_roles=sorted(PRINCIPAL_ROLES))
        records = sorted(set(plan["records"]) | set(plan["about"]))
        keys = [f"record:{k}" for k in records] + list(plan["own_identifiers"])
        hashes = sorted({suppression_hash(config.salt, k) for k in keys})
        audit = {
            "id": f"audit-{uuid.uuid4().hex}",
            "by": actor.by,
            "reason": actor.reason,
            "person_hash": suppression_hash(config.salt, f"person:{pid}"),
        }
        (done,) = tx.run(
            "persons/forget_apply",
            id=pid,
            records=records,
            identifiers=plan["own_identifiers"],
            hashes=hashes,
            audit=audit,
            now=_now(),
        )
        return {k: int(v) for k, v in done.items()}

    return graph.write_transaction(work)


def export_persons(graph: GraphClient) -> Iterator[dict[str, Any]]:
    """Every person, one JSON-ready dict each, streamed in id order."""
    for row in graph.stream("persons/export"):
        row["golden"] = json.loads(row["golden"]) if row["golden"] else {}
        yield row


ExportSink = Callable[[str], None]
