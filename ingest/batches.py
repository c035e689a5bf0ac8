"""Batch bookkeeping in Redis: queued chunks, per-run counts, quarantine.

Chunks of raw lines wait in Redis until a worker has written them, so a
message carries only ids and a killed worker loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.client import Pipeline
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


def quarantine_id(entry_key: str) -> str:
    """The stable, URL-safe id of a quarantine entry: a digest of its `<run>:<source>:<line>`."""
    return hashlib.blake2b(entry_key.encode("utf-8"), digest_size=12).hexdigest()


def quarantine_ids_key() -> str:
    """The hash of quarantine id -> entry key (ids stay short whatever the origin is)."""
    return f"{KEY_PREFIX}:quarantine:ids"


def quarantine_index_key(run_id: str | None = None) -> str:
    """Quarantine ids by the time they were quarantined: all of them, or one run's."""
    return f"{KEY_PREFIX}:quarantine:index" + (f":{run_id}" if run_id else "")


def index_rejects(pipe: Pipeline[bytes], run_id: str, keys: Iterable[str | bytes]) -> None:
    """Queue the id and time index entries of newly quarantined keys on `pipe`."""
    ids: dict[str | bytes, str | bytes] = {
        quarantine_id(k if isinstance(k, str) else k.decode()): k for k in keys
    }
    scores: dict[str | bytes, float] = dict.fromkeys(ids, time.time())
    pipe.hset(quarantine_ids_key(), mapping=ids)
    pipe.zadd(quarantine_index_key(), scores)
    pipe.zadd(quarantine_index_key(run_id), scores)


@dataclass(frozen=True, slots=True)
class RawLine:
    """One input line and where it came from.

    `errors` ((field, reason) pairs) is set when an export row could not be converted to a
    record; `text` then holds the original row, and parsing turns it into a rejection.
    """

    origin: str
    line_no: int
    text: str
    errors: tuple[tuple[str, str], ...] = ()


# The run field naming the API key that submitted the run (absent: the CLI did).
OWNER_FIELD = "owner"


def new_run(redis: Redis[bytes], *, owner: str = "") -> str:
    """Register an ingest run and return its id; its size is sealed once all is queued.

    `owner` is the id of the API key submitting it over HTTP: that key may then read the
    run and its quarantine (see graph_service.ingest_http)."""
    run_id = uuid.uuid4().hex
    fields: dict[str | bytes, str | int] = {"done_chunks": 0}
    if owner:
        fields[OWNER_FIELD] = owner
    redis.hset(run_key(run_id), mapping=fields)
    return run_id


def run_owner(redis: Redis[bytes], run_id: str) -> str:
    """The id of the API key that submitted the run ("" for the CLI or an unknown run)."""
    raw = redis.hget(run_key(run_id), OWNER_FIELD)
    return raw.decode() if raw else ""


def seal_run(redis: Redis[bytes], run_id: str, *, chunks: int, lines: int) -> None:
    """Record how many chunks and lines the run holds, so waiters know when it is done."""
    redis.hset(run_key(run_id), mapping={"chunks": chunks, "lines": lines})


def store_chunk(redis: Redis[bytes], run_id: str, lines: list[RawLine]) -> str:
    """Park a chunk's lines in Redis and return its id."""
    chunk_id = uuid.uuid4().hex
    payload = {"run_id": run_id, "lines": [_line_entry(x) for x in lines]}
    redis.set(chunk_key(chunk_id), json.dumps(payload))
    return chunk_id


def load_chunk(redis: Redis[bytes], chunk_id: str) -> tuple[str, list[RawLine]] | None:
    """A parked chunk, or None when it was already processed."""
    raw = redis.get(chunk_key(chunk_id))
    if raw is None:
        return None
    payload: dict[str, Any] = json.loads(raw)
    lines = [_line_from_entry(entry) for entry in payload["lines"]]
    return payload["run_id"], lines


def _line_entry(line: RawLine) -> list[Any]:
    """`[origin, line_no, text]`, plus the conversion errors as a 4th element when any."""
    entry: list[Any] = [line.origin, line.line_no, line.text]
    if line.errors:
        entry.append([list(error) for error in line.errors])
    return entry


def _line_from_entry(entry: list[Any]) -> RawLine:
    """A parked line; chunks parked before conversion errors existed have 3 elements."""
    origin, line_no, text, *rest = entry
    errors = tuple((str(field), str(reason)) for field, reason in rest[0]) if rest else ()
    return RawLine(origin, line_no, text, errors)


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
                index_rejects(pipe, run_id, rejects)
            pipe.delete(key)
            pipe.execute()
        except WatchError:
            return False
    return True


def run_progress(redis: Redis[bytes], run_id: str) -> dict[str, int]:
    """Counts of a run so far."""
    raw = redis.hgetall(run_key(run_id))
    return {k.decode(): int(v) for k, v in raw.items() if k.decode() != OWNER_FIELD}
