"""Dead letters on the real Redis broker: a chunk that keeps failing on Neo4j is dead-lettered
after the configured retries, listed with its reason, and redriven once Neo4j is right.

Workers run in this process on a broker of their own namespace (other workers on the shared
Redis never see these messages). The failure is real: the first worker's graph client names
a Neo4j database that does not exist.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dramatiq import Worker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Callbacks, Pipelines, Retries, ShutdownNotifications, TimeLimit
from neo4j import Driver
from redis import Redis

from graph_service.cypher import CypherLibrary
from graph_service.db import GraphClient
from graph_service.settings import Settings, load_settings
from graph_service.worker_metrics import WorkerMetrics, create_worker_metrics
from ingest.actors import INGEST_QUEUE, IngestDeps, declare_actors, ingest_actor_options
from ingest.batches import RawLine, chunk_key, new_run, run_key, seal_run, store_chunk
from ingest.dead_letters import (
    DeadLetter,
    DeadLetterError,
    list_dead_letters,
    purge_dead_letters,
    redrive_dead_letters,
)
from ingest.resolution import ResolverConfig
from ingest.submit import wait_for_run

# Retries configured for the failing worker, with short backoffs so the test is quick.
RETRIES = 1


@pytest.fixture
def namespace(redis_client: Redis[bytes]) -> Iterator[str]:
    name = f"graph-service-test-{uuid.uuid4().hex[:12]}"
    yield name
    for key in redis_client.scan_iter(f"{name}:*"):
        redis_client.delete(key)


def make_broker(settings: Settings, namespace: str) -> RedisBroker:
    middleware = [TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]
    return RedisBroker(  # type: ignore[no-untyped-call]
        url=settings.redis_url, namespace=namespace, middleware=middleware
    )


class Running:
    """A broker with the ingest actor declared on it and a worker consuming it."""

    def __init__(
        self,
        settings: Settings,
        namespace: str,
        deps: IngestDeps,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        limits = load_settings(
            ingest_max_retries=RETRIES, ingest_min_backoff_ms=50, ingest_max_backoff_ms=100
        )
        self.broker = make_broker(settings, namespace)
        self.actor = declare_actors(
            self.broker, lambda: deps, options=ingest_actor_options(limits), metrics=metrics
        )
        self.worker = Worker(self.broker, worker_threads=1, queues={INGEST_QUEUE})
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.broker.close()


@pytest.fixture
def start(settings: Settings, namespace: str) -> Iterator[Callable[..., Running]]:
    running: list[Running] = []

    def _start(deps: IngestDeps, metrics: WorkerMetrics | None = None) -> Running:
        running.append(Running(settings, namespace, deps, metrics))
        return running[-1]

    yield _start
    for item in running:
        item.stop()


@pytest.fixture
def deps(redis_client: Redis[bytes], graph: GraphClient, settings: Settings) -> IngestDeps:
    return IngestDeps(
        redis=redis_client, graph=graph, resolver=ResolverConfig.from_settings(settings)
    )


@pytest.fixture
def broken_deps(
    deps: IngestDeps, neo4j_driver: Driver, library: CypherLibrary, unique_id: str
) -> IngestDeps:
    """The same worker, but its graph client names a database that does not exist."""
    database = f"nosuch{unique_id.replace('-', '')}"
    graph = GraphClient(driver=neo4j_driver, library=library, database=database)
    return IngestDeps(redis=deps.redis, graph=graph, resolver=deps.resolver)


def park_run(redis: Redis[bytes], source: str, count: int) -> tuple[str, str]:
    """A sealed one-chunk run of valid contacts; returns (run id, chunk id)."""
    lines = [
        RawLine(
            f"{source}.jsonl",
            n,
            json.dumps(
                {
                    "kind": "contact",
                    "source": source,
                    "source_id": str(n),
                    "observed_at": "2026-01-02T03:04:05Z",
                    "emails": [f"p{n}@{source}.example.com"],
                }
            ),
        )
        for n in range(1, count + 1)
    ]
    run_id = new_run(redis)
    chunk_id = store_chunk(redis, run_id, lines)
    seal_run(redis, run_id, chunks=1, lines=count)
    return run_id, chunk_id


def wait_dead(broker: RedisBroker, chunk_id: str, timeout_s: float = 60) -> DeadLetter:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for letter in list_dead_letters(broker):
            if letter.args == [chunk_id]:
                return letter
        time.sleep(0.1)
    raise AssertionError(f"chunk {chunk_id} was not dead-lettered in {timeout_s}s")


def source_records(graph: GraphClient, source: str) -> int:
    rows = graph.read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] == source)


def test_failing_chunk_is_dead_lettered_then_redriven(
    start: Callable[..., Running],
    deps: IngestDeps,
    broken_deps: IngestDeps,
    graph: GraphClient,
    unique_id: str,
) -> None:
    metrics = create_worker_metrics()
    failing = start(broken_deps, metrics)
    run_id, chunk_id = park_run(deps.redis, unique_id, 2)
    sent = failing.actor.send(chunk_id)
    letter = wait_dead(failing.broker, chunk_id)
    failing.stop()
    assert (letter.actor, letter.queue, letter.message_id) == (
        "ingest_chunk",
        "ingest",
        sent.message_id,
    )
    # dramatiq keeps the message as last enqueued: its retries, and the reason it was retried.
    assert letter.retries == RETRIES
    assert letter.reason.startswith("neo4j.exceptions.ClientError")
    assert "DatabaseNotFound" in letter.reason
    # The failed attempts were counted, and nothing is left in flight.
    failed = metrics.registry.get_sample_value("graph_worker_chunks_total", {"result": "failed"})
    assert failed == RETRIES + 1
    assert metrics.registry.get_sample_value("graph_worker_chunks_in_flight") == 0
    assert deps.redis.exists(chunk_key(chunk_id)), "the chunk waits, parked"

    healthy = start(deps)
    redriven = redrive_dead_letters(healthy.broker, [letter.message_id])
    assert [d.id for d in redriven] == [letter.id]
    counts = wait_for_run(deps.redis, run_id, timeout_s=120)
    assert counts["accepted"] == 2
    assert source_records(graph, unique_id) == 2
    assert all(d.args != [chunk_id] for d in list_dead_letters(healthy.broker))
    assert not deps.redis.exists(chunk_key(chunk_id))
    deps.redis.delete(run_key(run_id))


def test_purged_dead_letter_is_gone_and_its_chunk_stays(
    start: Callable[..., Running], deps: IngestDeps, broken_deps: IngestDeps, unique_id: str
) -> None:
    failing = start(broken_deps)
    run_id, chunk_id = park_run(deps.redis, unique_id, 1)
    failing.actor.send(chunk_id)
    letter = wait_dead(failing.broker, chunk_id)
    with pytest.raises(DeadLetterError, match="no-such-id"):
        purge_dead_letters(failing.broker, [letter.id, "no-such-id"])
    assert purge_dead_letters(failing.broker, [letter.id]) == 1
    assert list_dead_letters(failing.broker) == []
    assert deps.redis.exists(chunk_key(chunk_id))
    deps.redis.delete(chunk_key(chunk_id), run_key(run_id))


def test_redrive_of_nothing_named_fails_clearly(
    settings: Settings, namespace: str, redis_client: Any
) -> None:
    broker = make_broker(settings, namespace)
    with pytest.raises(DeadLetterError, match="no dead-lettered message with id x"):
        redrive_dead_letters(broker, ["x"])
    assert redrive_dead_letters(broker, None) == []
