"""Dedicated Neo4j, Redis and worker processes for the fault-tolerance tests.

The fault tests stop, kill and restart servers and workers, so they never touch the shared
services: `FaultServices` starts its own Neo4j (the shared jar cache, its own home, data and
free ports) and its own Redis (its own folder and port), applies the migrations, and runs
`graph-service worker` / `graph-service ingest` as subprocesses whose environment points at
them. `close()` stops every process it started, whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from neo4j import Driver
from redis import Redis
from redis.exceptions import RedisError

from graph_service.content_hash import ContentHash, content_hash
from graph_service.cypher import CypherLibrary
from graph_service.db import GraphClient, create_driver
from graph_service.local import free_ports
from graph_service.local.neo4j_server import start_neo4j, stop_neo4j
from graph_service.local.redis_server import start_redis, stop_redis
from graph_service.migrations import migrate
from graph_service.settings import Settings, load_settings
from ingest.actors import INGEST_QUEUE
from ingest.batches import KEY_PREFIX, run_progress

# The broker's Redis key namespace (ingest/broker.py) and the ingest queue's keys in it.
BROKER_NAMESPACE = "graph-service"
# Small chunks: many messages, so a fault always lands between and inside batches.
CHUNK_SIZE = 100
# Seconds a worker gets to stop on SIGTERM before it is killed.
WORKER_STOP_S = 30.0
# `graph-service ingest` prints this line once everything is queued.
QUEUED_LINE = re.compile(r"queued (\d+) lines\b.* as run ([0-9a-f]+)")


@dataclass
class FaultServices:
    """A private Neo4j + Redis pair and the worker processes run against them."""

    root: Path
    settings: Settings
    redis_settings: Settings
    neo4j_home: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    waiters: list[subprocess.Popen[str]] = field(default_factory=list)
    _driver: Driver | None = None

    @classmethod
    def create(cls, root: Path) -> FaultServices:
        """Settings for free ports under `root`; nothing is started yet."""
        bolt, http, redis_port = free_ports(3)
        settings = load_settings(
            neo4j_uri=f"bolt://127.0.0.1:{bolt}",
            neo4j_bolt_port=bolt,
            neo4j_http_port=http,
            neo4j_heap="768m",
            neo4j_pagecache="256m",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            redis_port=redis_port,
            redis_maxmemory="256mb",
            ingest_chunk_size=CHUNK_SIZE,
            semantic_matching=False,
            conversation_embeddings=False,
        )
        # Redis keeps its conf and data under local_dir; Neo4j keeps the shared jar cache
        # of the default local_dir and moves only its home (conf, data, logs) under root.
        redis_settings = settings.model_copy(update={"local_dir": root})
        return cls(
            root=root, settings=settings, redis_settings=redis_settings, neo4j_home=root / "neo4j"
        )

    # -- servers -------------------------------------------------------------------------

    def start(self) -> None:
        """Start Redis and Neo4j and apply the migrations."""
        self.start_redis()
        self.start_neo4j()
        migrate(self.graph(), self.settings.cypher_dir)

    def start_neo4j(self) -> None:
        """Start (or restart) the private Neo4j; returns when Bolt answers."""
        start_neo4j(self.settings, home=self.neo4j_home)

    def stop_neo4j(self) -> None:
        """Stop the private Neo4j gracefully (SIGTERM)."""
        stop_neo4j(self.settings, home=self.neo4j_home)

    def start_redis(self) -> None:
        """Start (or restart) the private Redis; returns when PING answers."""
        start_redis(self.redis_settings)

    def stop_redis(self) -> None:
        """Stop the private Redis with SHUTDOWN (the append-only file is flushed)."""
        stop_redis(self.redis_settings)

    def close(self) -> None:
        """Stop every worker, then Neo4j and Redis; each step runs even if one fails."""
        try:
            for waiter in self.waiters:  # `ingest --wait` commands a failed test left
                waiter.kill()
                waiter.communicate()
            for process in self.workers:
                self.stop_worker(process)
        finally:
            try:
                if self._driver is not None:
                    self._driver.close()
                self.stop_neo4j()
            finally:
                self.stop_redis()

    # -- clients -------------------------------------------------------------------------

    def driver(self) -> Driver:
        """One driver to the private Neo4j, opened on first use."""
        if self._driver is None:
            self._driver = create_driver(self.settings)
        return self._driver

    def graph(self) -> GraphClient:
        """A named-query client on the private Neo4j."""
        return GraphClient.for_settings(self.driver(), self.settings)

    @contextmanager
    def redis(self) -> Iterator[Redis[bytes]]:
        """A client of the private Redis."""
        client: Redis[bytes] = Redis.from_url(self.settings.redis_url)
        try:
            yield client
        finally:
            client.close()

    def content_hash(self, *, include_volatile: bool = False) -> ContentHash:
        """The content hash of the private graph."""
        library = CypherLibrary.load(self.settings.cypher_dir)
        return content_hash(
            self.driver(),
            library,
            database=self.settings.neo4j_database,
            include_volatile=include_volatile,
        )

    # -- processes -----------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The environment of a subprocess that must use the private services."""
        return {
            **os.environ,
            "GRAPH_NEO4J_URI": self.settings.neo4j_uri,
            "GRAPH_NEO4J_BOLT_PORT": str(self.settings.neo4j_bolt_port),
            "GRAPH_NEO4J_HTTP_PORT": str(self.settings.neo4j_http_port),
            "GRAPH_REDIS_URL": self.settings.redis_url,
            "GRAPH_REDIS_PORT": str(self.settings.redis_port),
            "GRAPH_INGEST_CHUNK_SIZE": str(CHUNK_SIZE),
            "GRAPH_SEMANTIC_MATCHING": "false",
            "GRAPH_CONVERSATION_EMBEDDINGS": "false",
            "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }

    def start_worker(
        self, name: str, *, threads: int = 2, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """`graph-service worker` in its own session, logging to <root>/<name>.log (`env`:
        settings on top of the private services')."""
        log = (self.root / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "graph_service.cli", "worker", "--threads", str(threads)],
            env={**self.env(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.workers.append(process)
        return process

    def stop_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM (dramatiq requeues what it prefetched), SIGKILL if it hangs."""
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WORKER_STOP_S)
        except subprocess.TimeoutExpired:
            self.kill_worker(process)

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL, as an OOM killer or a lost machine would: no cleanup at all."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WORKER_STOP_S)

    def worker_log(self, name: str) -> str:
        """What the worker called `name` logged so far."""
        path = self.root / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def submit(self, *paths: Path) -> tuple[str, int]:
        """`graph-service ingest PATHS` (no --wait); returns the run id and the line count."""
        done = subprocess.run(
            [sys.executable, "-m", "graph_service.cli", "ingest", *map(str, paths)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        match = QUEUED_LINE.search(done.stdout)
        if done.returncode != 0 or match is None:
            raise AssertionError(f"graph-service ingest failed: {done.stdout}{done.stderr}")
        return match.group(2), int(match.group(1))

    def ingest_and_wait(self, *paths: Path, timeout_s: float = 300) -> dict[str, int]:
        """`graph-service ingest PATHS --wait`; returns the counts of its `done:` line."""
        done = subprocess.run(
            [sys.executable, "-m", "graph_service.cli", "ingest", *map(str, paths), "--wait"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"graph-service ingest --wait failed: {done.stderr}")
        return done_counts(done.stdout)

    def submit_waiting(self, *paths: Path) -> tuple[str, subprocess.Popen[str]]:
        """`graph-service ingest PATHS --wait` left running: the run id once it is queued,
        and the process, whose `done:` line `waited_counts` reads when the run completes."""
        argv = [sys.executable, "-m", "graph_service.cli", "ingest", *map(str, paths)]
        process = subprocess.Popen(
            [*argv, "--wait", "--no-progress"],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            match = QUEUED_LINE.search(line)
            if match is not None:
                self.waiters.append(process)
                return match.group(2), process
        _, err = process.communicate(timeout=60)
        raise AssertionError(f"graph-service ingest --wait queued nothing: {err}")

    @staticmethod
    def waited_counts(process: subprocess.Popen[str], *, timeout_s: float) -> dict[str, int]:
        """The counts of the `done:` line of a `submit_waiting` process."""
        out, err = process.communicate(timeout=timeout_s)
        if process.returncode != 0:
            raise AssertionError(f"graph-service ingest --wait failed: {err}")
        return done_counts(out)

    # -- run state -----------------------------------------------------------------------

    def progress(self, run_id: str) -> dict[str, int]:
        """The run's counts in Redis ({} while Redis is down)."""
        try:
            with self.redis() as client:
                return run_progress(client, run_id)
        except RedisError:
            return {}

    def wait_for(self, run_id: str, *, done_chunks: int, timeout_s: float) -> dict[str, int]:
        """Poll until the run has at least `done_chunks` chunks done; the last counts seen."""
        deadline = time.monotonic() + timeout_s
        progress = self.progress(run_id)
        while progress.get("done_chunks", 0) < done_chunks and time.monotonic() < deadline:
            time.sleep(0.2)
            progress = self.progress(run_id)
        return progress

    def wait_done(self, run_id: str, *, timeout_s: float) -> dict[str, int]:
        """Poll until every chunk of the (sealed) run is done, or the time is up."""
        deadline = time.monotonic() + timeout_s
        while True:
            progress = self.progress(run_id)
            if "chunks" in progress and progress["done_chunks"] >= progress["chunks"]:
                return progress
            if time.monotonic() > deadline:
                return progress
            time.sleep(0.3)

    def wait_stalled(self, run_id: str, *, dead: int, timeout_s: float) -> dict[str, int]:
        """Poll until all but `dead` chunks are done (the rest wait on a dead worker)."""
        deadline = time.monotonic() + timeout_s
        while True:
            progress = self.progress(run_id)
            if progress.get("done_chunks", 0) + dead >= progress.get("chunks", 0) > 0:
                return progress
            if time.monotonic() > deadline:
                return progress
            time.sleep(0.3)

    def broker_state(self) -> dict[str, int]:
        """Queued, unacknowledged (any worker), delayed and dead-lettered ingest messages."""
        ns, queue = BROKER_NAMESPACE, INGEST_QUEUE
        with self.redis() as client:
            unacked = sum(client.scard(k) for k in client.scan_iter(f"{ns}:__acks__.*"))
            return {
                "queued": int(client.llen(f"{ns}:{queue}")),
                "unacked": int(unacked),
                "delayed": int(client.llen(f"{ns}:{queue}.DQ")),
                "dead_lettered": int(client.zcard(f"{ns}:{queue}.XQ")),
                "parked_chunks": sum(1 for _ in client.scan_iter(f"{KEY_PREFIX}:chunk:*")),
            }

    def unacked_of(self, broker_ids: set[str]) -> int:
        """Messages fetched but not acknowledged by the workers with these broker ids."""
        prefix = f"{BROKER_NAMESPACE}:__acks__."
        with self.redis() as client:
            return sum(
                int(client.scard(key))
                for key in client.scan_iter(f"{prefix}*")
                if key.decode().removeprefix(prefix).split(".")[0] in broker_ids
            )

    def broker_ids(self) -> set[str]:
        """Broker ids with a heartbeat (one per worker process that ever talked to Redis)."""
        with self.redis() as client:
            members = client.zrange(f"{BROKER_NAMESPACE}:__heartbeats__", 0, -1)
        return {m.decode() for m in members}

    def requeue_dead_workers(self, *, heartbeat_timeout_ms: int) -> None:
        """Run dramatiq's queue maintenance now instead of on 0.1 % of broker commands.

        Maintenance moves the unacknowledged messages of workers silent for longer than
        `heartbeat_timeout_ms` back to their queue; dramatiq runs it at random (see
        docs/fault-tolerance.md). This forces one pass over the ingest queue and its delay
        queue, exactly the Lua code dramatiq would run.
        """
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=self.settings.redis_url,
            namespace=BROKER_NAMESPACE,
            heartbeat_timeout=heartbeat_timeout_ms,
            maintenance_chance=MAINTENANCE_SCALE,
        )
        try:
            for queue in (INGEST_QUEUE, f"{INGEST_QUEUE}.DQ"):
                broker.do_qsize(queue)
        finally:
            broker.client.close()


def write_world_copy(world: Path, out: Path, *, tag: str, source_suffix: str = "") -> int:
    """Copy a generated world's input files with sources renamed `<source>.<tag><suffix>`.

    Unique sources keep tests apart in one graph; the same identities under a second
    suffix make overlapping records. Returns the number of records written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(world.glob("*.jsonl")):
        lines = []
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                record: dict[str, Any] = json.loads(text)
                record["source"] = f"{record['source']}.{tag}{source_suffix}"
                lines.append(json.dumps(record, ensure_ascii=False))
        (out / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += len(lines)
    return written


def world_sources(world: Path) -> list[str]:
    """The distinct sources of a world copy's records."""
    sources: set[str] = set()
    for path in world.glob("*.jsonl"):
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                sources.add(json.loads(text)["source"])
    return sorted(sources)


def done_counts(output: str) -> dict[str, int]:
    """The counts of the `done: accepted=N ...` line `graph-service ingest --wait` prints."""
    line = next(x for x in output.splitlines() if x.startswith("done:"))
    pairs = (item.split("=") for item in line.removeprefix("done:").split())
    return {key: int(value) for key, value in pairs}
