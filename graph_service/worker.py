"""Run dramatiq workers in this process: `graph-service worker`."""

from __future__ import annotations

import signal
import threading
from typing import Any

from dramatiq import Worker
from redis import Redis

from graph_service.db import GraphClient, create_driver
from graph_service.settings import Settings
from identity.matching import TextSimilarity
from ingest.actors import INGEST_QUEUE, IngestDeps, declare_actors
from ingest.broker import create_broker
from ingest.embeddings import load_conversation_embedder
from ingest.resolution import ResolverConfig


def _semantic(settings: Settings) -> TextSimilarity | None:
    if not settings.semantic_matching:
        return None
    from ingest.text_similarity import SentenceSimilarity

    return SentenceSimilarity.load(settings.embedding_model, settings.embedding_device)


def build_ingest(settings: Settings) -> tuple[Any, Any]:
    """The broker and the ingest actor, wired to lazily built dependencies."""
    broker = create_broker(settings)

    def deps() -> IngestDeps:
        graph = GraphClient.for_settings(create_driver(settings), settings)
        return IngestDeps(
            redis=Redis.from_url(settings.redis_url),
            graph=graph,
            resolver=ResolverConfig.from_settings(settings, semantic=_semantic(settings)),
            embedder=load_conversation_embedder(settings),
        )

    return broker, declare_actors(broker, deps)


def run_worker(settings: Settings, *, threads: int) -> None:
    """Consume the ingest queue until SIGINT or SIGTERM."""
    broker, _ = build_ingest(settings)
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
