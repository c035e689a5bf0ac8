"""Worker metrics: what one tracked chunk adds, whatever way it ends."""

from __future__ import annotations

import pytest

from graph_service.worker_metrics import WorkerMetrics, create_worker_metrics


def sample(metrics: WorkerMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_processed_chunk_counts_its_records_and_latency() -> None:
    metrics = create_worker_metrics()
    with metrics.track_chunk() as tracker:
        assert sample(metrics, "graph_worker_chunks_in_flight") == 1
        tracker.record({"accepted": 3, "rejected": 1, "duplicate": 0, "suppressed": 2})
    assert sample(metrics, "graph_worker_chunks_in_flight") == 0
    assert sample(metrics, "graph_worker_records_total", outcome="accepted") == 3
    assert sample(metrics, "graph_worker_records_total", outcome="suppressed") == 2
    assert sample(metrics, "graph_worker_chunks_total", result="processed") == 1
    assert sample(metrics, "graph_worker_chunk_seconds_count", result="processed") == 1


def test_redelivered_chunk_is_skipped_and_counts_no_records() -> None:
    metrics = create_worker_metrics()
    with metrics.track_chunk() as tracker:
        tracker.record(None)
    assert sample(metrics, "graph_worker_chunks_total", result="skipped") == 1
    assert sample(metrics, "graph_worker_records_total", outcome="accepted") == 0


def test_failed_chunk_is_counted_and_the_error_propagates() -> None:
    metrics = create_worker_metrics()
    with pytest.raises(RuntimeError, match="neo4j down"), metrics.track_chunk():
        raise RuntimeError("neo4j down")
    assert sample(metrics, "graph_worker_chunks_total", result="failed") == 1
    assert sample(metrics, "graph_worker_chunks_in_flight") == 0


def test_each_worker_has_its_own_registry() -> None:
    first, second = create_worker_metrics(), create_worker_metrics()
    with first.track_chunk() as tracker:
        tracker.record({"accepted": 1})
    assert sample(second, "graph_worker_records_total", outcome="accepted") == 0
