"""`graph-service persons ...` and `graph-service export persons`: decisions and export."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from graph_service.cli_support import clear_errors, settings_from
from graph_service.db import GraphClient, create_driver
from ingest import persons
from ingest.resolution import ResolverConfig


@contextmanager
def _graph(ctx: click.Context) -> Iterator[tuple[GraphClient, ResolverConfig]]:
    settings = settings_from(ctx)
    with create_driver(settings) as driver:
        client = GraphClient.for_settings(driver, settings)
        yield client, ResolverConfig.from_settings(settings)


def _actor(by: str, reason: str) -> persons.Actor:
    return persons.Actor(by=by, reason=reason)


_BY = click.option("--by", required=True, help="Who takes the decision (kept on it).")
_REASON = click.option("--reason", required=True, help="Why (kept on the decision).")


@click.group("persons")
def persons_group() -> None:
    """Human decisions about persons: merge, split, never-merge, explain, forget.

    A person is named by its id, a merged (old) id, or one of its records as SOURCE|ID.
    """


@persons_group.command("merge")
@click.argument("a")
@click.argument("b")
@_BY
@_REASON
@click.pass_context
@clear_errors
def merge_command(ctx: click.Context, a: str, b: str, by: str, reason: str) -> None:
    """Declare persons A and B one person."""
    with _graph(ctx) as (graph, config):
        survivor = persons.merge(graph, config, a, b, _actor(by, reason))
    click.echo(json.dumps({"person_id": survivor}))


@persons_group.command("split")
@click.argument("person")
@click.option("--record", "records", multiple=True, required=True, help="SOURCE|ID to split off.")
@_BY
@_REASON
@click.pass_context
@clear_errors
def split_command(
    ctx: click.Context, person: str, records: tuple[str, ...], by: str, reason: str
) -> None:
    """Split the given records off PERSON into a new person, never to be re-joined."""
    with _graph(ctx) as (graph, config):
        kept, split_off = persons.split(graph, config, person, records, _actor(by, reason))
    click.echo(json.dumps({"person_id": kept, "split_person_id": split_off}))


@persons_group.command("never-merge")
@click.argument("a")
@click.argument("b")
@_BY
@_REASON
@click.pass_context
@clear_errors
def never_merge_command(ctx: click.Context, a: str, b: str, by: str, reason: str) -> None:
    """Declare persons A and B never the same person."""
    with _graph(ctx) as (graph, config):
        decision = persons.never_merge(graph, config, a, b, _actor(by, reason))
    click.echo(json.dumps({"decision": decision}))


@persons_group.command("explain")
@click.argument("a")
@click.argument("b")
@click.pass_context
@clear_errors
def explain_command(ctx: click.Context, a: str, b: str) -> None:
    """Why A and B are one person, or why they are not (JSON)."""
    with _graph(ctx) as (graph, config):
        result = persons.explain(graph, config, a, b)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@persons_group.command("forget")
@click.argument("person")
@_BY
@_REASON
@click.pass_context
@clear_errors
def forget_command(ctx: click.Context, person: str, by: str, reason: str) -> None:
    """Erase PERSON and keep it erased: replayed or new records carrying its
    identifiers are dropped and counted as suppressed."""
    with _graph(ctx) as (graph, config):
        counts = persons.forget(graph, config, person, _actor(by, reason))
    click.echo(json.dumps(counts))


@click.group("export")
def export_group() -> None:
    """Export graph contents."""


@export_group.command("persons")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
@clear_errors
def export_persons_command(ctx: click.Context, fmt: str, out: Path | None) -> None:
    """One JSON line per person: person_id, source_records, identifiers, aliases, golden."""
    with _graph(ctx) as (graph, _), _open(out) as sink:
        for row in persons.export_persons(graph):
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")


@contextmanager
def _open(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    with out.open("w", encoding="utf-8") as handle:
        yield handle
