"""`graph-service worker` metrics and `graph-service dead-letters`, as an operator sees them.

A worker whose Neo4j database does not exist fails a chunk until it is dead-lettered (its
/metrics says so); a healthy worker then takes the redriven message and counts the records.
Both run on a Redis database of their own (the shared queue is never touched), found empty
on the same server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from graph_service.db import GraphClient
from graph_service.local import free_port
from graph_service.settings import Settings
from ingest.submit import wait_for_run
from tests.e2e.conftest import run_cli
from tests.support import skip_or_fail

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Redis databases this test may take, when one of them is empty.
SPARE_DATABASES = range(15, 7, -1)


@pytest.fixture
def private_redis(redis_client: Redis[bytes], settings: Settings) -> Iterator[str]:
    """The URL of an empty Redis database on the shared server; emptied again after."""
    for db in SPARE_DATABASES:
        url = urlparse(settings.redis_url)._replace(path=f"/{db}").geturl()
        client: Redis[bytes] = Redis.from_url(url)
        if client.dbsize() == 0:
            break
    else:
        skip_or_fail("no empty Redis database among 8-15 for an isolated worker queue")
    yield url
    for key in client.scan_iter("graph-service:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def start_worker(
    private_redis: str, graph: GraphClient
) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], int]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def _start(**env: str) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        full = {
            **os.environ,
            "GRAPH_REDIS_URL": private_redis,
            "GRAPH_SEMANTIC_MATCHING": "false",
            "GRAPH_CONVERSATION_EMBEDDINGS": "false",
            "GRAPH_WORKER_METRICS_PORT": str(port),
            **env,
        }
        command = [sys.executable, "-m", "graph_service.cli", "worker", "--threads", "1"]
        processes.append(subprocess.Popen(command, env=full))
        return processes[-1], port

    yield _start
    for process in processes:
        process.terminate()
        process.wait(timeout=60)


def scrape(
    port: int, timeout_s: float = 60
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the worker's /metrics, once it answers."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
                text = resp.read().decode()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def cli(redis_url: str, *args: str) -> str:
    result = run_cli(*args, env={"GRAPH_REDIS_URL": redis_url})
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(check: Callable[[], bool], what: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {timeout_s}s")
        time.sleep(0.3)


def test_dead_letter_redrive_and_worker_metrics(
    tmp_path: Path,
    private_redis: str,
    start_worker: Callable[..., tuple[subprocess.Popen[bytes], int]],
    unique_id: str,
) -> None:
    records = [
        {
            "kind": "contact",
            "source": unique_id,
            "source_id": str(n),
            "observed_at": "2026-01-02T03:04:05Z",
            "emails": [f"p{n}@{unique_id}.example.com"],
        }
        for n in range(3)
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([*map(json.dumps, records), "{bad"]) + "\n")
    failing, failing_port = start_worker(
        GRAPH_NEO4J_DATABASE=f"nosuch{unique_id.replace('-', '')}",
        GRAPH_INGEST_MAX_RETRIES="1",
        GRAPH_INGEST_MIN_BACKOFF_MS="100",
        GRAPH_INGEST_MAX_BACKOFF_MS="200",
    )
    queued = cli(private_redis, "ingest", str(path), "--no-progress")
    run_id = queued.split()[-1]

    def dead() -> list[dict[str, object]]:
        out = cli(private_redis, "dead-letters", "list", "--format", "jsonl")
        return [json.loads(line) for line in out.splitlines()]

    wait_for(lambda: bool(dead()), "dead-lettering")
    (letter,) = dead()
    assert letter["actor"] == "ingest_chunk" and letter["retries"] == 1
    assert "DatabaseNotFound" in str(letter["reason"])
    assert str(letter["id"]) in cli(private_redis, "dead-letters", "list")
    samples = scrape(failing_port)
    assert samples[("graph_worker_chunks_total", (("result", "failed"),))] == 2
    assert samples[("graph_worker_chunks_in_flight", ())] == 0
    failing.terminate()
    failing.wait(timeout=60)

    _, healthy_port = start_worker()
    assert "redriven 1 messages" in cli(private_redis, "dead-letters", "redrive", "--all")
    counts = wait_for_run(Redis.from_url(private_redis), run_id, timeout_s=120)
    assert (counts["accepted"] + counts["duplicate"], counts["rejected"]) == (3, 1)
    assert dead() == []
    samples = scrape(healthy_port)
    assert samples[("graph_worker_records_total", (("outcome", "accepted"),))] == 3
    assert samples[("graph_worker_records_total", (("outcome", "rejected"),))] == 1
    assert samples[("graph_worker_chunks_total", (("result", "processed"),))] == 1
    assert samples[("graph_worker_chunk_seconds_count", (("result", "processed"),))] == 1
    assert "in.jsonl:4  $: invalid JSON" in cli(
        private_redis, "quarantine", "list", "--run", run_id
    )


def test_busy_metrics_port_is_a_clear_error(
    private_redis: str, start_worker: Callable[..., tuple[subprocess.Popen[bytes], int]]
) -> None:
    first, port = start_worker()
    scrape(port)
    env = {"GRAPH_REDIS_URL": private_redis, "GRAPH_WORKER_METRICS_PORT": str(port)}
    second = run_cli("worker", env=env, timeout=60)
    assert second.returncode != 0
    assert f"cannot serve worker metrics on 127.0.0.1:{port}" in second.stderr
    assert "GRAPH_WORKER_METRICS_PORT" in second.stderr
    assert first.poll() is None
