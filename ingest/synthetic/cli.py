"""`graph-service demo ...`: synthetic demo data in the ingest contract."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the dev extra

from ingest.synthetic.writer import DEFAULT_CHUNK_SIZE, generate_world

# Two workers fill a two-core laptop; more only help on bigger machines.
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


@click.group(name="demo")
def demo_group() -> None:
    """Synthetic demo data: messy multi-source records with ground truth."""


@demo_group.command("generate")
@click.option(
    "--people",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Number of real humans in the world.",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Same seed and people give the same bytes.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-data"),
    show_default=True,
    help="Folder to write into.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Worker processes (the output does not depend on it).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK_SIZE,
    show_default=True,
    help="People per unit of work.",
)
@click.option("--progress/--no-progress", default=True, show_default=True)
def generate(
    people: int, seed: int, out_dir: Path, workers: int, chunk_size: int, progress: bool
) -> None:
    """Write a synthetic world: one JSON Lines file per source, truth/ and manifest.json."""
    started = time.monotonic()
    with tqdm(total=people, unit="people", disable=not progress) as bar:
        summary = generate_world(
            people=people,
            seed=seed,
            out_dir=out_dir,
            workers=workers,
            chunk_size=chunk_size,
            on_progress=bar.update,
        )
    seconds = time.monotonic() - started
    click.echo(
        f"wrote {summary.records:,} records about {people:,} people to {out_dir} in {seconds:.1f}s"
    )
    for kind, count in summary.records_by_kind.items():
        click.echo(f"  {kind:<15} {count:>12,}")


if __name__ == "__main__":
    demo_group()
