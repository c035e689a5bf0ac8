"""The quarantine: rejected records kept with their original payload, listed and retried.

Layout in Redis (all under `graph-service:`; Redis runs with the append-only file on and
`noeviction`, so nothing here is dropped by a restart or by memory pressure):

* `quarantine` hash: `<run>:<origin>:<line>` -> the rejection as JSON (payload, errors);
* `quarantine:ids` hash: quarantine id -> that key (ids are short and URL-safe);
* `quarantine:index` and `quarantine:index:<run>` sorted sets: ids by quarantine time;
* `quarantine:lineage:<run>` hash: `<origin>:<line>` -> retries, for records that a retry
  run re-queued (so a record that fails again comes back counting its retries).

The worker writes the first three in the same transaction that closes a chunk
(`ingest.batches.finish_chunk`); everything else goes through the functions below.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis import Redis

from graph_service.errors import GraphServiceError
from ingest.batches import (
    RawLine,
    new_run,
    quarantine_id,
    quarantine_ids_key,
    quarantine_index_key,
    quarantine_key,
    seal_run,
    store_chunk,
)

# Seconds a retry run's lineage (its records' retry counts) is kept; if the run is still
# unprocessed after that, records it rejects show retries 0. The records never expire.
LINEAGE_TTL_S = 30 * 24 * 3600
# Ids read per round trip when walking the whole quarantine.
PAGE = 500


class QuarantineError(GraphServiceError):
    """A quarantine operation cannot be done as asked (unknown id, nothing to retry)."""


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    """A rejected input line: where it came from, what it said, and why it was refused."""

    id: str
    run_id: str
    origin: str
    line_no: int
    payload: str
    errors: list[dict[str, str]] = field(default_factory=list)
    quarantined_at: datetime | None = None
    retries: int = 0

    @property
    def key(self) -> str:
        """The entry's key in the quarantine hash."""
        return entry_key(self.run_id, self.origin, self.line_no)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what `quarantine show` prints and an HTTP route returns)."""
        at = self.quarantined_at.isoformat() if self.quarantined_at else None
        return {
            "id": self.id,
            "run_id": self.run_id,
            "origin": self.origin,
            "line_no": self.line_no,
            "payload": self.payload,
            "errors": self.errors,
            "quarantined_at": at,
            "retries": self.retries,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuarantinedRecord:
        """The inverse of `to_dict`."""
        at = data.get("quarantined_at")
        return cls(
            id=str(data["id"]),
            run_id=str(data["run_id"]),
            origin=str(data["origin"]),
            line_no=int(data["line_no"]),
            payload=str(data["payload"]),
            errors=[dict(e) for e in data.get("errors", [])],
            quarantined_at=datetime.fromisoformat(at) if at else None,
            retries=int(data.get("retries", 0)),
        )


def entry_key(run_id: str, origin: str, line_no: int) -> str:
    """The quarantine hash key of a line of a run (the worker's scheme)."""
    return f"{run_id}:{origin}:{line_no}"


def split_entry_key(key: str) -> tuple[str, str, int]:
    """`(run_id, origin, line_no)` of a key; origins may hold colons, run ids never do."""
    run_id, _, rest = key.partition(":")
    origin, _, line_no = rest.rpartition(":")
    if not run_id or not line_no.isdigit():
        raise QuarantineError(f"malformed quarantine key {key!r}")
    return run_id, origin, int(line_no)


def record_from_entry(
    key: str, raw: str | bytes, *, quarantined_at: float | None, retries: int
) -> QuarantinedRecord:
    """A record from its hash key and stored JSON (the worker's Rejection.to_json)."""
    run_id, origin, line_no = split_entry_key(key)
    data = json.loads(raw)
    at = datetime.fromtimestamp(quarantined_at, UTC) if quarantined_at is not None else None
    return QuarantinedRecord(
        id=quarantine_id(key),
        run_id=run_id,
        origin=str(data.get("origin", origin)),
        line_no=int(data.get("line", line_no)),
        payload=str(data["payload"]),
        errors=list(data.get("errors", [])),
        quarantined_at=at,
        retries=retries,
    )


def lineage_key(run_id: str) -> str:
    """The hash of retry counts of the lines a retry run re-queued."""
    return quarantine_key() + f":lineage:{run_id}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def reindex_quarantine(redis: Redis[bytes]) -> int:
    """Index entries written without an id (older workers); returns how many were added."""
    if redis.hlen(quarantine_key()) == redis.hlen(quarantine_ids_key()):
        return 0
    known = {_text(k) for k in redis.hvals(quarantine_ids_key())}
    missing = [_text(k) for k in redis.hkeys(quarantine_key()) if _text(k) not in known]
    now = datetime.now(UTC).timestamp()
    with redis.pipeline(transaction=True) as pipe:
        for key in missing:
            qid = quarantine_id(key)
            pipe.hset(quarantine_ids_key(), qid, key)
            pipe.zadd(quarantine_index_key(), {qid: now}, nx=True)
            pipe.zadd(quarantine_index_key(split_entry_key(key)[0]), {qid: now}, nx=True)
        pipe.execute()
    return len(missing)


def _load(redis: Redis[bytes], qids: list[str]) -> list[QuarantinedRecord | None]:
    """Records by id, in order; None where an id is unknown or its entry is gone."""
    if not qids:
        return []
    keys = [_text(k) if k is not None else None for k in redis.hmget(quarantine_ids_key(), qids)]
    with redis.pipeline(transaction=False) as pipe:
        for qid, key in zip(qids, keys, strict=True):
            pipe.hget(quarantine_key(), key or "")
            pipe.zscore(quarantine_index_key(), qid)
            run_id, origin, line_no = split_entry_key(key) if key else ("-", "", 0)
            pipe.hget(lineage_key(run_id), f"{origin}:{line_no}")
        raw = pipe.execute()
    records: list[QuarantinedRecord | None] = []
    for i, key in enumerate(keys):
        entry, score, retries = raw[3 * i : 3 * i + 3]
        if key is None or entry is None:
            records.append(None)
            continue
        records.append(
            record_from_entry(key, entry, quarantined_at=score, retries=int(retries or 0))
        )
    return records


def list_quarantined(
    redis: Redis[bytes], *, run_id: str | None = None, limit: int = 50, cursor: int = 0
) -> tuple[list[QuarantinedRecord], int | None]:
    """A page of quarantined records, oldest first, and the cursor of the next (None: end).

    The cursor is an offset in quarantine order: records removed meanwhile shift pages.
    """
    reindex_quarantine(redis)
    index = quarantine_index_key(run_id)
    qids = [_text(q) for q in redis.zrange(index, cursor, cursor + limit - 1)]
    loaded = _load(redis, qids)
    _prune(redis, [q for q, r in zip(qids, loaded, strict=True) if r is None], run_id)
    records = [r for r in loaded if r is not None]
    more = redis.zcard(index) > cursor + len(qids)
    return records, (cursor + len(qids) if more and qids else None)


def _prune(redis: Redis[bytes], stale: list[str], run_id: str | None) -> None:
    """Drop index entries whose record is gone (so a walk over the index always ends)."""
    if not stale:
        return
    with redis.pipeline(transaction=True) as pipe:
        pipe.zrem(quarantine_index_key(), *stale)
        if run_id:
            pipe.zrem(quarantine_index_key(run_id), *stale)
        pipe.hdel(quarantine_ids_key(), *stale)
        pipe.execute()


def get_quarantined(redis: Redis[bytes], qid: str) -> QuarantinedRecord | None:
    """One quarantined record by id, or None."""
    reindex_quarantine(redis)
    return _load(redis, [qid])[0]


def iter_quarantined(
    redis: Redis[bytes], *, run_id: str | None = None
) -> Iterator[QuarantinedRecord]:
    """Every quarantined record (of one run), oldest first, a page at a time."""
    cursor: int | None = 0
    while cursor is not None:
        page, cursor = list_quarantined(redis, run_id=run_id, limit=PAGE, cursor=cursor)
        yield from page


def _require(redis: Redis[bytes], qids: list[str]) -> list[QuarantinedRecord]:
    """The records of `qids`; unknown ids are an error naming them."""
    reindex_quarantine(redis)
    records = _load(redis, qids)
    unknown = [q for q, r in zip(qids, records, strict=True) if r is None]
    if unknown:
        raise QuarantineError(f"no quarantined record with id {', '.join(unknown)}")
    return [r for r in records if r is not None]


def _remove(redis: Redis[bytes], records: Iterable[QuarantinedRecord]) -> int:
    """Drop records from the quarantine and its indexes; returns how many were there."""
    records = list(records)
    if not records:
        return 0
    with redis.pipeline(transaction=True) as pipe:
        for record in records:
            pipe.hdel(quarantine_key(), record.key)
            pipe.hdel(quarantine_ids_key(), record.id)
            pipe.zrem(quarantine_index_key(), record.id)
            pipe.zrem(quarantine_index_key(record.run_id), record.id)
            pipe.hdel(lineage_key(record.run_id), f"{record.origin}:{record.line_no}")
        results = pipe.execute()
    return sum(int(results[5 * i]) for i in range(len(records)))


def _chunks(items: list[QuarantinedRecord], size: int) -> Iterator[list[QuarantinedRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def retry_quarantined(
    redis: Redis[bytes],
    actor: Any,
    qids: list[str] | None,
    *,
    chunk_size: int,
    payloads: Mapping[str, str] | None = None,
    owner: str = "",
) -> str:
    """Re-queue records (None: all) as a new run and return its id (`owner`: the API key
    retrying them over HTTP, see `ingest.batches.new_run`).

    `payloads` replaces the payload of the records it names (an edited record). A record
    leaves the quarantine only after its chunk is parked and its message sent; one that
    fails again comes back under the new run with `retries` one higher.
    """
    records = list(iter_quarantined(redis)) if qids is None else _require(redis, qids)
    if not records:
        raise QuarantineError("the quarantine is empty: nothing to retry")
    edits = dict(payloads or {})
    run_id = new_run(redis, owner=owner)
    for chunk in _chunks(records, chunk_size):
        _record_lineage(redis, run_id, chunk)
        lines = [RawLine(r.origin, r.line_no, edits.get(r.id, r.payload)) for r in chunk]
        actor.send(store_chunk(redis, run_id, lines))
        _remove(redis, chunk)
    seal_run(redis, run_id, chunks=-(-len(records) // chunk_size), lines=len(records))
    return run_id


def _record_lineage(redis: Redis[bytes], run_id: str, records: list[QuarantinedRecord]) -> None:
    """Remember each record's retry count under the retry run, before it is sent."""
    key = lineage_key(run_id)
    counts: dict[str | bytes, int] = {f"{r.origin}:{r.line_no}": r.retries + 1 for r in records}
    with redis.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=counts)
        pipe.expire(key, LINEAGE_TTL_S)
        pipe.execute()


def purge_quarantined(
    redis: Redis[bytes], qids: list[str] | None, *, run_id: str | None = None
) -> int:
    """Delete records for good: those ids, else one run's, else all; returns how many."""
    if qids is not None:
        return _remove(redis, _require(redis, qids))
    removed = 0
    while page := list_quarantined(redis, run_id=run_id, limit=PAGE)[0]:
        removed += _remove(redis, page)
    return removed


def normalise_payload(text: str) -> str:
    """An edited payload as one line: JSON is re-serialised compactly, other text stripped."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except json.JSONDecodeError:
        return text.strip()
