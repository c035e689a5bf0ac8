"""Read input files into parked chunks and enqueue them; optionally wait for the result."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from redis import Redis

from ingest.batches import RawLine, new_run, run_progress, seal_run, store_chunk

# Seconds between progress polls while waiting.
POLL_S = 0.5


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and every *.jsonl under folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.jsonl") if "truth" not in p.parts)
        else:
            yield path


def iter_lines(path: Path) -> Iterator[RawLine]:
    """Non-blank lines of a JSON Lines file; a BOM is tolerated, bad bytes are replaced."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        for line_no, text in enumerate(handle, start=1):
            if text.strip():
                yield RawLine(str(path), line_no, text.rstrip("\n"))


def chunked(lines: Iterable[RawLine], size: int) -> Iterator[list[RawLine]]:
    """Consecutive lists of at most `size` lines."""
    chunk: list[RawLine] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def submit_files(
    redis: Redis[bytes], actor: Any, paths: list[Path], *, chunk_size: int
) -> tuple[str, int]:
    """Park and enqueue every chunk as it is read (memory stays bounded).

    Returns the run id and the line count.
    """
    run_id = new_run(redis)
    chunks = lines = 0
    for path in iter_input_files(paths):
        for chunk in chunked(iter_lines(path), chunk_size):
            actor.send(store_chunk(redis, run_id, chunk))
            chunks += 1
            lines += len(chunk)
    seal_run(redis, run_id, chunks=chunks, lines=lines)
    return run_id, lines


def wait_for_run(redis: Redis[bytes], run_id: str, *, timeout_s: float) -> dict[str, int]:
    """Block until every chunk of the run is processed; returns the counts."""
    deadline = time.monotonic() + timeout_s
    while True:
        progress = run_progress(redis, run_id)
        if "chunks" in progress and progress["done_chunks"] >= progress["chunks"]:
            return progress
        if time.monotonic() > deadline:
            raise TimeoutError(f"ingest run {run_id} not finished after {timeout_s:g}s")
        time.sleep(POLL_S)
