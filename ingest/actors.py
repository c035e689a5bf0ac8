"""Thin, idempotent dramatiq actors: they take ids, not payloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from redis import Redis

from graph_service.db import GraphClient
from ingest.batches import finish_chunk, load_chunk
from ingest.embeddings import Embedder, embed_after_chunk
from ingest.records import parse_chunk
from ingest.resolution import ResolverConfig, store_and_resolve

# Queue the ingest actors listen on.
INGEST_QUEUE = "ingest"


@dataclass(slots=True)
class IngestDeps:
    """What the actors need, built once per worker process."""

    redis: Redis[bytes]
    graph: GraphClient
    resolver: ResolverConfig
    embedder: Embedder | None = None


def process_chunk(deps: IngestDeps, chunk_id: str) -> None:
    """Parse, store and account one parked chunk; a second delivery does nothing."""
    loaded = load_chunk(deps.redis, chunk_id)
    if loaded is None:
        return
    run_id, lines = loaded
    parsed = parse_chunk(lines, deps.resolver.phone_regions)
    counts = {"accepted": 0, "duplicate": 0, "suppressed": 0, "rejected": len(parsed.rejections)}
    if parsed.rows:
        outcome = store_and_resolve(deps.graph, parsed.rows, deps.resolver, batch_id=run_id)
        counts.update(
            accepted=outcome.accepted, duplicate=outcome.duplicate, suppressed=outcome.suppressed
        )
    # Before finish_chunk, so a finished run has its conversations embedded.
    embed_after_chunk(deps.graph, deps.embedder)
    rejects: dict[str | bytes, str] = {
        f"{run_id}:{r.origin}:{r.line_no}": r.to_json() for r in parsed.rejections
    }
    finish_chunk(deps.redis, run_id=run_id, chunk_id=chunk_id, counts=counts, rejects=rejects)


def declare_actors(broker: dramatiq.Broker, deps_factory: Callable[[], IngestDeps]) -> Any:
    """Declare the ingest actor on `broker`; dependencies are built on first use in the worker."""
    cache: list[IngestDeps] = []

    def ingest_chunk(chunk_id: str) -> None:
        if not cache:
            cache.append(deps_factory())
        process_chunk(cache[0], chunk_id)

    decorate = dramatiq.actor(broker=broker, queue_name=INGEST_QUEUE, actor_name="ingest_chunk")
    return decorate(ingest_chunk)
