"""The `graph-service` command line: the only place that prints."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from graph_service.cli_support import clear_errors, settings_from
from graph_service.db import GraphClient, create_driver
from graph_service.migrations import migrate as run_migrations
from graph_service.settings import load_settings
from ingest.batches import OUTCOMES


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log at DEBUG level.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Customer intelligence graph service."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Server query hints ("property key does not exist" on an empty graph) are noise here.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    try:
        ctx.obj = load_settings()
    except ValidationError as exc:
        for error in exc.errors():
            field = "GRAPH_" + ".".join(str(p) for p in error["loc"]).upper()
            click.echo(f"error: bad configuration {field}: {error['msg']}", err=True)
        sys.exit(2)


@main.command()
@click.pass_context
@clear_errors
def migrate(ctx: click.Context) -> None:
    """Apply pending schema migrations from cypher/migrations."""
    settings = settings_from(ctx)
    with create_driver(settings) as driver:
        client = GraphClient.for_settings(driver, settings)
        report = run_migrations(client, settings.cypher_dir)
    applied = ", ".join(f"V{v}" for v in report.applied) or "none"
    click.echo(f"migrations applied: {applied}; already applied: {len(report.already_applied)}")


@main.command()
@click.option("--host", default=None, help="Bind address (default GRAPH_API_HOST).")
@click.option("--port", default=None, type=int, help="Port (default GRAPH_API_PORT).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the API with uvicorn."""
    import uvicorn

    from graph_service.app import create_app

    settings = settings_from(ctx)
    app = create_app(settings)
    uvicorn.run(app, host=host or settings.api_host, port=port or settings.api_port)


@main.command()
@click.option("--threads", type=int, default=None, help="Worker threads (GRAPH_WORKER_THREADS).")
@click.pass_context
def worker(ctx: click.Context, threads: int | None) -> None:
    """Consume the ingest queue until interrupted."""
    from graph_service.worker import run_worker

    settings = settings_from(ctx)
    run_worker(settings, threads=threads or settings.worker_threads)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--wait", is_flag=True, help="Return only when every record is in the graph.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["auto", "jsonl", "linkedin", "google", "vcard", "csv"]),
    default="auto",
    show_default=True,
    help="Format of every file; auto: by extension and header (docs/formats.md).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Column mapping (TOML) for CSV files of no known export.",
)
@click.option("--source", help="Source name for converted records (default per format).")
@click.option("--progress/--no-progress", default=True, help="Progress bars on stderr.")
@click.pass_context
@clear_errors
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    wait: bool,
    input_format: str,
    mapping: Path | None,
    source: str | None,
    progress: bool,
) -> None:
    """Queue files for ingest: JSON Lines, LinkedIn or Google Contacts CSV, vCard, or any
    CSV with --mapping; folders are read for all of these."""
    from redis import Redis

    from graph_service.worker import build_ingest
    from ingest.broker import patient_redis
    from ingest.formats import InputOptions, load_mapping, plan_inputs
    from ingest.submit import QueueProgress, RunProgress, submit_inputs, wait_for_run

    settings = settings_from(ctx)
    columns = load_mapping(mapping) if mapping is not None else None
    options = InputOptions(format=input_format, mapping=columns, source=source)
    plan = plan_inputs(paths, options)
    _, actor = build_ingest(settings)
    redis = Redis.from_url(settings.redis_url)
    with QueueProgress(len(plan), enabled=progress) as bar:
        run_id, lines = submit_inputs(
            redis,
            actor,
            plan,
            chunk_size=settings.ingest_chunk_size,
            options=options,
            on_chunk=bar.on_chunk,
        )
    click.echo(f"queued {lines} lines from {len(plan)} file(s) as run {run_id}")
    if wait:
        # Queuing fails fast when Redis is away; waiting, possibly for a long run, rides
        # out a Redis restart (the run goes on in the workers meanwhile).
        with RunProgress(lines, enabled=progress) as waiting:
            counts = wait_for_run(
                patient_redis(settings.redis_url),
                run_id,
                timeout_s=settings.ingest_wait_timeout_s,
                on_progress=waiting.on_progress,
            )
        summary = " ".join(f"{k}={counts.get(k, 0)}" for k in OUTCOMES)
        click.echo(f"done: {summary}")


@main.command()
@click.option("--people", default=200, show_default=True, help="People in the demo world.")
@click.option("--seed", default=7, show_default=True, help="Seed of the demo world.")
@click.pass_context
@clear_errors
def up(ctx: click.Context, people: int, seed: int) -> None:
    """Run a worker, load a generated demo world, then serve the API (Ctrl-C stops all)."""
    import uvicorn

    from graph_service import demo
    from graph_service.app import create_app

    settings = settings_from(ctx)
    world = demo.ensure_demo_world(settings, people=people, seed=seed)
    worker_process = demo.start_worker_process()
    try:
        counts = demo.load_world(settings, world)
        click.echo("demo world loaded: " + " ".join(f"{k}={counts.get(k, 0)}" for k in OUTCOMES))
        for label, url in demo.addresses(settings).items():
            click.echo(f"{label:>14}: {url}")
        uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=30)


def _register_groups() -> None:
    from graph_service.content_hash import graph_group
    from graph_service.keys_cli import keys_group
    from graph_service.local.cli import neo4j_group, rabbitmq_group, redis_group
    from ingest.persons_cli import export_group, persons_group
    from ingest.quarantine_cli import dead_letters_group, quarantine_group
    from ingest.synthetic.cli import demo_group

    for group in (neo4j_group, redis_group, demo_group, persons_group, export_group):
        main.add_command(group)
    main.add_command(keys_group)
    main.add_command(quarantine_group)
    main.add_command(dead_letters_group)
    main.add_command(graph_group)
    main.add_command(rabbitmq_group)


_register_groups()

if __name__ == "__main__":
    main()
