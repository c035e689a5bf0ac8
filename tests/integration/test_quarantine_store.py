"""The quarantine on the real Redis, fed and retried by a real dramatiq worker and Neo4j.

The worker runs in this process on a broker of its own namespace, so other workers on
the shared Redis never take these messages; the quarantine itself is the shared one, and
every record here belongs to runs this test created.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from dramatiq import Worker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Callbacks, Pipelines, Retries, ShutdownNotifications, TimeLimit
from redis import Redis

from graph_service.db import GraphClient
from graph_service.settings import Settings
from ingest.actors import INGEST_QUEUE, IngestDeps, declare_actors, process_chunk
from ingest.batches import (
    RawLine,
    new_run,
    quarantine_id,
    quarantine_key,
    run_key,
    seal_run,
    store_chunk,
)
from ingest.quarantine import (
    QuarantineError,
    entry_key,
    get_quarantined,
    lineage_key,
    list_quarantined,
    purge_quarantined,
    retry_quarantined,
)
from ingest.resolution import ResolverConfig
from ingest.submit import wait_for_run


@pytest.fixture
def deps(redis_client: Redis[bytes], graph: GraphClient, settings: Settings) -> IngestDeps:
    return IngestDeps(
        redis=redis_client, graph=graph, resolver=ResolverConfig.from_settings(settings)
    )


@pytest.fixture
def actor(settings: Settings, deps: IngestDeps, redis_client: Redis[bytes]) -> Iterator[Any]:
    """The real ingest actor on a private-namespace broker, with a worker consuming it."""
    namespace = f"graph-service-test-{uuid.uuid4().hex[:12]}"
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        url=settings.redis_url,
        namespace=namespace,
        middleware=[
            TimeLimit(),
            ShutdownNotifications(),
            Callbacks(),
            Pipelines(),
            Retries(max_retries=0),
        ],
    )
    declared = declare_actors(broker, lambda: deps)
    worker = Worker(broker, worker_threads=1, queues={INGEST_QUEUE}, worker_timeout=100)
    worker.start()
    yield declared
    worker.stop()
    broker.close()
    for key in redis_client.scan_iter(f"{namespace}:*"):
        redis_client.delete(key)


@pytest.fixture
def runs(redis_client: Redis[bytes]) -> Iterator[list[str]]:
    """Runs a test creates; their quarantine entries and bookkeeping are removed after."""
    created: list[str] = []
    yield created
    for run_id in created:
        purge_quarantined(redis_client, None, run_id=run_id)
        redis_client.delete(run_key(run_id), lineage_key(run_id))


def contact(source: str, source_id: str) -> str:
    return json.dumps(
        {
            "kind": "contact",
            "source": source,
            "source_id": source_id,
            "observed_at": "2026-01-02T03:04:05Z",
            "emails": [f"{source_id}@{source}.example.com"],
        }
    )


def bad_lines(origin: str) -> list[RawLine]:
    """Three lines the worker must reject, each for a different field."""
    return [
        RawLine(origin, 1, "{not json"),
        RawLine(origin, 2, json.dumps({"kind": "x", "source": "s", "source_id": "1"})),
        RawLine(origin, 3, json.dumps({"kind": "contact", "source": "s"})),
    ]


def ingest_directly(deps: IngestDeps, lines: list[RawLine], runs: list[str]) -> str:
    """Park and process one chunk through the worker's own code; returns the run id."""
    run_id = new_run(deps.redis)
    runs.append(run_id)
    chunk_id = store_chunk(deps.redis, run_id, lines)
    seal_run(deps.redis, run_id, chunks=1, lines=len(lines))
    assert process_chunk(deps, chunk_id) is not None
    return run_id


def source_records(graph: GraphClient, source: str) -> int:
    rows = graph.read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] == source)


