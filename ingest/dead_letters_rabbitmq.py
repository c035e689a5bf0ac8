"""Dead-lettered ingest messages on RabbitMQ: list, redrive and purge, as on Redis.

dramatiq's RabbitMQ broker rejects a message whose retries are exhausted and RabbitMQ
dead-letters it into the durable queue `<queue>.XQ` (`x-dead-letter-routing-key`, see
`GraphRabbitmqBroker`). Its body is the encoded message as last enqueued (options hold
`retries` and the `traceback` of the failure that caused the last retry) and its `x-death`
header says when it died.

A queue cannot be read without taking messages off it. Every operation therefore takes
the dead letters with manual acknowledgement on its own channel, acknowledges those it
redrives or purges, and lets the rest go back when the channel closes (RabbitMQ returns
rejected messages to their place in the queue). A redriven message is published to the
live queue (with publisher confirms) before its dead letter is acknowledged: a crash in
between leaves it in both places, and the actor is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dramatiq import Message
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.common import xq_name

from ingest.dead_letters import DeadLetter, DeadLetterError, fresh_message, letter_from_message

# AMQP reply code of a queue that does not exist (passive declare).
NOT_FOUND = 404


@dataclass(frozen=True, slots=True)
class _Taken:
    """One dead letter taken off the queue, not yet acknowledged."""

    delivery_tag: int
    letter: DeadLetter
    message: Message[Any]


@contextmanager
def _channel(broker: RabbitmqBroker) -> Iterator[Any]:
    """A channel of a connection of its own (closing it returns what was not acked)."""
    import pika  # type: ignore[import-untyped]  # pika ships no type hints
    import pika.exceptions  # type: ignore[import-untyped]

    try:
        connection = pika.BlockingConnection(broker.parameters)
    except pika.exceptions.AMQPConnectionError as error:
        raise DeadLetterError(
            f"RabbitMQ (GRAPH_RABBITMQ_URL) cannot be reached to read dead letters: {error!r}"
        ) from error
    try:
        yield connection.channel()
    finally:
        connection.close()


def _queue_exists(broker: RabbitmqBroker, queue: str) -> bool:
    import pika.exceptions  # type: ignore[import-untyped]

    with _channel(broker) as channel:
        try:
            channel.queue_declare(queue=queue, passive=True)
        except pika.exceptions.ChannelClosedByBroker as error:
            if error.reply_code == NOT_FOUND:
                return False
            raise
    return True


def _dead_at(properties: Any) -> datetime:
    """When RabbitMQ dead-lettered it (the first `x-death` entry), else now."""
    deaths = (properties.headers or {}).get("x-death") or [{}]
    when = deaths[0].get("time")
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    if isinstance(when, int | float):
        return datetime.fromtimestamp(when, UTC)
    return datetime.now(UTC)


def _take(channel: Any, queue: str, limit: int | None) -> list[_Taken]:
    taken: list[_Taken] = []
    while limit is None or len(taken) < limit:
        method, properties, body = channel.basic_get(queue=xq_name(queue), auto_ack=False)
        if method is None:
            break
        message = Message.decode(body)
        letter = letter_from_message(message.message_id, message, _dead_at(properties))
        taken.append(_Taken(method.delivery_tag, letter, message))
    return taken


def _select(taken: list[_Taken], ids: Iterable[str] | None) -> list[_Taken]:
    if ids is None:
        return taken
    wanted = set(ids)
    chosen = [t for t in taken if t.letter.message_id in wanted]
    unknown = wanted - {t.letter.message_id for t in chosen}
    if unknown:
        raise DeadLetterError(f"no dead-lettered message with id {', '.join(sorted(unknown))}")
    return chosen


def list_dead_letters(
    broker: RabbitmqBroker, *, queue: str, limit: int | None = None
) -> list[DeadLetter]:
    """Dead letters of `queue`, oldest first (all are put back)."""
    if not _queue_exists(broker, xq_name(queue)):
        return []
    with _channel(broker) as channel:
        return [t.letter for t in _take(channel, queue, limit)]


def redrive_dead_letters(
    broker: RabbitmqBroker, ids: Iterable[str] | None, *, queue: str
) -> list[DeadLetter]:
    """Put dead letters (None: all) back on the live queue with fresh retries."""
    if not _queue_exists(broker, xq_name(queue)):
        return [t.letter for t in _select([], ids)]
    with _channel(broker) as channel:
        chosen = _select(_take(channel, queue, None), ids)
        for taken in chosen:
            broker.enqueue(fresh_message(taken.message))
            channel.basic_ack(taken.delivery_tag)
    return [t.letter for t in chosen]


def purge_dead_letters(broker: RabbitmqBroker, ids: Iterable[str] | None, *, queue: str) -> int:
    """Delete dead letters (None: all) for good; returns how many."""
    if not _queue_exists(broker, xq_name(queue)):
        return len(_select([], ids))
    with _channel(broker) as channel:
        chosen = _select(_take(channel, queue, None), ids)
        for taken in chosen:
            channel.basic_ack(taken.delivery_tag)
    return len(chosen)
