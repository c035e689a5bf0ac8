"""GRAPH_BROKER=rabbitmq end to end: a private RabbitMQ node on a free port, real
`graph-service ingest` and `graph-service worker` subprocesses, the shared Neo4j and Redis.

The chunks are queued with no worker running and counted on the RabbitMQ queue (so they
travelled through RabbitMQ, not the Redis broker), then a worker drains them; every record
of a generated world must land exactly once, and a replay through `ingest --wait` must
change nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dramatiq import Message
from dramatiq.common import xq_name
from pydantic import SecretStr
from redis import Redis
from starlette.testclient import TestClient

from graph_service.app import create_app
from graph_service.db import GraphClient
from graph_service.local import free_port
from graph_service.local.rabbitmq_server import (
    INSTALL_HINT,
    find_rabbitmq_server,
    local_url,
    start_rabbitmq,
    stop_rabbitmq,
)
from graph_service.settings import BrokerKind, Settings, load_settings
from ingest.actors import INGEST_QUEUE
from ingest.batches import run_progress
from ingest.broker import GraphRabbitmqBroker
from ingest.submit import wait_for_run
from ingest.synthetic import generate_world
from tests.fault_services import world_sources, write_world_copy
from tests.support import skip_or_fail

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# People in the generated world (a few hundred records of every kind) and lines per chunk.
PEOPLE = 40
CHUNK_SIZE = 50
# Seconds the worker gets to drain the queue, and to stop on SIGTERM.
RUN_TIMEOUT_S = 300.0
WORKER_STOP_S = 60.0
# `graph-service ingest` prints this once everything is queued.
QUEUED_LINE = re.compile(r"queued (\d+) lines\b.* as run ([0-9a-f]+)")


@pytest.fixture(scope="module")
def rabbitmq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A private RabbitMQ node in a temp folder on a free port; stopped at the end, always."""
    if find_rabbitmq_server() is None:
        skip_or_fail(f"rabbitmq-server is not installed; {INSTALL_HINT}")
    settings = load_settings(
        local_dir=tmp_path_factory.mktemp("rabbitmq"), rabbitmq_port=free_port()
    )
    try:
        start_rabbitmq(settings)
        yield settings
    finally:
        stop_rabbitmq(settings)


def cli_env(rabbitmq: Settings) -> dict[str, str]:
    """The shared Neo4j and Redis from the environment, the private node as broker."""
    return {
        **os.environ,
        "GRAPH_BROKER": "rabbitmq",
        "GRAPH_RABBITMQ_URL": local_url(rabbitmq),
        "GRAPH_INGEST_CHUNK_SIZE": str(CHUNK_SIZE),
        "GRAPH_SEMANTIC_MATCHING": "false",
        "GRAPH_CONVERSATION_EMBEDDINGS": "false",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }


