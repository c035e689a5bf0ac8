"""Readiness checks of the services the API depends on."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
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


class _ProbeThreads(logging.Filter):
    """Drops log records of the threads running a readiness probe.

    pika logs a failed connection at ERROR from several of its modules (four lines per
    refused connection); a probe that finds RabbitMQ down is expected and logs one warning
    of its own, so pika's lines are dropped, but only those of the probing thread: the
    broker's own connections in other threads keep theirs.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._threads: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread not in self._threads

    @contextmanager
    def probing(self) -> Iterator[None]:
        ident = threading.get_ident()
        with self._lock:
            self._threads.add(ident)
        try:
            yield
        finally:
            with self._lock:
                self._threads.discard(ident)


_PIKA_PROBES = _ProbeThreads()


def _quiet_pika_probes() -> None:
    """Put the probe filter on every pika logger (filters do not apply to child loggers,
    and pika logs from one logger per module)."""
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "pika"]:
        pika_logger = logging.getLogger(name)
        if _PIKA_PROBES not in pika_logger.filters:
            pika_logger.addFilter(_PIKA_PROBES)


def _open_rabbitmq(url: str) -> None:
    """Open and close one AMQP connection, trying once (no reconnect loop)."""
    import pika  # type: ignore[import-untyped]  # pika ships no type hints

    _quiet_pika_probes()
    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1
    parameters.retry_delay = 0
    parameters.socket_timeout = CHECK_TIMEOUT_S
    parameters.blocked_connection_timeout = CHECK_TIMEOUT_S
    with _PIKA_PROBES.probing():
        pika.BlockingConnection(parameters).close()


async def check_rabbitmq(url: str) -> CheckResult:
    """RabbitMQ accepts a connection (only checked when it is the broker)."""
    return await _run_check("rabbitmq", asyncio.to_thread(_open_rabbitmq, url))
