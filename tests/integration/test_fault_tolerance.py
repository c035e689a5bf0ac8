"""Fault tolerance of the ingest pipeline, on private servers that the tests break on purpose.

Each test ingests a generated world (a few thousand records of every kind) through real
`graph-service worker` and `graph-service ingest` subprocesses, injects one fault (replay,
SIGKILL of a worker, Neo4j down for 30 s, Redis restart, two workers on overlapping
identities) and proves that every record lands exactly once. docs/fault-tolerance.md
describes the scenarios and the measured figures; each assertion names the figure it checks.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_service.local.neo4j_server import find_java, neo4j_assembled
from graph_service.local.redis_server import find_redis_server
from graph_service.settings import load_settings
from ingest.synthetic import generate_world
from tests.fault_services import CHUNK_SIZE, FaultServices, world_sources, write_world_copy
from tests.support import skip_or_fail

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# People per generated world: about 2,500 records of all kinds, about 25 chunks.
PEOPLE = 200
# People in the twin world: about 1,500 records, sent twice under two sets of sources.
TWIN_PEOPLE = 120
# Seconds Neo4j stays down in the outage test (the issue asks for 30).
NEO4J_OUTAGE_S = 30.0
# Seconds Redis stays down in the restart test (longer than redis-py's own reconnect retries).
REDIS_OUTAGE_S = 10.0
# Seconds Redis stays down in the long-outage test: past the broker client's own retries
# (about a minute, ingest/broker.py), when a failed chunk's message could be lost.
LONG_REDIS_OUTAGE_S = 90.0
# That test's worker re-sends chunks parked this long (GRAPH_INGEST_RESEND_AFTER_S; 30 min
# by default).
RESEND_AFTER_S = 20
# Heartbeat silence (ms) after which the forced maintenance pass treats a worker as dead.
HEARTBEAT_TIMEOUT_MS = 5_000
# Seconds a whole run may take after its fault before the test gives up.
RECOVERY_TIMEOUT_S = 150.0


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServices]:
    """Private Neo4j and Redis on free ports, migrated; stopped at the end, always."""
    if find_java() is None:
        skip_or_fail("Java 17+ is not installed; the private Neo4j cannot run")
    if not neo4j_assembled(load_settings()) and shutil.which("mvn") is None:
        skip_or_fail("Maven is not installed and the Neo4j jar cache is empty")
    if find_redis_server() is None:
        skip_or_fail("redis-server is not installed; the private Redis cannot run")
    fault = FaultServices.create(tmp_path_factory.mktemp("fault-services"))
    try:
        fault.start()
        yield fault
    finally:
        fault.close()


@pytest.fixture
def fault(services: FaultServices) -> Iterator[FaultServices]:
    """The private services, with this test's workers stopped and both servers up afterwards."""
    yield services
    for process in services.workers:
        services.stop_worker(process)
    services.workers.clear()
    services.start_redis()
    services.start_neo4j()
    with services.redis() as client:
        client.flushall()  # the private Redis only: no leftover message reaches the next test


def make_world(root: Path, *, seed: int, tag: str) -> tuple[Path, list[str], int]:
    """A generated world copied with sources renamed for this test; (folder, sources, records)."""
    generated = root / f"generated-{seed}"
    if not (generated / "manifest.json").exists():
        generate_world(people=PEOPLE, seed=seed, out_dir=generated)
    world = root / f"world-{tag}"
    records = write_world_copy(generated, world, tag=tag)
    return world, world_sources(world), records


def stored_records(fault: FaultServices, sources: list[str]) -> int:
    """SourceRecord nodes of these sources."""
    rows = fault.graph().read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] in sources)


def duplicates(fault: FaultServices, sources: list[str]) -> list[dict[str, Any]]:
    """(source, source_id) pairs stored more than once."""
    return fault.graph().read("ops/duplicate_source_records", sources=sources)


def assert_exactly_once(
    fault: FaultServices, sources: list[str], *, records: int, progress: dict[str, int]
) -> None:
    """Every input record stored once, the run complete and its counts adding up."""
    stored = stored_records(fault, sources)
    assert stored == records, f"stored SourceRecords: {stored}, input records: {records}"
    doubles = duplicates(fault, sources)
    assert doubles == [], f"SourceRecords stored more than once: {doubles[:5]}"
    assert progress.get("done_chunks") == progress.get("chunks"), f"run counts: {progress}"
    landed = progress.get("accepted", 0) + progress.get("duplicate", 0)
    assert landed == records, f"run counts accepted+duplicate: {landed}, input: {records}"
    # Every world is new to the graph: a record counted as a duplicate would be one counted
    # against its own earlier, committed delivery (identity/upsert_records, 'redone').
    assert progress.get("duplicate", 0) == 0, f"run counts: {progress}"
    assert progress.get("rejected", 0) == 0, f"run counts rejected: {progress}"
    state = fault.broker_state()
    assert state["dead_lettered"] == 0, f"dead-lettered messages: {state}"
    assert state["parked_chunks"] == 0, f"chunks still parked in Redis: {state}"


