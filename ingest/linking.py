"""Materialise the business graph of source records, inside the resolver's transaction.

People change under the records that name them: a referee's contact arrives after the
referral, two persons merge (the merged one is deleted), a split moves records away. So
nothing person-level is written once and kept: a record's relationships are *derived*
from `(:SourceRecord)-[:REFERS_TO {role}]->(:Identifier)<-[:HAS_IDENTIFIER]-(:Person)`
(identity records: `-[:RESOLVED_TO]->(:Person)`) and re-derived ("relinked") whenever
that may have changed:

* `link_changed`, for a chunk's new or changed records, right after their identifiers are
  linked: every changed non-identity record is relinked; employee records get their
  manager reference and are relinked once resolution has placed them;
* `link_persons`, after resolution wrote persons, merges and identifiers: every record
  that refers to, resolved to, or has relationships on a touched person is relinked if
  the persons it leads to differ from those it was last linked to (its signature).

Relinking deletes the relationships a record derived (each carries the record's
`source` and `source_id`) and creates them again; business nodes are MERGEd on their
keys, so a replay changes nothing. Model and reasons: docs/graph-model.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph_service.db import GraphTx
from identity.profile import IDENTITY_KINDS, person_refs
from ingest import companies
from ingest.linking_consent import consent_row
from ingest.linking_rows import (
    KIND_LINKS,
    LinkBatch,
    Target,
    build_batch,
    derives_anything,
    needs_relink,
    resolve_roles,
)
from ingest.neighbourhood import record_ref

# Identity kinds whose records link their own person (via RESOLVED_TO) to something.
SUBJECT_KINDS = frozenset(k for k in KIND_LINKS if k in IDENTITY_KINDS)
# References an identity record of a subject kind keeps, by role (others are matched).
SUBJECT_REF_ROLES = frozenset({"manager"})


def link_changed(tx: GraphTx, rows: Sequence[Mapping[str, Any]], now: str) -> int:
    """Link a chunk's new or changed stored rows; returns the records relinked now."""
    subjects = [row for row in rows if row["kind"] in SUBJECT_KINDS]
    if subjects:
        refers = [_subject_refs(row) for row in subjects]
        tx.run("link/refer_identifiers", records=refers, now=now)
    payloads = {
        _key(row): row["payload"]
        for row in rows
        if row["kind"] in KIND_LINKS and row["kind"] not in IDENTITY_KINDS
    }
    return _relink(tx, payloads.keys(), payloads, force=True)


def link_persons(
    tx: GraphTx, person_ids: Sequence[str], known: Mapping[str, Mapping[str, Any]] | None = None
) -> int:
    """Relink the records whose persons may have changed with `person_ids`, and refresh
    the consent state of persons whose consent changes were relinked (the caller wrote
    the others' with their golden records, see `consent_fields`). `known`: decoded
    payloads the caller holds, by record key (not read again). Returns the records
    relinked."""
    if not person_ids:
        return 0
    rows = tx.run("link/affected_records", ids=list(person_ids), kinds=sorted(KIND_LINKS))
    keys = [f"{row['source']}|{row['source_id']}" for row in rows]
    return _relink(tx, keys, {}, force=False, known=known)


