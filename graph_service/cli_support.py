"""Helpers shared by the command groups of the CLI (kept apart from `graph_service.cli`
so that groups defined elsewhere can use them without importing the root command)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from neo4j.exceptions import AuthError, ServiceUnavailable
from redis.exceptions import AuthenticationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph_service.errors import GraphServiceError
from graph_service.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def clear_errors(func: F) -> F:
    """Turn expected failures into one line on stderr and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GraphServiceError as exc:
            message = str(exc)
        except (RedisConnectionError, RedisTimeoutError, AuthenticationError) as exc:
            message = unreachable("Redis", "GRAPH_REDIS_URL", "redis", exc)
        except ServiceUnavailable as exc:
            message = unreachable("Neo4j", "GRAPH_NEO4J_URI", "neo4j", exc)
        except AuthError as exc:
            message = (
                f"Neo4j refused the credentials (GRAPH_NEO4J_USER, GRAPH_NEO4J_PASSWORD): "
                f"{_one_line(exc)}"
            )
        click.echo(f"error: {message}", err=True)
        sys.exit(2)

    return wrapper  # type: ignore[return-value]


def unreachable(service: str, setting: str, command: str, exc: BaseException) -> str:
    """One line for a service a command could not reach: where it looked, why, what to do."""
    return (
        f"{service} cannot be reached ({setting}): {_one_line(exc)}; start it with "
        f"`graph-service {command} start`, or point {setting} at a running one"
    )


def _one_line(exc: BaseException) -> str:
    # neo4j's messages span lines (the address, then the reason); keep them on one.
    return " ".join(str(exc).split()).rstrip(".") or type(exc).__name__


def settings_from(ctx: click.Context) -> Settings:
    """The settings built once by the root group."""
    settings: Settings = ctx.obj
    return settings