def log_count(fault: FaultServices, name: str, needle: str) -> int:
    """How often a worker's log mentions `needle`."""
    return fault.worker_log(name).count(needle)


def report(name: str, figures: dict[str, Any]) -> None:
    """Print the measured figures (run pytest with -s to see them; they go in the docs)."""
    print(f"\nFIGURES {name}: {json.dumps(figures, sort_keys=True)}")


def test_replaying_the_same_input_changes_nothing(fault: FaultServices) -> None:
    world, sources, records = make_world(fault.root, seed=101, tag="replay")
    fault.start_worker("replay")
    started = time.monotonic()
    first = fault.ingest_and_wait(world)
    first_s = time.monotonic() - started
    assert first["accepted"] == records, f"first ingest accepted: {first}, input: {records}"
    before = fault.content_hash()
    before_strict = fault.content_hash(include_volatile=True)
    started = time.monotonic()
    second = fault.ingest_and_wait(world)
    replay_s = time.monotonic() - started
    after = fault.content_hash()
    after_strict = fault.content_hash(include_volatile=True)
    report(
        "replay",
        {
            "records": records,
            "first_s": round(first_s, 1),
            "replay_s": round(replay_s, 1),
            "nodes": after.nodes,
            "relationships": after.relationships,
            "replay_counts": second,
        },
    )
    assert second["duplicate"] == records, f"replay duplicates: {second}, input: {records}"
    assert second["accepted"] == 0, f"replay accepted: {second}"
    assert after.nodes == before.nodes, f"node count {before.nodes} -> {after.nodes}"
    assert after.relationships == before.relationships, (
        f"relationship count {before.relationships} -> {after.relationships}"
    )
    assert after.sha256 == before.sha256, "content hash (volatile properties excluded) changed"
    assert after_strict.sha256 == before_strict.sha256, (
        "content hash with volatile properties changed: the replay rewrote something"
    )
    assert duplicates(fault, sources) == []


def wait_for_open_transaction(fault: FaultServices, *, timeout_s: float) -> int:
    """Poll until a worker's chunk transaction is open in Neo4j; how many are open."""
    deadline = time.monotonic() + timeout_s
    while True:
        opened = int(fault.graph().read("ops/open_transactions")[0]["open"])
        if opened or time.monotonic() > deadline:
            return opened
        time.sleep(0.02)


def test_worker_killed_mid_batch_loses_and_doubles_nothing(fault: FaultServices) -> None:
    world, sources, records = make_world(fault.root, seed=102, tag="sigkill")
    victim = fault.start_worker("sigkill-victim")
    run_id, lines = fault.submit(world)
    assert lines == records
    fault.wait_for(run_id, done_chunks=5, timeout_s=120)
    open_at_kill = wait_for_open_transaction(fault, timeout_s=30)
    victim_ids = fault.broker_ids()  # the victim's, and the submitter's (which holds none)
    fault.kill_worker(victim)
    killed_at = time.monotonic()
    at_kill = fault.progress(run_id)
    in_flight = fault.unacked_of(victim_ids)
    assert open_at_kill > 0, f"chunk transactions open at the kill: {open_at_kill}"
    assert in_flight > 0, f"messages held by the killed worker: {in_flight} (kill was not mid-run)"
    fault.start_worker("sigkill-successor")
    # The successor drains the queue; the victim's fetched messages stay unacknowledged:
    # nothing but dramatiq's maintenance hands them out again.
    stalled = fault.wait_stalled(run_id, dead=in_flight, timeout_s=RECOVERY_TIMEOUT_S)
    orphans = fault.unacked_of(victim_ids)
    # Dramatiq's maintenance, forced once the victim's heartbeat is older than the timeout.
    time.sleep(max(0.0, HEARTBEAT_TIMEOUT_MS / 1000 - (time.monotonic() - killed_at)))
    fault.requeue_dead_workers(heartbeat_timeout_ms=HEARTBEAT_TIMEOUT_MS)
    requeued_at = time.monotonic()
    done = fault.wait_done(run_id, timeout_s=RECOVERY_TIMEOUT_S)
    report(
        "sigkill",
        {
            "records": records,
            "chunks": done.get("chunks"),
            "done_chunks_at_kill": at_kill.get("done_chunks"),
            "messages_held_by_killed_worker": in_flight,
            "open_transactions_at_kill": open_at_kill,
            "done_chunks_before_requeue": stalled.get("done_chunks"),
            "orphaned_messages": orphans,
            "recovery_after_requeue_s": round(time.monotonic() - requeued_at, 1),
            "counts": done,
        },
    )
    assert_exactly_once(fault, sources, records=records, progress=done)


