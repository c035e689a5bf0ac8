"""A readiness probe that finds RabbitMQ down says so once, in its own warning, while
pika's errors from other threads (the broker's own connections) still reach the log."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

import pytest

from graph_service.health import check_rabbitmq


def refused_url() -> str:
    """An AMQP URL of a local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"amqp://guest:guest@127.0.0.1:{port}/%2F"


def test_rabbitmq_down_logs_one_warning_and_no_pika_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    result = asyncio.run(check_rabbitmq(refused_url()))
    assert (result.ok, result.detail) == (False, "unreachable")
    pika_errors = [r for r in caplog.records if r.name.startswith("pika") and r.levelno >= 40]
    assert pika_errors == []
    warnings = [r for r in caplog.records if r.name == "graph_service.health"]
    assert [r.levelname for r in warnings] == ["WARNING"]


def test_pika_errors_of_other_threads_still_reach_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    asyncio.run(check_rabbitmq(refused_url()))  # the filter is now on pika's loggers
    broker = logging.getLogger("pika.adapters.blocking_connection")
    worker = threading.Thread(target=broker.error, args=("connection to broker lost",))
    worker.start()
    worker.join()
    assert [r.getMessage() for r in caplog.records if r.name == broker.name] == [
        "connection to broker lost"
    ]
