"""`graph-service quarantine ...` and `graph-service dead-letters ...`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from redis import Redis

from graph_service.cli_support import clear_errors, settings_from
from ingest import dead_letters, quarantine
from ingest.batches import OUTCOMES

_FORMAT = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="One line per entry: readable text, or JSON.",
)


def _redis(ctx: click.Context) -> Redis[bytes]:
    return Redis.from_url(settings_from(ctx).redis_url)


def _one_of(**choices: Any) -> None:
    """Exactly one of the named choices must be given."""
    given = [name for name, value in choices.items() if value]
    if len(given) != 1:
        names = ", ".join(name.replace("_", "-") for name in choices)
        raise click.UsageError(f"give exactly one of: {names}")


def _errors_text(errors: Iterable[dict[str, str]]) -> str:
    return "; ".join(f"{e.get('field', '?')}: {e.get('reason', '?')}" for e in errors)


@click.group("quarantine")
def quarantine_group() -> None:
    """Rejected records kept with their payload: list, show, retry, purge."""


@quarantine_group.command("list")
@click.option("--run", "run_id", default=None, help="Only records of this ingest run.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--cursor", default=0, show_default=True, type=click.IntRange(0), help="Page.")
@_FORMAT
@click.pass_context
@clear_errors
def list_command(
    ctx: click.Context, run_id: str | None, limit: int, cursor: int, output: str
) -> None:
    """Quarantined records, oldest first."""
    records, next_cursor = quarantine.list_quarantined(
        _redis(ctx), run_id=run_id, limit=limit, cursor=cursor
    )
    for record in records:
        if output == "jsonl":
            click.echo(json.dumps(record.to_dict()))
            continue
        at = record.quarantined_at.isoformat(timespec="seconds") if record.quarantined_at else "-"
        where = f"{record.origin}:{record.line_no}"
        reasons = _errors_text(record.errors)
        click.echo(f"{record.id}  {at}  retries={record.retries}  {where}  {reasons}")
    if next_cursor is not None:
        click.echo(f"more: --cursor {next_cursor}", err=True)


@quarantine_group.command("show")
@click.argument("qid")
@click.pass_context
@clear_errors
def show_command(ctx: click.Context, qid: str) -> None:
    """One quarantined record as JSON, original payload included."""
    record = quarantine.get_quarantined(_redis(ctx), qid)
    if record is None:
        raise quarantine.QuarantineError(f"no quarantined record with id {qid}")
    click.echo(json.dumps(record.to_dict(), indent=2, ensure_ascii=False))


@quarantine_group.command("retry")
@click.argument("qids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry every quarantined record.")
@click.option(
    "--payload-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An edited payload for the one record named (JSON is compacted to one line).",
)
@click.option("--wait", is_flag=True, help="Return only when the retry run is processed.")
@click.pass_context
@clear_errors
def retry_command(
    ctx: click.Context,
    qids: tuple[str, ...],
    retry_all: bool,
    payload_file: Path | None,
    wait: bool,
) -> None:
    """Queue records again as a new ingest run; those still bad come back here."""
    from graph_service.worker import build_ingest
    from ingest.broker import patient_redis
    from ingest.submit import wait_for_run

    _one_of(ids=qids, all=retry_all)
    if payload_file is not None and len(qids) != 1:
        raise click.UsageError("--payload-file needs exactly one record id")
    payloads = None
    if payload_file is not None:
        payloads = {qids[0]: quarantine.normalise_payload(payload_file.read_text("utf-8"))}
    settings = settings_from(ctx)
    redis = _redis(ctx)
    _, actor = build_ingest(settings)
    run_id = quarantine.retry_quarantined(
        redis,
        actor,
        None if retry_all else list(qids),
        chunk_size=settings.ingest_chunk_size,
        payloads=payloads,
    )
    click.echo(f"queued as run {run_id}")
    if wait:
        # As `graph-service ingest --wait`: the wait rides out a Redis restart.
        patient = patient_redis(settings.redis_url)
        counts = wait_for_run(patient, run_id, timeout_s=settings.ingest_wait_timeout_s)
        click.echo("done: " + " ".join(f"{k}={counts.get(k, 0)}" for k in OUTCOMES))


@quarantine_group.command("purge")
@click.argument("qids", nargs=-1)
@click.option("--run", "run_id", default=None, help="Every record of this ingest run.")
@click.option("--all", "purge_all", is_flag=True, help="Every quarantined record.")
@click.option("--yes", is_flag=True, help="Confirm --all.")
@click.pass_context
@clear_errors
def purge_command(
    ctx: click.Context, qids: tuple[str, ...], run_id: str | None, purge_all: bool, yes: bool
) -> None:
    """Delete quarantined records for good."""
    _one_of(ids=qids, run=run_id, all=purge_all)
    if purge_all and not yes:
        raise click.UsageError("--all deletes every quarantined record: add --yes to confirm")
    removed = quarantine.purge_quarantined(_redis(ctx), list(qids) or None, run_id=run_id)
    click.echo(f"purged {removed} records")


@click.group("dead-letters")
def dead_letters_group() -> None:
    """Ingest messages that exhausted their retries: list, redrive, purge."""


def _broker(ctx: click.Context) -> Any:
    from ingest.broker import create_broker

    return create_broker(settings_from(ctx))


@dead_letters_group.command("list")
@click.option("--limit", default=None, type=click.IntRange(1), help="At most this many.")
@_FORMAT
@click.pass_context
@clear_errors
def dead_list_command(ctx: click.Context, limit: int | None, output: str) -> None:
    """Dead-lettered messages, oldest first, with the reason of their last failure
    (id: the Redis broker's message key; on RabbitMQ, the message id)."""
    for letter in dead_letters.list_dead_letters(_broker(ctx), limit=limit):
        if output == "jsonl":
            click.echo(json.dumps(letter.to_dict()))
            continue
        at = letter.dead_at.isoformat(timespec="seconds")
        args = ",".join(map(str, letter.args))
        click.echo(
            f"{letter.id}  {at}  {letter.actor}({args})  retries={letter.retries}  "
            f"message={letter.message_id}  {letter.reason}"
        )


@dead_letters_group.command("redrive")
@click.argument("ids", nargs=-1)
@click.option("--all", "redrive_all", is_flag=True, help="Every dead-lettered message.")
@click.pass_context
@clear_errors
def redrive_command(ctx: click.Context, ids: tuple[str, ...], redrive_all: bool) -> None:
    """Put messages (by id or message id) back on the live queue with fresh retries."""
    _one_of(ids=ids, all=redrive_all)
    redriven = dead_letters.redrive_dead_letters(_broker(ctx), None if redrive_all else ids)
    click.echo(f"redriven {len(redriven)} messages")


@dead_letters_group.command("purge")
@click.argument("ids", nargs=-1)
@click.option("--all", "purge_all", is_flag=True, help="Every dead-lettered message.")
@click.option("--yes", is_flag=True, help="Confirm --all.")
@click.pass_context
@clear_errors
def dead_purge_command(
    ctx: click.Context, ids: tuple[str, ...], purge_all: bool, yes: bool
) -> None:
    """Delete messages for good (their parked chunks stay in Redis, unprocessed)."""
    _one_of(ids=ids, all=purge_all)
    if purge_all and not yes:
        raise click.UsageError("--all deletes every dead-lettered message: add --yes to confirm")
    removed = dead_letters.purge_dead_letters(_broker(ctx), None if purge_all else ids)
    click.echo(f"purged {removed} messages")
