"""`graph-service keys create|list|revoke`: manage API keys directly in Neo4j."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager

import click

from graph_service import keys
from graph_service.cli_support import clear_errors, settings_from
from graph_service.db import GraphClient, create_driver

# Columns of `keys list`, in order (never the secret or its hash).
LIST_COLUMNS = ("id", "name", "role", "created_at", "revoked_at", "last_used_at")


@contextmanager
def _graph(ctx: click.Context) -> Iterator[GraphClient]:
    settings = settings_from(ctx)
    with create_driver(settings) as driver:
        yield GraphClient.for_settings(driver, settings)


@click.group("keys")
def keys_group() -> None:
    """API keys of the HTTP and GraphQL APIs.

    Roles: read (GraphQL, batch progress), ingest (read + POST /ingest + quarantine),
    admin (everything).
    """


@keys_group.command("create")
@click.option("--name", required=True, help="Who or what uses the key (kept, listed).")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in keys.Role]), help="What it may do."
)
@click.pass_context
@clear_errors
def create_command(ctx: click.Context, name: str, role: str) -> None:
    """Create a key and print it once: only its hash is stored."""
    with _graph(ctx) as graph:
        info, text = keys.create_api_key(graph, name=name, role=role)
    click.echo(text)
    click.echo(
        f"created key {info.id} ({info.role}) for {info.name!r}; store it now, "
        "it cannot be shown again",
        err=True,
    )


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@clear_errors
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List keys: id, name, role, created, revoked and last used (never secrets)."""
    with _graph(ctx) as graph:
        infos = keys.list_api_keys(graph)
    if as_json:
        for info in infos:
            click.echo(json.dumps(dataclasses.asdict(info)))
        return
    rows = [[_cell(getattr(info, column)) for column in LIST_COLUMNS] for info in infos]
    click.echo(_table([list(LIST_COLUMNS), *rows]))


@keys_group.command("revoke")
@click.argument("key_id")
@click.pass_context
@clear_errors
def revoke_command(ctx: click.Context, key_id: str) -> None:
    """Revoke the key KEY_ID at once (requests with it get 401)."""
    with _graph(ctx) as graph:
        info = keys.revoke_api_key(graph, key_id)
    click.echo(f"revoked key {info.id} ({info.role}, {info.name!r}) at {info.revoked_at}")


def _cell(value: str | None) -> str:
    return "-" if value is None else value


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
