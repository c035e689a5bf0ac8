"""Prometheus metrics of an ingest worker process, served on their own port.

dramatiq ships `dramatiq.middleware.prometheus`, but it is not used here: it only starts
its exposition server from the `dramatiq` CLI's forked processes (`forks`) and sets itself
up on `process_boot`, neither of which happens in `graph-service worker` (one process
running a `dramatiq.Worker`); it reads its port and host from its own environment
variables, creates a temp folder when imported, and counts messages, not the records and
outcomes an operator of this pipeline needs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from threading import Thread
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from graph_service.errors import ConfigurationError

# Chunk latency buckets in seconds: a chunk of 500 records takes about 1-2 s on a laptop,
# a cold worker (model load, first connection) or a big neighbourhood much longer.
CHUNK_SECONDS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


@dataclass(frozen=True, slots=True)
class WorkerMetrics:
    """The metric objects one worker process updates, in a registry it owns."""

    registry: CollectorRegistry
    records: Counter
    chunks: Counter
    chunk_seconds: Histogram
    in_flight: Gauge

    @contextmanager
    def track_chunk(self) -> Iterator[ChunkTracker]:
        """Count one chunk: in flight while inside, then processed, skipped or failed."""
        tracker = ChunkTracker(self)
        started = time.perf_counter()
        self.in_flight.inc()
        try:
            yield tracker
        except BaseException:
            self._finish("failed", started)
            raise
        else:
            self._finish(tracker.result, started)
        finally:
            self.in_flight.dec()

    def _finish(self, result: str, started: float) -> None:
        self.chunks.labels(result=result).inc()
        self.chunk_seconds.labels(result=result).observe(time.perf_counter() - started)


class ChunkTracker:
    """What one tracked chunk came to; `record` it once the chunk is accounted."""

    def __init__(self, metrics: WorkerMetrics) -> None:
        self._metrics = metrics
        self.result = "skipped"

    def record(self, counts: Mapping[str, int] | None) -> None:
        """Add a chunk's outcome counts; None means another delivery already did it."""
        if counts is None:
            return
        self.result = "processed"
        for outcome, count in counts.items():
            self._metrics.records.labels(outcome=outcome).inc(count)


def create_worker_metrics() -> WorkerMetrics:
    """A fresh registry, so several workers in one process (tests) never share counters."""
    registry = CollectorRegistry()
    return WorkerMetrics(
        registry=registry,
        records=Counter(
            "graph_worker_records",
            "Input records by outcome (accepted, rejected, duplicate, suppressed)",
            ["outcome"],
            registry=registry,
        ),
        chunks=Counter(
            "graph_worker_chunks",
            "Chunks by result: processed, skipped (already done by another delivery), failed",
            ["result"],
            registry=registry,
        ),
        chunk_seconds=Histogram(
            "graph_worker_chunk_seconds",
            "Time to process one chunk, by result",
            ["result"],
            buckets=CHUNK_SECONDS_BUCKETS,
            registry=registry,
        ),
        in_flight=Gauge(
            "graph_worker_chunks_in_flight", "Chunks being processed now", registry=registry
        ),
    )


def serve_worker_metrics(
    metrics: WorkerMetrics, *, host: str, port: int
) -> tuple[WSGIServer, Thread]:
    """Serve `metrics` at http://host:port/metrics in a daemon thread; shut it down when done."""
    try:
        return start_http_server(port, addr=host, registry=metrics.registry)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot serve worker metrics on {host}:{port} ({exc.strerror}); set "
            "GRAPH_WORKER_METRICS_PORT to a free port, or to 0 to serve none"
        ) from exc
