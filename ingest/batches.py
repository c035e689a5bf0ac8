"""Batch bookkeeping in Redis: queued chunks, per-run counts, quarantine.

Chunks of raw lines wait in Redis until a worker has written them, so a
message carries only ids and a killed worker loses nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.exceptions import WatchError

KEY_PREFIX = "graph-service"
# Outcomes counted per ingest run.
OUTCOMES = ("accepted", "rejected", "duplicate", "suppressed")


def chunk_key(chunk_id: str) -> str:
    """Where a chunk's raw lines wait."""
    return f"{KEY_PREFIX}:chunk:{chunk_id}"


def run_key(run_id: str) -> str:
    """Where an ingest run's counts are kept."""
    return f"{KEY_PREFIX}:run:{run_id}"


def quarantine_key() -> str:
    """The hash of rejected records, by `<run>:<source>:<line>`."""
    return f"{KEY_PREFIX}:quarantine"


@dataclass(frozen=True, slots=True)
class RawLine:
    """One input line and where it came from."""

    origin: str
    line_no: int
    text: str


def new_run(redis: Redis[bytes]) -> str:
    """Register an ingest run and return its id; its size is sealed once all is queued."""
    run_id = uuid.uuid4().hex
    redis.hset(run_key(run_id), mapping={"done_chunks": 0})
    return run_id


def seal_run(redis: Redis[bytes], run_id: str, *, chunks: int, lines: int) -> None:
    """Record how many chunks and lines the run holds, so waiters know when it is done."""
    redis.hset(run_key(run_id), mapping={"chunks": chunks, "lines": lines})


def store_chunk(redis: Redis[bytes], run_id: str, lines: list[RawLine]) -> str:
    """Park a chunk's lines in Redis and return its id."""
    chunk_id = uuid.uuid4().hex
    payload = {"run_id": run_id, "lines": [[x.origin, x.line_no, x.text] for x in lines]}
    redis.set(chunk_key(chunk_id), json.dumps(payload))
    return chunk_id


def load_chunk(redis: Redis[bytes], chunk_id: str) -> tuple[str, list[RawLine]] | None:
    """A parked chunk, or None when it was already processed."""
    raw = redis.get(chunk_key(chunk_id))
    if raw is None:
        return None
    payload: dict[str, Any] = json.loads(raw)
    lines = [RawLine(origin, line_no, text) for origin, line_no, text in payload["lines"]]
    return payload["run_id"], lines


def finish_chunk(
    redis: Redis[bytes],
    *,
    run_id: str,
    chunk_id: str,
    counts: dict[str, int],
    rejects: Mapping[str | bytes, str],
) -> bool:
    """Record a chunk's outcome and drop it atomically; False if another delivery did it first."""
    key = chunk_key(chunk_id)
    with redis.pipeline(transaction=True) as pipe:
        try:
            pipe.watch(key)
            if not pipe.exists(key):
                return False
            pipe.multi()
            for outcome, count in counts.items():
                pipe.hincrby(run_key(run_id), outcome, count)
            pipe.hincrby(run_key(run_id), "done_chunks", 1)
            if rejects:
                pipe.hset(quarantine_key(), mapping=dict(rejects))
            pipe.delete(key)
            pipe.execute()
        except WatchError:
            return False
    return True


def run_progress(redis: Redis[bytes], run_id: str) -> dict[str, int]:
    """Counts of a run so far."""
    raw = redis.hgetall(run_key(run_id))
    return {k.decode(): int(v) for k, v in raw.items()}
