"""Run dramatiq workers in this process: `graph-service worker`."""

from __future__ import annotations

import signal
import threading
from typing import Any

from dramatiq import Worker
from redis import Redis

from graph_service.db import GraphClient, create_driver
from graph_service.settings import Settings
from graph_service.worker_metrics import (
    WorkerMetrics,
    create_worker_metrics,
    serve_worker_metrics,
)
from identity.matching import TextSimilarity
from ingest.actors import INGEST_QUEUE, IngestDeps, declare_actors, ingest_actor_options
from ingest.broker import create_broker
from ingest.embeddings import load_conversation_embedder
from ingest.resolution import ResolverConfig


def load_semantic(settings: Settings) -> TextSimilarity | None:
    """The bio similarity model the workers match with (None when semantic matching is
    off); bench/identity loads the same."""
    if not settings.semantic_matching:
        return None
    from ingest.embeddings import Embedder, EmbedderConfig
    from ingest.text_similarity import SentenceSimilarity

    # The conversation embeddings' model, backend and torch threads (bf16 where the CPU
    # has it): bios were the bigger part of resolving social profiles in plain fp32.
    return SentenceSimilarity.with_embedder(Embedder.load(EmbedderConfig.from_settings(settings)))


def build_ingest(settings: Settings, *, metrics: WorkerMetrics | None = None) -> tuple[Any, Any]:
    """The broker and the ingest actor, wired to lazily built dependencies (and metrics)."""
    broker = create_broker(settings)

    def deps() -> IngestDeps:
        graph = GraphClient.for_settings(create_driver(settings), settings)
        return IngestDeps(
            redis=Redis.from_url(settings.redis_url),
            graph=graph,
            resolver=ResolverConfig.from_settings(settings, semantic=load_semantic(settings)),
            embedder=load_conversation_embedder(settings),
        )

    options = ingest_actor_options(settings)
    return broker, declare_actors(broker, deps, options=options, metrics=metrics)


def run_worker(settings: Settings, *, threads: int) -> None:
    """Consume the ingest queue until SIGINT or SIGTERM."""
    metrics = create_worker_metrics()
    broker, _ = build_ingest(settings, metrics=metrics)
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
        stop.wait()
    finally:
        worker.stop()
        broker.close()
        if server is not None:
            server.shutdown()