def cli(rabbitmq: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`graph-service ARGS` with GRAPH_BROKER=rabbitmq."""
    return subprocess.run(
        [sys.executable, "-m", "graph_service.cli", *args],
        env=cli_env(rabbitmq),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.fixture
def start_worker(rabbitmq: Settings, tmp_path: Path) -> Iterator[Any]:
    """Starts `graph-service worker` on the private node when called; stopped at the end."""
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        with (tmp_path / "worker.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "graph_service.cli", "worker"],
                env=cli_env(rabbitmq),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=WORKER_STOP_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def queue_counts(rabbitmq: Settings) -> tuple[int, int, int]:
    """Messages ready in the ingest queue, its delay queue and its dead-letter queue."""
    settings = load_settings(broker="rabbitmq", rabbitmq_url=local_url(rabbitmq))
    broker = GraphRabbitmqBroker(
        url=local_url(rabbitmq), dead_message_ttl=settings.broker_dead_message_ttl_ms
    )
    try:
        ready, delayed, dead = broker.get_queue_message_counts(INGEST_QUEUE)
        return ready, delayed, dead
    finally:
        broker.close()


def parse_counts(stdout: str) -> dict[str, int]:
    line = next(x for x in stdout.splitlines() if x.startswith("done:"))
    pairs = (item.split("=") for item in line.removeprefix("done:").split())
    return {key: int(value) for key, value in pairs}


def stored_records(graph: GraphClient, sources: list[str]) -> int:
    rows = graph.read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] in sources)


def test_world_lands_exactly_once_through_rabbitmq(
    tmp_path: Path,
    graph: GraphClient,
    redis_client: Redis[bytes],
    rabbitmq: Settings,
    start_worker: Any,
    unique_id: str,
) -> None:
    generated = tmp_path / "generated"
    generate_world(people=PEOPLE, seed=29, out_dir=generated)
    world = tmp_path / "world"
    records = write_world_copy(generated, world, tag=unique_id)
    sources = world_sources(world)

    queued = cli(rabbitmq, "ingest", str(world), "--no-progress")
    match = QUEUED_LINE.search(queued.stdout)
    assert queued.returncode == 0 and match, queued.stdout + queued.stderr
    assert int(match.group(1)) == records
    run_id = match.group(2)
    chunks = run_progress(redis_client, run_id)["chunks"]
    assert chunks >= 2
    # No worker yet: every chunk's message waits in RabbitMQ.
    assert queue_counts(rabbitmq) == (chunks, 0, 0)

    start_worker()
    progress = wait_for_run(redis_client, run_id, timeout_s=RUN_TIMEOUT_S)
    assert progress["done_chunks"] == chunks
    assert progress.get("rejected", 0) == 0, progress
    assert progress.get("accepted", 0) + progress.get("duplicate", 0) == records, progress
    assert stored_records(graph, sources) == records
    assert graph.read("ops/duplicate_source_records", sources=sources) == []

    replay = cli(rabbitmq, "ingest", str(world), "--wait", "--no-progress")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    counts = parse_counts(replay.stdout)
    assert counts["accepted"] == 0 and counts["rejected"] == 0
    assert counts["duplicate"] == records
    assert stored_records(graph, sources) == records
    assert queue_counts(rabbitmq) == (0, 0, 0)


def test_readyz_checks_rabbitmq_when_it_is_the_broker(
    settings: Settings, rabbitmq: Settings, graph: GraphClient, redis_client: Redis
) -> None:
    def readyz(url: str) -> Any:
        app_settings = settings.model_copy(
            update={"broker": BrokerKind.RABBITMQ, "rabbitmq_url": SecretStr(url)}
        )
        with TestClient(create_app(app_settings)) as client:
            return client.get("/readyz")

    up = readyz(local_url(rabbitmq))
    assert up.status_code == 200, up.text
    assert up.json()["checks"] == {"neo4j": "ok", "redis": "ok", "rabbitmq": "ok"}
    down = readyz(f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")  # nothing listens there
    assert down.status_code == 503
    assert down.json()["down"] == ["rabbitmq"]


def dead_letter(chunk_id: str) -> Message[Any]:
    """An ingest message as dramatiq dead-letters it: retries spent, last failure kept."""
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1\nRuntimeError: boom\n'
    return Message(
        queue_name=INGEST_QUEUE,
        actor_name="ingest_chunk",
        args=(chunk_id,),
        kwargs={},
        options={"retries": 3, "traceback": trace},
    )


def test_dead_letters_cli_lists_redrives_and_purges_on_rabbitmq(rabbitmq: Settings) -> None:
    settings = load_settings(broker="rabbitmq", rabbitmq_url=local_url(rabbitmq))
    broker = GraphRabbitmqBroker(
        url=local_url(rabbitmq), dead_message_ttl=settings.broker_dead_message_ttl_ms
    )
    letters = [dead_letter(f"missing-{i}") for i in range(3)]
    try:
        assert broker.get_queue_message_counts(INGEST_QUEUE) == (0, 0, 0)  # declares them
        for letter in letters:
            broker.channel.basic_publish(
                exchange="", routing_key=xq_name(INGEST_QUEUE), body=letter.encode()
            )
        listed = cli(rabbitmq, "dead-letters", "list", "--format", "jsonl")
        assert listed.returncode == 0, listed.stderr
        rows = [json.loads(line) for line in listed.stdout.splitlines()]
        assert [r["args"] for r in rows] == [[f"missing-{i}"] for i in range(3)]
        assert {(r["reason"], r["retries"]) for r in rows} == {("RuntimeError: boom", 3)}
        assert queue_counts(rabbitmq) == (0, 0, 3)  # listing put them all back

        redrive = cli(rabbitmq, "dead-letters", "redrive", letters[1].message_id)
        assert redrive.returncode == 0 and "redriven 1 messages" in redrive.stdout
        assert queue_counts(rabbitmq) == (1, 0, 2)
        unknown = cli(rabbitmq, "dead-letters", "purge", "no-such-message")
        assert unknown.returncode == 2 and "no-such-message" in unknown.stderr
        assert queue_counts(rabbitmq) == (1, 0, 2)  # nothing taken by the failed purge
        purge = cli(rabbitmq, "dead-letters", "purge", "--all", "--yes")
        assert purge.returncode == 0 and "purged 2 messages" in purge.stdout
        assert queue_counts(rabbitmq) == (1, 0, 0)

        method, _, body = broker.channel.basic_get(queue=INGEST_QUEUE, auto_ack=False)
        redriven = Message.decode(body)
        broker.channel.basic_ack(method.delivery_tag)  # leave the node's queues empty
        assert (redriven.message_id, redriven.args) == (letters[1].message_id, ("missing-1",))
        assert redriven.options["redrives"] == 1 and "retries" not in redriven.options
    finally:
        broker.close()