def test_rejections_are_listed_shown_and_paged(
    deps: IngestDeps, runs: list[str], unique_id: str
) -> None:
    origin = f"{unique_id}/in.jsonl"
    run_id = ingest_directly(deps, bad_lines(origin), runs)
    first, cursor = list_quarantined(deps.redis, run_id=run_id, limit=2)
    assert len(first) == 2 and cursor == 2
    rest, end = list_quarantined(deps.redis, run_id=run_id, limit=2, cursor=cursor)
    assert len(rest) == 1 and end is None
    records = {r.line_no: r for r in first + rest}
    assert sorted(records) == [1, 2, 3]
    assert {r.origin for r in records.values()} == {origin}
    assert records[1].payload == "{not json"
    assert records[1].errors[0]["field"] == "$"
    assert records[2].errors[0]["field"] == "kind"
    assert "source_id" in {e["field"] for e in records[3].errors}
    assert all(r.retries == 0 and r.quarantined_at is not None for r in records.values())
    shown = get_quarantined(deps.redis, records[3].id)
    assert shown == records[3]
    assert get_quarantined(deps.redis, "0" * 24) is None
    everything, _ = list_quarantined(deps.redis, limit=10_000)
    assert {r.id for r in records.values()} <= {r.id for r in everything}


def test_purge_by_id_then_by_run(deps: IngestDeps, runs: list[str], unique_id: str) -> None:
    run_id = ingest_directly(deps, bad_lines(f"{unique_id}/in.jsonl"), runs)
    records, _ = list_quarantined(deps.redis, run_id=run_id)
    assert purge_quarantined(deps.redis, [records[0].id]) == 1
    assert get_quarantined(deps.redis, records[0].id) is None
    with pytest.raises(QuarantineError, match=records[0].id):
        purge_quarantined(deps.redis, [records[0].id])
    assert purge_quarantined(deps.redis, None, run_id=run_id) == 2
    assert list_quarantined(deps.redis, run_id=run_id) == ([], None)


def test_retry_lands_fixed_records_and_keeps_failing_ones(
    deps: IngestDeps, actor: Any, graph: GraphClient, runs: list[str], unique_id: str
) -> None:
    origin = f"{unique_id}/in.jsonl"
    first_run = ingest_directly(deps, bad_lines(origin), runs)
    records = {r.line_no: r for r in list_quarantined(deps.redis, run_id=first_run)[0]}
    fixed = contact(unique_id, "fixed-1")
    retry_run = retry_quarantined(
        deps.redis,
        actor,
        [records[1].id, records[2].id],
        chunk_size=1,
        payloads={records[1].id: fixed},
    )
    runs.append(retry_run)
    counts = wait_for_run(deps.redis, retry_run, timeout_s=120)
    assert (counts["accepted"], counts["rejected"], counts["chunks"]) == (1, 1, 2)
    assert source_records(graph, unique_id) == 1
    left_in_first = {r.line_no for r in list_quarantined(deps.redis, run_id=first_run)[0]}
    assert left_in_first == {3}
    (again,) = list_quarantined(deps.redis, run_id=retry_run)[0]
    assert (again.origin, again.line_no, again.payload) == (origin, 2, records[2].payload)
    assert again.retries == 1 and again.errors == records[2].errors

    second_retry = retry_quarantined(deps.redis, actor, [again.id], chunk_size=10)
    runs.append(second_retry)
    assert wait_for_run(deps.redis, second_retry, timeout_s=120)["rejected"] == 1
    (third,) = list_quarantined(deps.redis, run_id=second_retry)[0]
    assert third.retries == 2 and third.payload == records[2].payload
    assert get_quarantined(deps.redis, again.id) is None


def test_retry_of_an_unknown_id_changes_nothing(
    deps: IngestDeps, actor: Any, runs: list[str], unique_id: str
) -> None:
    run_id = ingest_directly(deps, bad_lines(f"{unique_id}/in.jsonl"), runs)
    before = list_quarantined(deps.redis, run_id=run_id)[0]
    with pytest.raises(QuarantineError, match="no quarantined record with id nope"):
        retry_quarantined(deps.redis, actor, [before[0].id, "nope"], chunk_size=10)
    assert list_quarantined(deps.redis, run_id=run_id)[0] == before


def test_entries_of_an_older_worker_are_indexed_on_read(
    redis_client: Redis[bytes], runs: list[str], unique_id: str
) -> None:
    run_id = uuid.uuid4().hex
    runs.append(run_id)
    key = entry_key(run_id, f"{unique_id}:odd:origin.jsonl", 7)
    entry = {"origin": f"{unique_id}:odd:origin.jsonl", "line": 7, "payload": "{", "errors": []}
    redis_client.hset(quarantine_key(), key, json.dumps(entry))
    (record,) = list_quarantined(redis_client, run_id=run_id)[0]
    assert record.id == quarantine_id(key)
    assert (record.origin, record.line_no, record.payload) == (entry["origin"], 7, "{")