def test_neo4j_down_for_30_seconds_loses_nothing(fault: FaultServices) -> None:
    world, sources, records = make_world(fault.root, seed=103, tag="neo4jdown")
    fault.start_worker("neo4j-outage")
    run_id, _ = fault.submit(world)
    fault.wait_for(run_id, done_chunks=3, timeout_s=120)
    stopping = time.monotonic()
    fault.stop_neo4j()
    at_stop = fault.progress(run_id)
    time.sleep(NEO4J_OUTAGE_S)
    down_s = time.monotonic() - stopping
    restarting = time.monotonic()
    fault.start_neo4j()
    restart_s = time.monotonic() - restarting
    done = fault.wait_done(run_id, timeout_s=RECOVERY_TIMEOUT_S)
    state = fault.broker_state()
    report(
        "neo4j_outage",
        {
            "records": records,
            "chunks": done.get("chunks"),
            "done_chunks_at_stop": at_stop.get("done_chunks"),
            "neo4j_down_s": round(down_s, 1),
            "restart_s": round(restart_s, 1),
            "completed_after_restart_s": round(time.monotonic() - restarting - restart_s, 1),
            "message_retries": log_count(fault, "neo4j-outage", "Retrying message"),
            "broker": state,
            "counts": done,
        },
    )
    assert done.get("done_chunks") == done.get("chunks"), (
        f"run not complete {RECOVERY_TIMEOUT_S:.0f} s after Neo4j came back: {done}, broker {state}"
    )
    assert_exactly_once(fault, sources, records=records, progress=done)


def test_redis_restart_loses_no_queued_batch(fault: FaultServices) -> None:
    with fault.redis() as client:
        config = client.config_get("appendonly")
    assert config == {"appendonly": "yes"}, f"private Redis appendonly: {config}"
    world, sources, records = make_world(fault.root, seed=104, tag="redisdown")
    fault.start_worker("redis-restart")
    # Submitted with --wait: the command waiting for the run outlives the restart too.
    run_id, waiting = fault.submit_waiting(world)
    fault.wait_for(run_id, done_chunks=3, timeout_s=120)
    queued = fault.broker_state()
    stopping = time.monotonic()
    fault.stop_redis()
    time.sleep(REDIS_OUTAGE_S)
    fault.start_redis()
    down_s = time.monotonic() - stopping
    after_restart = fault.broker_state()
    done = fault.wait_done(run_id, timeout_s=RECOVERY_TIMEOUT_S)
    state = fault.broker_state()
    report(
        "redis_restart",
        {
            "records": records,
            "chunks": done.get("chunks"),
            "queued_before_stop": queued,
            "after_restart": after_restart,
            "redis_down_s": round(down_s, 1),
            "broker": state,
            "counts": done,
            "message_retries": log_count(fault, "redis-restart", "Retrying message"),
        },
    )
    assert after_restart["queued"] + after_restart["unacked"] >= queued["queued"] - 4, (
        f"messages queued before the stop {queued} vs after the restart {after_restart}"
    )
    assert done.get("done_chunks") == done.get("chunks"), (
        f"run not complete {RECOVERY_TIMEOUT_S:.0f} s after the Redis restart: {done}, "
        f"broker {state}"
    )
    assert_exactly_once(fault, sources, records=records, progress=done)
    # The worker's Redis client waits out a 10 s restart: no chunk fails or is processed
    # twice.
    assert log_count(fault, "redis-restart", "Retrying message") == 0
    printed = fault.waited_counts(waiting, timeout_s=60)
    assert printed == {k: done.get(k, 0) for k in printed}, (printed, done)
    assert set(printed) == {"accepted", "rejected", "duplicate", "suppressed"}