def consent_fields(tx: GraphTx, goldens: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Consent flags and provenance of persons from their new golden records (JSON by
    person id) and the consent changes linked to them now."""
    rows = tx.run("link/person_consent_changes", ids=sorted(goldens))
    changes = {row["id"]: row["changes"] for row in rows}
    fields = {}
    for person, golden in goldens.items():
        state = consent_row(person, golden, changes.get(person, []))
        fields[person] = {k: v for k, v in state.items() if k != "id"}
    return fields


def _relink(
    tx: GraphTx,
    keys: Iterable[str],
    payloads: Mapping[str, str],
    *,
    force: bool,
    known: Mapping[str, Mapping[str, Any]] | None = None,
) -> int:
    """Delete and rebuild the derived relationships of the records that need it."""
    targets = _targets(tx, sorted(set(keys)))
    plans = [(t, resolve_roles(t.refs, t.subject)) for t in targets]
    plans = [(t, persons) for t, persons in plans if needs_relink(t, persons, force=force)]
    records = _payloads(tx, [t for t, _ in plans], payloads, known or {})
    # A record never linked that derives nothing (a contact naming no employer) has
    # nothing to write or delete: most contacts, in every chunk that touches their person.
    plans = [
        (t, persons)
        for t, persons in plans
        if t.signature is not None or derives_anything(t.kind, records[t.key])
    ]
    batch = build_batch((t, persons, records[t.key]) for t, persons in plans)
    if plans:
        _write(tx, batch)
    refresh_consent(tx, sorted(batch.consent_persons))
    return len(plans)


def _targets(tx: GraphTx, keys: Sequence[str]) -> list[Target]:
    if not keys:
        return []
    rows = tx.run("link/record_refs", records=[record_ref(k) for k in keys])
    return [
        Target(
            source=row["source"],
            source_id=row["source_id"],
            kind=row["kind"],
            refs=tuple((r["role"], r["person"], r["hits"]) for r in row["refs"]),
            subject=row["subject"],
            signature=row["signature"],
        )
        for row in rows
        if row["kind"] in KIND_LINKS
    ]


def _payloads(
    tx: GraphTx,
    targets: Sequence[Target],
    known: Mapping[str, str],
    decoded: Mapping[str, Mapping[str, Any]],
) -> dict[str, Mapping[str, Any]]:
    """Decoded payloads of the targets: `decoded` ones as they are, `known` JSON texts
    decoded, the rest read from the graph."""
    records: dict[str, Mapping[str, Any]] = {
        t.key: decoded[t.key] for t in targets if t.key in decoded
    }
    texts = {t.key: known[t.key] for t in targets if t.key in known and t.key not in records}
    missing = [record_ref(t.key) for t in targets if t.key not in records and t.key not in texts]
    if missing:
        for row in tx.run("link/record_payloads", records=missing):
            texts[f"{row['source']}|{row['source_id']}"] = row["payload"]
    records.update((key, json.loads(text)) for key, text in texts.items())
    return records


def _write(tx: GraphTx, batch: LinkBatch) -> None:
    # Signatures first: writing them write-locks the records, so a concurrent relink of
    # the same record waits here and then sees (and deletes) what this one created.
    tx.run("link/mark_linked", records=batch.signatures)
    tx.run("link/unlink", by_type=batch.unlink)
    companies.resolve_names(tx, batch.rows)
    for query, rows in sorted(batch.rows.items()):
        tx.run(query, rows=rows)
    companies.settle_names(tx, batch.rows)


def refresh_consent(tx: GraphTx, person_ids: Sequence[str]) -> None:
    """Recompute the consent flags and provenance of the given persons."""
    if not person_ids:
        return
    rows = tx.run("link/consent_inputs", ids=list(person_ids))
    states = [consent_row(r["id"], r["golden"], r["changes"]) for r in rows]
    if states:
        tx.run("link/set_consent", persons=states)


def _subject_refs(row: Mapping[str, Any]) -> dict[str, Any]:
    """The people an identity record refers to (its manager), for REFERS_TO links."""
    refs = person_refs(json.loads(row["payload"]))
    refers = [
        identifier_row(key) | {"as": role}
        for role, keys in refs
        if role in SUBJECT_REF_ROLES
        for key in keys
    ]
    return {"source": row["source"], "source_id": row["source_id"], "refers": refers}


def identifier_row(key: str) -> dict[str, Any]:
    """An identifier key ("email:ann@x.org", "account:x:ann") as the label and fields its
    node is created with."""
    kind, _, rest = key.partition(":")
    label, names = _IDENTIFIER_NODES[kind]
    # Accounts and external ids are "owner:value"; the value itself may hold colons.
    values = rest.partition(":")[::2] if len(names) == 2 else (rest,)
    return {"key": key, "label": label, "props": dict(zip(names, values, strict=True))}


# Identifier kind -> the label and field names of its node.
_IDENTIFIER_NODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("Email", ("address",)),
    "phone": ("Phone", ("e164",)),
    "account": ("Account", ("platform", "handle")),
    "external": ("ExternalId", ("system", "value")),
}


def _key(row: Mapping[str, Any]) -> str:
    return f"{row['source']}|{row['source_id']}"
