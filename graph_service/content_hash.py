"""A content hash of the whole graph: equal hashes mean equal node and relationship content.

Each node contributes its sorted labels and sorted properties; each relationship its type,
sorted properties and both endpoints' labels and key properties. Each item is serialised as
canonical JSON and hashed; the item digests are added modulo 2**256 (a multiset hash), so
the result does not depend on the order the server streams them in and memory stays flat.

Volatile properties (`VOLATILE_PROPERTIES`) record *when* or *in which run* something was
written, not *what* the graph says; they are left out by default so that the same content
written at another time hashes the same. `include_volatile=True` keeps them (a stricter
check, e.g. that a replay rewrote nothing at all).

Example:

    >>> digest = content_hash(driver, library, database="neo4j")  # doctest: +SKIP
    >>> digest.nodes, digest.relationships, digest.sha256  # doctest: +SKIP
    (11842, 40213, '3f1c...')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import click
from neo4j import Driver, ManagedTransaction

from graph_service.cli_support import clear_errors, settings_from
from graph_service.cypher import CypherLibrary
from graph_service.db import create_driver

__all__ = [
    "KEY_PROPERTIES",
    "VOLATILE_PROPERTIES",
    "ContentHash",
    "content_hash",
    "graph_group",
]

# Properties that record when or in which ingest run something was written; the same
# content written at another time differs only in these.
VOLATILE_PROPERTIES: Mapping[str, frozenset[str]] = {
    # first_batch / last_batch: ids of the ingest runs that created / last rewrote a record;
    # last_chunk: the chunk that last rewrote it.
    "SourceRecord": frozenset({"first_batch", "last_batch", "last_chunk"}),
    # first_seen / touched_at: clock times of the first and latest link to the identifier.
    "Identifier": frozenset({"first_seen", "touched_at"}),
    # created_at / updated_at: clock times of the person's creation and latest re-resolution.
    "Person": frozenset({"created_at", "updated_at"}),
    # merged_at: clock time of the merge that retired this person id.
    "PersonAlias": frozenset({"merged_at"}),
    # applied_at: clock time `graph-service migrate` applied the file.
    "SchemaMigration": frozenset({"applied_at"}),
    # RESOLVED_TO.at: clock time of the resolution decision (its rule and evidence stay).
    "RESOLVED_TO": frozenset({"at"}),
}
# Properties that identify a node (the uniquely constrained keys of the schema): a
# relationship's endpoints are named by these, never by server-internal element ids.
KEY_PROPERTIES = (
    "id",
    "key",
    "source",
    "source_id",
    "hash",
    "address",
    "e164",
    "platform",
    "handle",
    "system",
    "value",
    "domain",
    "sku",
    "name",
    "version",
)
# Item digests are summed modulo this (SHA-256 width).
_MODULUS = 2**256


@dataclass(frozen=True, slots=True)
class ContentHash:
    """Node and relationship counts and the SHA-256 over their canonical content."""

    nodes: int
    relationships: int
    sha256: str

    def describe(self) -> str:
        """One line for people: counts and the digest."""
        return f"nodes={self.nodes} relationships={self.relationships} sha256={self.sha256}"


class _Multiset:
    """An order-independent digest of canonical items (sum of SHA-256 values)."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def add(self, item: Any) -> None:
        text = json.dumps(item, sort_keys=True, ensure_ascii=False, default=_plain)
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % _MODULUS
        self.count += 1


def _plain(value: Any) -> Any:
    """JSON for Neo4j temporal and spatial values: their ISO text or repr, tagged by type."""
    iso = getattr(value, "iso_format", None)
    text = iso() if callable(iso) else repr(value)
    return {"$type": type(value).__name__, "value": text}


def _stable(props: Mapping[str, Any], volatile: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in volatile}


def _node_volatile(labels: Iterable[str], include_volatile: bool) -> frozenset[str]:
    if include_volatile:
        return frozenset()
    return frozenset().union(*(VOLATILE_PROPERTIES.get(label, frozenset()) for label in labels))


def _fold_nodes(tx: ManagedTransaction, text: str, include_volatile: bool) -> _Multiset:
    digest = _Multiset()
    for record in tx.run(text):
        labels = sorted(record["labels"])
        props = _stable(record["props"], _node_volatile(labels, include_volatile))
        digest.add({"labels": labels, "props": props})
    return digest


def _fold_relationships(tx: ManagedTransaction, text: str, include_volatile: bool) -> _Multiset:
    digest = _Multiset()
    for record in tx.run(text, key_properties=list(KEY_PROPERTIES)):
        volatile = frozenset() if include_volatile else VOLATILE_PROPERTIES.get(record["type"])
        digest.add(
            {
                "type": record["type"],
                "props": _stable(record["props"], volatile or frozenset()),
                "start": [sorted(record["start_labels"]), record["start_key"]],
                "end": [sorted(record["end_labels"]), record["end_key"]],
            }
        )
    return digest


def content_hash(
    driver: Driver, library: CypherLibrary, *, database: str, include_volatile: bool = False
) -> ContentHash:
    """Hash every node and relationship of `database`, streaming (one read each)."""
    nodes_text = library.text("ops/content_nodes")
    rels_text = library.text("ops/content_relationships")
    with driver.session(database=database) as session:
        nodes = session.execute_read(_fold_nodes, nodes_text, include_volatile)
        rels = session.execute_read(_fold_relationships, rels_text, include_volatile)
    summary = f"{nodes.count}:{nodes.total:064x}:{rels.count}:{rels.total:064x}"
    return ContentHash(
        nodes=nodes.count,
        relationships=rels.count,
        sha256=hashlib.sha256(summary.encode("ascii")).hexdigest(),
    )


@click.group("graph")
def graph_group() -> None:
    """Whole-graph checks."""


@graph_group.command("hash")
@click.option(
    "--include-volatile",
    is_flag=True,
    help="Also hash write times and run ids (touched_at, last_batch, last_chunk, ...).",
)
@click.pass_context
@clear_errors
def hash_command(ctx: click.Context, include_volatile: bool) -> None:
    """Print node and relationship counts and a content hash of the graph."""
    settings = settings_from(ctx)
    library = CypherLibrary.load(settings.cypher_dir)
    with create_driver(settings) as driver:
        digest = content_hash(
            driver, library, database=settings.neo4j_database, include_volatile=include_volatile
        )
    click.echo(digest.describe())
