"""Thin, idempotent dramatiq actors: they take ids, not payloads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dramatiq
from redis import Redis

from graph_service.db import GraphClient
from ingest.batches import finish_chunk, load_chunk
from ingest.embeddings import Embedder, embed_after_chunk
from ingest.linking_rows import scoped_id
from ingest.records import parse_chunk
from ingest.resolution import ResolverConfig, store_and_resolve

if TYPE_CHECKING:
    from graph_service.settings import Settings
    from graph_service.worker_metrics import WorkerMetrics

# Queue the ingest actors listen on.
INGEST_QUEUE = "ingest"


@dataclass(slots=True)
class IngestDeps:
    """What the actors need, built once per worker process."""

    redis: Redis[bytes]
    graph: GraphClient
    resolver: ResolverConfig
    embedder: Embedder | None = None


def process_chunk(deps: IngestDeps, chunk_id: str) -> dict[str, int] | None:
    """Parse, store and account one parked chunk and return its counts.

    A second delivery does nothing and returns None.
    """
    loaded = load_chunk(deps.redis, chunk_id)
    if loaded is None:
        return None
    run_id, lines = loaded
    parsed = parse_chunk(lines, deps.resolver.phone_regions)
    counts = {"accepted": 0, "duplicate": 0, "suppressed": 0, "rejected": len(parsed.rejections)}
    if parsed.rows:
        outcome = store_and_resolve(
            deps.graph, parsed.rows, deps.resolver, batch_id=run_id, chunk_id=chunk_id
        )
        counts.update(
            accepted=outcome.accepted, duplicate=outcome.duplicate, suppressed=outcome.suppressed
        )
    # Before finish_chunk, so a finished run has its conversations embedded.
    conversations = [
        scoped_id(row["source"], row["source_id"])
        for row in parsed.rows
        if row["kind"] == "conversation"
    ]
    embed_after_chunk(deps.graph, deps.embedder, conversations)
    rejects: dict[str | bytes, str] = {
        f"{run_id}:{r.origin}:{r.line_no}": r.to_json() for r in parsed.rejections
    }
    done = finish_chunk(
        deps.redis, run_id=run_id, chunk_id=chunk_id, counts=counts, rejects=rejects
    )
    return counts if done else None


def ingest_actor_options(settings: Settings) -> dict[str, int]:
    """The ingest actor's retry and time-limit options (dramatiq's names, milliseconds)."""
    return {
        "max_retries": settings.ingest_max_retries,
        "time_limit": int(settings.ingest_time_limit_s * 1000),
        "min_backoff": settings.ingest_min_backoff_ms,
        "max_backoff": settings.ingest_max_backoff_ms,
    }


class SharedDeps:
    """A worker process's dependencies, built once: on the first message, or by calling
    it at start-up, so the first chunk does not wait seconds for the models to load."""

    def __init__(self, factory: Callable[[], IngestDeps]) -> None:
        self._factory = factory
        self._built: IngestDeps | None = None
        # Worker threads start together: without the lock each built its own models at
        # once, and transformers switches torch's process-wide default dtype while loading
        # the bf16 embedder, so a bio model loading beside it could end up half bf16
        # (every chunk then failed with "mat1 and mat2 must have the same dtype").
        self._lock = threading.Lock()

    def __call__(self) -> IngestDeps:
        with self._lock:
            if self._built is None:
                self._built = self._factory()
            return self._built


def declare_actors(
    broker: dramatiq.Broker,
    deps_factory: Callable[[], IngestDeps],
    *,
    options: dict[str, Any] | None = None,
    metrics: WorkerMetrics | None = None,
) -> Any:
    """Declare the ingest actor on `broker`; dependencies are built on first use in the worker
    (or earlier, when `deps_factory` is a `SharedDeps` the worker warms up).

    `options` (retries, time limit, backoff) override the broker's defaults; `metrics`,
    when given, counts chunks and record outcomes. Exceptions propagate, so dramatiq
    retries the message and dead-letters it once retries are exhausted.
    """
    deps = deps_factory if isinstance(deps_factory, SharedDeps) else SharedDeps(deps_factory)

    def run(chunk_id: str) -> dict[str, int] | None:
        return process_chunk(deps(), chunk_id)

    def ingest_chunk(chunk_id: str) -> None:
        if metrics is None:
            run(chunk_id)
            return
        with metrics.track_chunk() as tracker:
            tracker.record(run(chunk_id))

    decorate = dramatiq.actor(
        broker=broker, queue_name=INGEST_QUEUE, actor_name="ingest_chunk", **(options or {})
    )
    return decorate(ingest_chunk)
