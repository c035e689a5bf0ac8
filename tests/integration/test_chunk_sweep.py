"""The sweep that re-sends the messages of chunks parked too long, on the real Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from redis import Redis
from redis.client import Pipeline

from graph_service.settings import Settings
from ingest.batches import (
    RawLine,
    chunk_key,
    finish_chunk,
    new_run,
    parked_key,
    resend_stale_chunks,
    resends_key,
    run_key,
    store_chunk,
    sweep_lock_key,
)

pytestmark = pytest.mark.integration

# Scores this old are only ever set by these tests, so a sweep with OLDER_THAN sees their
# chunks and no chunk another test (or a worker) parked.
ANCIENT = 1_000.0
OLDER_THAN = time.time() - ANCIENT - 100.0


PARKED: list[str] = []


@pytest.fixture
def redis(redis_client: Redis) -> Iterator[Redis]:
    redis_client.delete(sweep_lock_key())
    yield redis_client
    redis_client.delete(sweep_lock_key())
    for chunk_id in PARKED:  # no worker is to find these test chunks later
        redis_client.delete(f"graph-service:chunk:{chunk_id}")
        redis_client.zrem(parked_key(), chunk_id)
        redis_client.hdel(resends_key(), chunk_id)
    PARKED.clear()


def park(redis: Redis, unique_id: str) -> tuple[str, str]:
    run_id = new_run(redis)
    chunk_id = store_chunk(redis, run_id, [RawLine(unique_id, 1, "{}")])
    PARKED.append(chunk_id)
    return run_id, chunk_id


def age(redis: Redis, chunk_id: str) -> None:
    redis.zadd(parked_key(), {chunk_id: ANCIENT})


def sweep(redis: Redis, sent: list[str], max_resends: int = 2) -> tuple[list[str], list[str]]:
    redis.delete(sweep_lock_key())
    done = resend_stale_chunks(redis, sent.append, older_than_s=OLDER_THAN, max_resends=max_resends)
    assert done is not None
    return done.resent, done.given_up


def test_a_parked_chunk_is_tracked_until_it_is_finished(redis: Redis, unique_id: str) -> None:
    run_id, chunk_id = park(redis, unique_id)
    assert abs(float(redis.zscore(parked_key(), chunk_id) or 0) - time.time()) < 60
    assert finish_chunk(redis, run_id=run_id, chunk_id=chunk_id, counts={}, rejects={})
    assert redis.zscore(parked_key(), chunk_id) is None
    assert not redis.hexists(resends_key(), chunk_id)


def test_a_stale_chunk_is_resent_then_given_up(redis: Redis, unique_id: str) -> None:
    _, chunk_id = park(redis, unique_id)
    age(redis, chunk_id)
    sent: list[str] = []
    assert sweep(redis, sent) == ([chunk_id], [])
    assert sent == [chunk_id]
    assert float(redis.zscore(parked_key(), chunk_id) or 0) > ANCIENT  # re-armed
    assert sweep(redis, sent) == ([], [])  # not stale again yet
    age(redis, chunk_id)
    assert sweep(redis, sent) == ([chunk_id], [])
    age(redis, chunk_id)
    assert sweep(redis, sent) == ([], [chunk_id])  # third time: left to dead-letters
    assert sent == [chunk_id, chunk_id]
    assert redis.zscore(parked_key(), chunk_id) is None
    assert redis.exists(f"graph-service:chunk:{chunk_id}")  # the records are not dropped


def test_an_entry_whose_chunk_is_gone_is_dropped_unsent(redis: Redis, unique_id: str) -> None:
    _, chunk_id = park(redis, unique_id)
    redis.delete(f"graph-service:chunk:{chunk_id}")
    age(redis, chunk_id)
    sent: list[str] = []
    assert sweep(redis, sent) == ([], [])
    assert sent == [] and redis.zscore(parked_key(), chunk_id) is None


def test_one_worker_sweeps_at_a_time(redis: Redis, unique_id: str) -> None:
    _, chunk_id = park(redis, unique_id)
    age(redis, chunk_id)
    sent: list[str] = []
    assert resend_stale_chunks(redis, sent.append, older_than_s=OLDER_THAN, max_resends=2)
    second = resend_stale_chunks(redis, sent.append, older_than_s=OLDER_THAN, max_resends=2)
    assert second is None and sent == [chunk_id]


def test_a_connection_lost_between_watch_and_exec_still_finishes_the_chunk(
    redis: Redis, settings: Settings, unique_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-py reports a connection dropped while watching as WatchError; that is not
    another delivery finishing the chunk, so the chunk must not be left parked."""
    run_id, chunk_id = park(redis, unique_id)
    killer: Redis = Redis.from_url(settings.redis_url)
    open_pipeline = redis.pipeline
    kills: list[int] = []

    def pipeline_losing_its_first_connection(*args: object, **kwargs: object) -> Pipeline:
        pipe = open_pipeline(*args, **kwargs)  # type: ignore[arg-type]
        if not kills:
            start_transaction = pipe.multi

            def multi() -> None:
                kills.append(killer.client_kill_filter(_id=pipe.client_id()))
                start_transaction()

            monkeypatch.setattr(pipe, "multi", multi)
        return pipe

    monkeypatch.setattr(redis, "pipeline", pipeline_losing_its_first_connection)
    try:
        finished = finish_chunk(
            redis, run_id=run_id, chunk_id=chunk_id, counts={"accepted": 1}, rejects={}
        )
    finally:
        killer.close()
    assert kills == [1]
    assert finished
    assert not redis.exists(chunk_key(chunk_id))
    assert redis.zscore(parked_key(), chunk_id) is None
    assert redis.hget(run_key(run_id), "done_chunks") == b"1"
    assert redis.hget(run_key(run_id), "accepted") == b"1"
