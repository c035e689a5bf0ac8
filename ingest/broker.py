"""The one place that configures the dramatiq broker."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from graph_service.settings import Settings

# Milliseconds one batch may run before dramatiq interrupts it (then it is retried).
BATCH_TIME_LIMIT_MS = 10 * 60 * 1000
# Retries before a message is dead-lettered (kept in Redis, visible and re-drivable).
MAX_RETRIES = 10
# Broker commands to Redis retry with backoff (0.25 s doubling, capped at 5 s) for about a
# minute: dramatiq's Retries middleware only logs a re-enqueue that fails and then acks the
# failed message, so without this a Redis restart during a batch lost that batch's message.
REDIS_RETRIES = 15
REDIS_BACKOFF = ExponentialBackoff(cap=5.0, base=0.25)


def create_broker(settings: Settings) -> dramatiq.Broker:
    """A Redis broker with explicit retry and time-limit middleware, set as the global one."""
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=BATCH_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES, min_backoff=1000, max_backoff=60_000),
    ]
    client = Redis.from_url(settings.redis_url, retry=Retry(REDIS_BACKOFF, REDIS_RETRIES))
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        client=client, middleware=middleware, namespace="graph-service"
    )
    dramatiq.set_broker(broker)
    return broker
