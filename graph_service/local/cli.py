"""`graph-service neo4j|redis|rabbitmq ...`: start, stop, status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from graph_service.errors import GraphServiceError
from graph_service.local import ServiceStatus
from graph_service.local.neo4j_server import neo4j_status, start_neo4j, stop_neo4j
from graph_service.local.rabbitmq_server import (
    ensure_rabbitmq_installed,
    rabbitmq_status,
    start_rabbitmq,
    stop_rabbitmq,
)
from graph_service.local.redis_server import (
    ensure_redis_installed,
    redis_status,
    start_redis,
    stop_redis,
)
from graph_service.settings import Settings, load_settings

__all__ = [
    "ensure_redis_installed",
    "neo4j_group",
    "neo4j_status",
    "rabbitmq_group",
    "redis_group",
    "redis_status",
    "start_neo4j",
    "start_redis",
    "stop_neo4j",
    "stop_redis",
]

# `status` exit code for a stopped service, as LSB init scripts and `neo4j status` use.
EXIT_STOPPED = 3
# Exit code for a GraphServiceError (click itself uses 2 for usage errors).
EXIT_ERROR = 2


def _settings() -> Settings:
    """The Settings the root group put in ctx.obj; built here when run standalone."""
    obj = click.get_current_context().obj
    return obj if isinstance(obj, Settings) else load_settings()


@contextmanager
def _errors() -> Iterator[None]:
    """Turn a GraphServiceError into one line on stderr and exit 2, no traceback."""
    try:
        yield
    except GraphServiceError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(EXIT_ERROR) from None


def _report(status: ServiceStatus) -> None:
    """Print a status line; exit 3 when the service is stopped."""
    click.echo(status.describe())
    if not status.running:
        raise SystemExit(EXIT_STOPPED)


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server assembled from Maven Central."""


@neo4j_group.command("start")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait.")
def neo4j_start(timeout: float) -> None:
    """Start Neo4j (assembling it with Maven on first use); wait until Bolt answers."""
    settings = _settings()
    with _errors():
        start_neo4j(settings, timeout_s=timeout, progress=click.echo)
        click.echo(neo4j_status(settings).describe())
        click.echo(f"Neo4j Browser: http://127.0.0.1:{settings.neo4j_http_port}/browser/")


@neo4j_group.command("stop")
def neo4j_stop() -> None:
    """Stop Neo4j gracefully (SIGTERM, then SIGKILL after 60 s)."""
    with _errors():
        stopped = stop_neo4j(_settings())
    click.echo("neo4j stopped" if stopped else "neo4j was not running")


@neo4j_group.command("status")
def neo4j_status_command() -> None:
    """Show whether Neo4j runs (exit 3 when stopped)."""
    with _errors():
        status = neo4j_status(_settings())
    _report(status)


@click.group("redis")
def redis_group() -> None:
    """Run a local Redis server (Debian's redis-server)."""


@redis_group.command("start")
@click.option("--install", is_flag=True, help="apt-get install redis-server if missing (root).")
def redis_start(install: bool) -> None:
    """Start Redis with AOF on and noeviction; wait until PING answers."""
    settings = _settings()
    with _errors():
        if install:
            ensure_redis_installed()
        start_redis(settings)
        click.echo(redis_status(settings).describe())


@redis_group.command("stop")
def redis_stop() -> None:
    """Stop Redis with SHUTDOWN (the append-only file is flushed)."""
    with _errors():
        stopped = stop_redis(_settings())
    click.echo("redis stopped" if stopped else "redis was not running")


@redis_group.command("status")
def redis_status_command() -> None:
    """Show whether Redis runs (exit 3 when stopped)."""
    with _errors():
        status = redis_status(_settings())
    _report(status)


@click.group("rabbitmq")
def rabbitmq_group() -> None:
    """Run a local RabbitMQ node (Debian's rabbitmq-server) for GRAPH_BROKER=rabbitmq."""


@rabbitmq_group.command("start")
@click.option("--install", is_flag=True, help="apt-get install rabbitmq-server if missing (root).")
@click.option("--timeout", type=float, default=90.0, show_default=True, help="Seconds to wait.")
def rabbitmq_start(install: bool, timeout: float) -> None:
    """Start RabbitMQ on loopback; wait until an AMQP login succeeds."""
    settings = _settings()
    with _errors():
        if install:
            ensure_rabbitmq_installed(progress=click.echo)
        start_rabbitmq(settings, timeout_s=timeout)
        click.echo(rabbitmq_status(settings).describe())


@rabbitmq_group.command("install")
def rabbitmq_install() -> None:
    """apt-get install rabbitmq-server if missing (root), its system node disabled."""
    with _errors():
        script = ensure_rabbitmq_installed(progress=click.echo)
    click.echo(f"rabbitmq-server installed: {script}")


@rabbitmq_group.command("stop")
def rabbitmq_stop() -> None:
    """Stop RabbitMQ gracefully (durable queues are kept)."""
    with _errors():
        stopped = stop_rabbitmq(_settings())
    click.echo("rabbitmq stopped" if stopped else "rabbitmq was not running")


@rabbitmq_group.command("status")
def rabbitmq_status_command() -> None:
    """Show whether RabbitMQ runs (exit 3 when stopped)."""
    with _errors():
        status = rabbitmq_status(_settings())
    _report(status)
