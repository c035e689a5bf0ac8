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

# Broker commands to Redis retry with backoff (0.25 s doubling, capped at 5 s) for about a
# minute: dramatiq's Retries middleware only logs a re-enqueue that fails and then acks the
# failed message, so without this a Redis restart during a batch lost that batch's message.
REDIS_RETRIES = 15
REDIS_BACKOFF = ExponentialBackoff(cap=5.0, base=0.25)


def create_broker(settings: Settings) -> dramatiq.Broker:
    """A Redis broker with explicit retry and time-limit middleware, set as the global one."""
    middleware = [
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
    client = Redis.from_url(settings.redis_url, retry=Retry(REDIS_BACKOFF, REDIS_RETRIES))
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        client=client,
        middleware=middleware,
        namespace="graph-service",
        heartbeat_timeout=settings.broker_heartbeat_timeout_ms,
        maintenance_chance=settings.broker_maintenance_chance,
        dead_message_ttl=settings.broker_dead_message_ttl_ms,
    )
    dramatiq.set_broker(broker)
    return broker
