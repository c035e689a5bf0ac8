"""A chunk whose message was lost (a broker outage longer than the client's retries) is
found by a real worker's sweep and lands."""

from __future__ import annotations

import json

import pytest
from redis import Redis

from graph_service.db import GraphClient
from ingest.batches import RawLine, new_run, seal_run, store_chunk, sweep_lock_key
from ingest.submit import wait_for_run
from tests.e2e.conftest import running_worker

pytestmark = pytest.mark.slow


def test_a_chunk_without_a_message_is_resent_by_a_worker_and_lands(
    graph: GraphClient, redis_client: Redis, unique_id: str
) -> None:
    record = {
        "kind": "contact", "source": unique_id, "source_id": "1",
        "observed_at": "2025-01-01T00:00:00Z", "emails": [f"{unique_id}@example.com"],
    }  # fmt: skip
    run_id = new_run(redis_client)
    store_chunk(redis_client, run_id, [RawLine(unique_id, 1, json.dumps(record))])
    seal_run(redis_client, run_id, chunks=1, lines=1)  # and no message is sent
    redis_client.delete(sweep_lock_key())
    with running_worker({"GRAPH_INGEST_RESEND_AFTER_S": "2"}):
        counts = wait_for_run(redis_client, run_id, timeout_s=120)
    assert (counts["accepted"], counts["done_chunks"]) == (1, 1)
    rows = graph.read("ingest/count_source_records")
    assert sum(row["records"] for row in rows if row["source"] == unique_id) == 1
