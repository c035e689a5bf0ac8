"""Batch bookkeeping in Redis: queued chunks, per-run counts, quarantine.

Chunks of raw lines wait in Redis until a worker has written them, so a
message carries only ids and a killed worker loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
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


def parked_key() -> str:
    """Parked chunk ids by when they were queued (or last re-sent): what the sweep reads."""
    return f"{KEY_PREFIX}:chunks:parked"


def resends_key() -> str:
    """How many times the sweep has re-sent each parked chunk's message."""
    return f"{KEY_PREFIX}:chunks:resends"


def sweep_lock_key() -> str:
    """Held by the worker sweeping, so that workers do not re-send the same chunks."""
    return f"{KEY_PREFIX}:chunks:sweep-lock"


def store_chunk(redis: Redis[bytes], run_id: str, lines: list[RawLine]) -> str:
    """Park a chunk's lines in Redis and return its id."""
    chunk_id = uuid.uuid4().hex
    payload = {"run_id": run_id, "lines": [_line_entry(x) for x in lines]}
    with redis.pipeline(transaction=True) as pipe:
        pipe.set(chunk_key(chunk_id), json.dumps(payload))
        pipe.zadd(parked_key(), {chunk_id: time.time()})
        pipe.execute()
    return chunk_id


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one sweep of parked chunks did."""

    resent: list[str]
    given_up: list[str]


def resend_stale_chunks(
    redis: Redis[bytes],
    send: Callable[[str], object],
    *,
    older_than_s: float,
    max_resends: int,
    now: float | None = None,
) -> Sweep | None:
    """Send again the message of every chunk parked more than `older_than_s` seconds ago.

    A message can be lost while the broker is away longer than its client retries (see
    docs/fault-tolerance.md) or dead-lettered after its retries; its chunk then waits in
    Redis for ever. Re-sending is safe because a chunk is processed once
    (`finish_chunk`): a duplicate message finds nothing. Each chunk is re-sent at most
    `max_resends` times, then left to `graph-service dead-letters` and logged. None when
    another worker swept less than `older_than_s / 2` ago (one sweeper cluster-wide).
    """
    at = time.time() if now is None else now
    if not redis.set(sweep_lock_key(), b"1", nx=True, px=max(1, int(older_than_s * 500))):
        return None
    resent: list[str] = []
    given_up: list[str] = []
    for raw in redis.zrangebyscore(parked_key(), "-inf", at - older_than_s):
        chunk_id = raw.decode()
        if not redis.exists(chunk_key(chunk_id)):  # finished meanwhile, or parked long ago
            redis.zrem(parked_key(), chunk_id)
            continue
        if int(redis.hincrby(resends_key(), chunk_id, 1)) > max_resends:
            redis.zrem(parked_key(), chunk_id)
            given_up.append(chunk_id)
            continue
        send(chunk_id)
        redis.zadd(parked_key(), {chunk_id: at}, xx=True)  # next look: older_than_s later
        resent.append(chunk_id)
    return Sweep(resent=resent, given_up=given_up)


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
    while True:
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
                pipe.zrem(parked_key(), chunk_id)
                pipe.hdel(resends_key(), chunk_id)
                pipe.execute()
                return True
            except WatchError:
                # Not proof that another delivery finished the chunk: redis-py also raises
                # WatchError when the connection drops between WATCH and EXEC (a Redis
                # restart). Look again; returning False here acked the message of a chunk
                # nobody had finished, and the chunk stayed parked.
                continue


def run_progress(redis: Redis[bytes], run_id: str) -> dict[str, int]:
    """Counts of a run so far."""
    raw = redis.hgetall(run_key(run_id))
    return {k.decode(): int(v) for k, v in raw.items() if k.decode() != OWNER_FIELD}
