"""Readiness checks of the services the API depends on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from neo4j import AsyncDriver
from redis.asyncio import Redis

from graph_service.cypher import CypherLibrary

# Seconds one dependency check may take before it counts as down.
CHECK_TIMEOUT_S = 3.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One dependency: up or down, with a reason safe to show to callers."""

    name: str
    ok: bool
    detail: str


async def _run_check(name: str, probe: Awaitable[object]) -> CheckResult:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        return CheckResult(name, False, f"no answer within {CHECK_TIMEOUT_S:g}s")
    except Exception as exc:  # any failure means "down"; the detail stays in the log
        logger.warning("readiness check %s failed: %r", name, exc)
        return CheckResult(name, False, "unreachable")
    return CheckResult(name, True, "ok")


async def check_neo4j(driver: AsyncDriver, library: CypherLibrary, database: str) -> CheckResult:
    """Neo4j answers a trivial query."""
    probe = driver.execute_query(library.text("health/ping"), database_=database, routing_="r")
    return await _run_check("neo4j", probe)


async def check_redis(redis: Redis[bytes]) -> CheckResult:
    """Redis answers PING."""
    return await _run_check("redis", redis.ping())  # type: ignore[arg-type]


def _open_rabbitmq(url: str) -> None:
    """Open and close one AMQP connection, trying once (no reconnect loop)."""
    import pika  # type: ignore[import-untyped]  # pika ships no type hints

    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1
    parameters.retry_delay = 0
    parameters.socket_timeout = CHECK_TIMEOUT_S
    parameters.blocked_connection_timeout = CHECK_TIMEOUT_S
    pika.BlockingConnection(parameters).close()


async def check_rabbitmq(url: str) -> CheckResult:
    """RabbitMQ accepts a connection (only checked when it is the broker)."""
    return await _run_check("rabbitmq", asyncio.to_thread(_open_rabbitmq, url))