def test_redis_down_longer_than_the_client_retries_loses_no_batch(fault: FaultServices) -> None:
    """Past the client's minute of retries a failed chunk's message can be lost; the chunk
    stays parked, and a worker's sweep sends its message again."""
    world, sources, records = make_world(fault.root, seed=105, tag="redislong")
    fault.start_worker("redis-long", env={"GRAPH_INGEST_RESEND_AFTER_S": str(RESEND_AFTER_S)})
    run_id, _ = fault.submit(world)
    fault.wait_for(run_id, done_chunks=3, timeout_s=120)
    stopping = time.monotonic()
    fault.stop_redis()
    time.sleep(LONG_REDIS_OUTAGE_S)
    fault.start_redis()
    down_s = time.monotonic() - stopping
    done = fault.wait_done(run_id, timeout_s=RECOVERY_TIMEOUT_S + 2 * RESEND_AFTER_S)
    state = fault.broker_state()
    report(
        "redis_long_outage",
        {
            "records": records,
            "chunks": done.get("chunks"),
            "redis_down_s": round(down_s, 1),
            "broker": state,
            "counts": done,
            "message_retries": log_count(fault, "redis-long", "Retrying message"),
            "sweeps_resending": log_count(fault, "redis-long", "re-sent the messages of"),
        },
    )
    assert done.get("done_chunks") == done.get("chunks"), (
        f"run not complete after the Redis outage: {done}, broker {state}"
    )
    assert_exactly_once(fault, sources, records=records, progress=done)


def interleave_twins(world: Path, twin: Path, out: Path) -> int:
    """One file alternating CHUNK_SIZE lines of `world` with the same lines of its twin.

    Consecutive chunks then carry the same identities, so concurrent consumers resolve
    overlapping identities at the same moment. Returns the number of lines.
    """

    def lines(folder: Path) -> list[str]:
        return [x for p in sorted(folder.glob("*.jsonl")) for x in p.read_text().splitlines()]

    first, second = lines(world), lines(twin)
    mixed: list[str] = []
    for start in range(0, len(first), CHUNK_SIZE):
        mixed += first[start : start + CHUNK_SIZE] + second[start : start + CHUNK_SIZE]
    out.mkdir(parents=True, exist_ok=True)
    (out / "twins.jsonl").write_text("\n".join(mixed) + "\n", encoding="utf-8")
    return len(mixed)


def test_two_workers_on_overlapping_identities_make_no_duplicates(fault: FaultServices) -> None:
    generated = fault.root / "generated-105"
    generate_world(people=TWIN_PEOPLE, seed=105, out_dir=generated)
    world_a = fault.root / "world-twins-a"
    world_b = fault.root / "world-twins-b"
    write_world_copy(generated, world_a, tag="twins", source_suffix="a")
    write_world_copy(generated, world_b, tag="twins", source_suffix="b")
    records = interleave_twins(world_a, world_b, fault.root / "world-twins")
    sources = world_sources(world_a) + world_sources(world_b)
    fault.start_worker("twins-1")
    fault.start_worker("twins-2")
    started = time.monotonic()
    run_id, _ = fault.submit(fault.root / "world-twins")
    done = fault.wait_done(run_id, timeout_s=RECOVERY_TIMEOUT_S)
    elapsed = time.monotonic() - started
    graph = fault.graph()
    split = graph.read("ops/identifiers_split_across_persons")
    doubled = graph.read("ops/duplicate_identifiers")
    resolution = graph.read("ops/identity_records_resolution", sources=sources)[0]
    person_of = {
        (r["source"], r["source_id"]): r for r in graph.read("ops/record_persons", sources=sources)
    }
    twins_apart = [
        key
        for key, row in person_of.items()
        if key[0].endswith("a")
        and row["strong"]
        and person_of[(key[0][:-1] + "b", key[1])]["person"] != row["person"]
    ]
    deadlock_retries = log_count(fault, "twins-1", "Retrying message") + log_count(
        fault, "twins-2", "Retrying message"
    )
    report(
        "two_workers",
        {
            "records": records,
            "chunks": done.get("chunks"),
            "elapsed_s": round(elapsed, 1),
            "identity_records": resolution["records"],
            "twin_pairs_checked": sum(
                1 for k, r in person_of.items() if k[0].endswith("a") and r["strong"]
            ),
            "message_retries": deadlock_retries,
            "counts": done,
        },
    )
    assert_exactly_once(fault, sources, records=records, progress=done)
    assert doubled == [], f"Identifier nodes per key > 1: {doubled[:5]}"
    assert resolution["unresolved"] == 0 and resolution["multiply_resolved"] == 0, (
        f"identity records not resolved to exactly one person: {resolution}"
    )
    by_records = [row for row in split if row["record_persons"] > 1]
    assert by_records == [], f"identifiers whose records resolve to several persons: {by_records}"
    assert twins_apart == [], (
        f"twin records with the same strong identifiers in different persons: {twins_apart[:5]}"
    )
    # Derived (:Person)-[:HAS_IDENTIFIER]-> links must follow the records (see the report in
    # docs/fault-tolerance.md: a person that loses records to another is not refreshed).
    by_links = [row for row in split if row["linked_persons"] > 1]
    assert by_links == [], (
        f"identifiers linked from several persons: {len(by_links)}: {by_links[:3]}"
    )
