"""The one place that configures the dramatiq broker: Redis (default) or RabbitMQ."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import xq_name
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from graph_service.settings import BrokerKind, Settings

# Broker commands to Redis retry with backoff (0.25 s doubling, capped at 5 s) for about a
# minute: dramatiq's Retries middleware only logs a re-enqueue that fails and then acks the
# failed message, so without this a Redis restart during a batch lost that batch's message.
REDIS_RETRIES = 15
REDIS_BACKOFF = ExponentialBackoff(cap=5.0, base=0.25)
# The same minute for RabbitMQ: every new pika connection tries this many times, this many
# seconds apart (dramatiq reconnects up to 6 times per enqueue), unless the URL sets its own.
RABBITMQ_CONNECTION_ATTEMPTS = 12
RABBITMQ_RETRY_DELAY_S = 5


class GraphRabbitmqBroker(RabbitmqBroker):
    """dramatiq's RabbitMQ broker, with the dead-letter TTL taken from settings.

    dramatiq reads the TTL of the `<queue>.XQ` dead-letter queue once, at import, from the
    `dramatiq_dead_message_ttl` environment variable. RabbitMQ fixes a queue's arguments
    when it is first declared: after changing the setting, delete `ingest.XQ` (its dead
    letters go with it) or workers fail to declare it (PRECONDITION_FAILED).
    """

    def __init__(self, *, dead_message_ttl: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dead_message_ttl = dead_message_ttl

    def _declare_xq_queue(self, queue_name: str) -> Any:
        return self.channel.queue_declare(
            queue=xq_name(queue_name),
            durable=True,
            arguments={"x-message-ttl": self.dead_message_ttl},
        )


def broker_middleware(settings: Settings) -> list[Middleware]:
    """Retry and time-limit middleware from settings, the same for every broker."""
    return [
        AgeLimit(),
        TimeLimit(time_limit=int(settings.ingest_time_limit_s * 1000)),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=settings.ingest_max_retries,
            min_backoff=settings.ingest_min_backoff_ms,
            max_backoff=settings.ingest_max_backoff_ms,
        ),
    ]


def rabbitmq_connection_url(url: str) -> str:
    """url with pika's reconnect options added where it does not set them."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("connection_attempts", str(RABBITMQ_CONNECTION_ATTEMPTS))
    query.setdefault("retry_delay", str(RABBITMQ_RETRY_DELAY_S))
    return urlunsplit(parts._replace(query=urlencode(query)))


def patient_redis(url: str) -> Redis[bytes]:
    """A Redis client whose commands wait out a Redis restart (REDIS_RETRIES, REDIS_BACKOFF)
    instead of failing at once."""
    client: Redis[bytes] = Redis.from_url(url, retry=Retry(REDIS_BACKOFF, REDIS_RETRIES))
    return client


def create_broker(settings: Settings) -> dramatiq.Broker:
    """The broker settings.broker names, with retry and time-limit middleware.

    Not set as dramatiq's global broker: actors and the worker are given it, so two
    brokers (a test's Redis and RabbitMQ) can live in one process."""
    middleware = broker_middleware(settings)
    broker: dramatiq.Broker
    if settings.broker is BrokerKind.RABBITMQ:
        # Publisher confirms: an enqueue returns once RabbitMQ holds the message, as a
        # Redis write does, so a chunk parked in Redis never lacks its message.
        broker = GraphRabbitmqBroker(
            url=rabbitmq_connection_url(settings.rabbitmq_url.get_secret_value()),
            middleware=middleware,
            confirm_delivery=True,
            dead_message_ttl=settings.broker_dead_message_ttl_ms,
        )
    else:
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            client=patient_redis(settings.redis_url),
            middleware=middleware,
            namespace="graph-service",
            heartbeat_timeout=settings.broker_heartbeat_timeout_ms,
            maintenance_chance=settings.broker_maintenance_chance,
            dead_message_ttl=settings.broker_dead_message_ttl_ms,
        )
    return broker
