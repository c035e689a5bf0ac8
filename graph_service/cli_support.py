"""Helpers shared by the command groups of the CLI (kept apart from `graph_service.cli`
so that groups defined elsewhere can use them without importing the root command)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

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
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def settings_from(ctx: click.Context) -> Settings:
    """The settings built once by the root group."""
    settings: Settings = ctx.obj
    return settings
