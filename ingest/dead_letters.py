"""Dead-lettered ingest messages: list them, send them back to the live queue, or drop them.

On RabbitMQ: ingest/dead_letters_rabbitmq.py (these functions hand over to it). dramatiq's
Redis broker moves a message whose retries are exhausted to a dead-letter queue
(`dramatiq/brokers/redis/dispatch.lua`, command `nack`):

* `<namespace>:<queue>.XQ` sorted set: Redis message id -> when it was dead-lettered (ms);
* `<namespace>:<queue>.XQ.msgs` hash: Redis message id -> the encoded message as it was
  last enqueued: its options hold `retries` (retries made) and the `traceback` of the
  failure that caused the last retry (the Retries middleware writes both before a retry;
  the final failure is not stored, and a message never retried has no traceback).

The broker drops dead letters older than its `dead_message_ttl` (7 days by default) during
its occasional queue maintenance. A message carries only a chunk id and the chunk's lines
stay parked until a worker finishes them, so a redriven message still finds its lines.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dramatiq import Broker, Message
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import q_name, xq_name

from graph_service.errors import GraphServiceError
from ingest.actors import INGEST_QUEUE

# Message options that belong to one delivery and must not follow a redriven message.
DELIVERY_OPTIONS = ("redis_message_id", "retries", "traceback", "eta", "requeue_timestamp")


class DeadLetterError(GraphServiceError):
    """A dead-letter operation cannot be done as asked (unknown id)."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that exhausted its retries, and why (`reason`: the last recorded failure)."""

    id: str
    message_id: str
    actor: str
    queue: str
    args: list[Any]
    retries: int
    dead_at: datetime
    reason: str
    traceback: str
    redrives: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "message_id": self.message_id,
            "actor": self.actor,
            "queue": self.queue,
            "args": self.args,
            "retries": self.retries,
            "dead_at": self.dead_at.isoformat(),
            "reason": self.reason,
            "redrives": self.redrives,
        }


def failure_reason(traceback: str) -> str:
    """The exception line of a formatted traceback ("" when none was recorded)."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def dead_letter_from(redis_id: str, data: bytes, dead_at_ms: float) -> DeadLetter:
    """A dead letter from its Redis id, encoded message and dead-letter time."""
    dead_at = datetime.fromtimestamp(dead_at_ms / 1000, UTC)
    return letter_from_message(redis_id, Message.decode(data), dead_at)


def letter_from_message(letter_id: str, message: Message[Any], dead_at: datetime) -> DeadLetter:
    """A dead letter from its broker id, decoded message and dead-letter time."""
    trace = str(message.options.get("traceback", ""))
    return DeadLetter(
        id=letter_id,
        message_id=message.message_id,
        actor=message.actor_name,
        queue=q_name(message.queue_name),
        args=list(message.args),
        retries=int(message.options.get("retries", 0)),
        dead_at=dead_at,
        reason=failure_reason(trace),
        traceback=trace,
        redrives=int(message.options.get("redrives", 0)),
    )


def _keys(broker: RedisBroker, queue: str) -> tuple[str, str]:
    """The dead-letter sorted set and message hash of `queue`."""
    xq = f"{broker.namespace}:{xq_name(queue)}"
    return xq, f"{xq}.msgs"


def list_dead_letters(
    broker: Broker, *, queue: str = INGEST_QUEUE, limit: int | None = None
) -> list[DeadLetter]:
    """Dead letters of `queue`, oldest first."""
    if isinstance(broker, RabbitmqBroker):
        from ingest import dead_letters_rabbitmq

        return dead_letters_rabbitmq.list_dead_letters(broker, queue=queue, limit=limit)
    return _redis_dead_letters(_redis(broker), queue=queue, limit=limit)


def _redis(broker: Broker) -> RedisBroker:
    if not isinstance(broker, RedisBroker):
        raise DeadLetterError(f"dead letters of a {type(broker).__name__} cannot be read")
    return broker


def _redis_dead_letters(
    broker: RedisBroker, *, queue: str, limit: int | None = None
) -> list[DeadLetter]:
    xq, msgs = _keys(broker, queue)
    entries = broker.client.zrange(xq, 0, -1 if limit is None else limit - 1, withscores=True)
    if not entries:
        return []
    ids = [member.decode() for member, _ in entries]
    datas = broker.client.hmget(msgs, ids)
    return [
        dead_letter_from(redis_id, data, score)
        for redis_id, (_, score), data in zip(ids, entries, datas, strict=True)
        if data is not None
    ]


def _select(broker: RedisBroker, queue: str, ids: Iterable[str] | None) -> list[DeadLetter]:
    """The dead letters named by Redis id or message id (None: all); unknown ids fail."""
    letters = _redis_dead_letters(broker, queue=queue)
    if ids is None:
        return letters
    wanted = set(ids)
    chosen = [d for d in letters if d.id in wanted or d.message_id in wanted]
    unknown = wanted - {d.id for d in chosen} - {d.message_id for d in chosen}
    if unknown:
        raise DeadLetterError(f"no dead-lettered message with id {', '.join(sorted(unknown))}")
    return chosen


def redrive_dead_letters(
    broker: Broker, ids: Iterable[str] | None, *, queue: str = INGEST_QUEUE
) -> list[DeadLetter]:
    """Put dead letters (None: all) back on the live queue with fresh retries; returns them.

    Each message is enqueued before its dead letter is deleted: a crash in between leaves
    it in both places, and the actor is idempotent, so nothing is lost or doubled.
    """
    if isinstance(broker, RabbitmqBroker):
        from ingest import dead_letters_rabbitmq

        return dead_letters_rabbitmq.redrive_dead_letters(broker, ids, queue=queue)
    broker = _redis(broker)
    letters = _select(broker, queue, ids)
    xq, msgs = _keys(broker, queue)
    for letter in letters:
        data = broker.client.hget(msgs, letter.id)
        if data is None:  # redriven or purged by someone else meanwhile
            continue
        broker.enqueue(fresh_message(Message.decode(data)))
        with broker.client.pipeline(transaction=True) as pipe:
            pipe.zrem(xq, letter.id)
            pipe.hdel(msgs, letter.id)
            pipe.execute()
    return letters


def fresh_message(message: Message[Any]) -> Message[Any]:
    """The same call (same message id) without the failed delivery's state."""
    options = {k: v for k, v in message.options.items() if k not in DELIVERY_OPTIONS}
    options["redrives"] = int(options.get("redrives", 0)) + 1
    return Message(
        queue_name=q_name(message.queue_name),
        actor_name=message.actor_name,
        args=message.args,
        kwargs=message.kwargs,
        options=options,
        message_id=message.message_id,
        # A fresh timestamp, so an age limit does not drop what an operator chose to redrive.
        message_timestamp=int(time.time() * 1000),
    )


def purge_dead_letters(
    broker: Broker, ids: Iterable[str] | None, *, queue: str = INGEST_QUEUE
) -> int:
    """Delete dead letters (None: all) for good; returns how many."""
    if isinstance(broker, RabbitmqBroker):
        from ingest import dead_letters_rabbitmq

        return dead_letters_rabbitmq.purge_dead_letters(broker, ids, queue=queue)
    broker = _redis(broker)
    letters = _select(broker, queue, ids)
    if not letters:
        return 0
    xq, msgs = _keys(broker, queue)
    with broker.client.pipeline(transaction=True) as pipe:
        pipe.zrem(xq, *[d.id for d in letters])
        pipe.hdel(msgs, *[d.id for d in letters])
        removed, _ = pipe.execute()
    return int(removed)
