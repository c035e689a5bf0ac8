"""Run dramatiq workers in this process: `graph-service worker`."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq import Worker
from redis import Redis
from redis.exceptions import RedisError

from graph_service.db import GraphClient, create_driver
from graph_service.settings import Settings
from graph_service.worker_metrics import (
    WorkerMetrics,
    create_worker_metrics,
    serve_worker_metrics,
)
from identity.matching import TextSimilarity
from ingest.actors import (
    INGEST_QUEUE,
    IngestDeps,
    SharedDeps,
    declare_actors,
    ingest_actor_options,
)
from ingest.batches import resend_stale_chunks
from ingest.broker import create_broker, patient_redis
from ingest.embeddings import Embedder, EmbedderConfig, load_conversation_embedder
from ingest.resolution import ResolverConfig

logger = logging.getLogger(__name__)


def load_semantic(settings: Settings, embedder: Embedder | None = None) -> TextSimilarity | None:
    """The bio similarity model the workers match with (None when semantic matching is
    off); bench/identity loads the same. It shares `embedder` (the conversation
    embedder, built from the same settings) when given, so a worker holds one model."""
    if not settings.semantic_matching:
        return None
    from ingest.text_similarity import SentenceSimilarity

    # The conversation embeddings' model, backend and torch threads (bf16 where the CPU
    # has it): bios were the bigger part of resolving social profiles in plain fp32.
    shared = embedder or Embedder.load(EmbedderConfig.from_settings(settings))
    return SentenceSimilarity.with_embedder(shared)


def build_ingest(
    settings: Settings, *, metrics: WorkerMetrics | None = None, warm: bool = False
) -> tuple[Any, Any]:
    """The broker and the ingest actor, wired to lazily built dependencies (and metrics);
    `warm` builds them now (a worker loads its models before it takes messages)."""
    broker = create_broker(settings)

    def deps() -> IngestDeps:
        graph = GraphClient.for_settings(create_driver(settings), settings)
        embedder = load_conversation_embedder(settings)
        semantic = load_semantic(settings, embedder)
        return IngestDeps(
            # Patient: a chunk that meets a Redis restart finishes once Redis is back,
            # instead of failing and being processed again (its records then counted as
            # duplicates of themselves).
            redis=patient_redis(settings.redis_url),
            graph=graph,
            resolver=ResolverConfig.from_settings(settings, semantic=semantic),
            embedder=embedder,
        )

    shared = SharedDeps(deps)
    if warm:
        started = time.monotonic()
        shared()
        logger.info("worker dependencies ready in %.1f s", time.monotonic() - started)
    options = ingest_actor_options(settings)
    return broker, declare_actors(broker, shared, options=options, metrics=metrics)


def run_worker(settings: Settings, *, threads: int) -> None:
    """Consume the ingest queue until SIGINT or SIGTERM, sweeping stale chunks meanwhile."""
    metrics = create_worker_metrics()
    broker, actor = build_ingest(settings, metrics=metrics, warm=True)
    redis: Redis[bytes] = Redis.from_url(settings.redis_url, socket_timeout=10)
    server = None
    if settings.worker_metrics_port:
        host, port = settings.worker_metrics_host, settings.worker_metrics_port
        server, _ = serve_worker_metrics(metrics, host=host, port=port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker = Worker(broker, worker_threads=threads, queues={INGEST_QUEUE})
    worker.start()
    try:
        while not stop.wait(sweep_interval_s(settings)):
            sweep_parked_chunks(redis, actor.send, settings)
    finally:
        worker.stop()
        broker.close()
        redis.close()
        if server is not None:
            server.shutdown()


def sweep_interval_s(settings: Settings) -> float:
    """How often a worker looks for stale parked chunks."""
    return min(60.0, settings.ingest_resend_after_s / 2)


def sweep_parked_chunks(
    redis: Redis[bytes], send: Callable[[str], object], settings: Settings
) -> None:
    """Re-send the messages of stale parked chunks (`ingest.batches.resend_stale_chunks`);
    a failed sweep is logged and tried again at the next interval, never fatal."""
    try:
        sweep = resend_stale_chunks(
            redis,
            send,
            older_than_s=settings.ingest_resend_after_s,
            max_resends=settings.ingest_max_resends,
        )
    except (RedisError, dramatiq.errors.DramatiqError) as exc:
        logger.warning(
            "sweep of parked chunks failed, next try in %.0f s: %s", sweep_interval_s(settings), exc
        )
        return
    if sweep and sweep.resent:
        logger.warning(
            "re-sent the messages of %d stale parked chunks: %s",
            len(sweep.resent),
            ", ".join(sweep.resent),
        )
    if sweep and sweep.given_up:
        # Not necessarily lost: behind a backlog longer than the re-sends cover, the first
        # message is still queued. Otherwise it is in the dead letters, or gone.
        logger.warning(
            "%d chunks still parked after %d re-sends, no more re-sends (a long backlog, "
            "else see graph-service dead-letters): %s",
            len(sweep.given_up),
            settings.ingest_max_resends,
            ", ".join(sweep.given_up),
        )
