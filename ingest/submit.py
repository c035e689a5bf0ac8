"""Read input files into parked chunks and enqueue them; optionally wait for the result.

Files are planned first (format, source; see ingest/formats), so a file that cannot be
read at all stops the command before anything is queued; then each is converted to raw
lines and queued chunk by chunk as it is read (memory stays bounded for JSON Lines).
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from redis import Redis
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the dev extra

from identity.profile import IDENTITY_KINDS, affinity_key
from ingest.batches import OUTCOMES, RawLine, new_run, run_progress, seal_run, store_chunk
from ingest.formats import (
    InputFile,
    InputOptions,
    convert_file,
    iter_input_files,
    plan_inputs,
)

__all__ = [
    "QueueProgress",
    "RunProgress",
    "affinity_chunks",
    "chunked",
    "iter_input_files",
    "submit_files",
    "submit_inputs",
    "wait_for_run",
]

# Chunk groups a file's identity records are spread over by name initials (see
# affinity_chunks); the records of other kinds, and those naming nobody, form one more.
AFFINITY_GROUPS = 16
# Seconds between progress polls while waiting.
POLL_S = 0.5
# Called after each queued chunk with the file it came from (progress display).
ChunkHook = Callable[[InputFile, list[RawLine]], None]
# Called after each poll while waiting, with the run's counts so far.
ProgressHook = Callable[[dict[str, int]], None]


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


def affinity_chunks(
    lines: Iterable[RawLine], size: int, groups: int = AFFINITY_GROUPS
) -> Iterator[list[RawLine]]:
    """Chunks of at most `size` lines in which identity records share name initials.

    Two workers resolving records that may meet in a name block wait on each other's
    locks for a whole chunk transaction; grouping by `identity.profile.affinity_key` keeps
    such records in the same chunk, so concurrent chunks rarely overlap. Resolution does
    not depend on arrival order, so reordering records within a file is safe. At most
    `groups + 1` partial chunks are held at once.
    """
    pending: dict[int, list[RawLine]] = {}
    for line in lines:
        group = _affinity_group(line, groups)
        chunk = pending.setdefault(group, [])
        chunk.append(line)
        if len(chunk) == size:
            yield pending.pop(group)
    for group in sorted(pending):
        yield pending[group]


def _affinity_group(line: RawLine, groups: int) -> int:
    """The line's chunk group: a hash of its affinity key, or -1 when it has none."""
    if line.errors:
        return -1
    try:
        record = json.loads(line.text)
    except ValueError:
        return -1
    if not isinstance(record, dict) or record.get("kind") not in IDENTITY_KINDS:
        return -1
    key = affinity_key(record)
    return -1 if key is None else zlib.crc32(key.encode("utf-8")) % groups


def submit_files(
    redis: Redis[bytes],
    actor: Any,
    paths: list[Path],
    *,
    chunk_size: int,
    options: InputOptions | None = None,
) -> tuple[str, int]:
    """Plan, park and enqueue every file's records; returns the run id and the line count."""
    chosen = options or InputOptions()
    plan = plan_inputs(paths, chosen)
    return submit_inputs(redis, actor, plan, chunk_size=chunk_size, options=chosen)


def submit_inputs(
    redis: Redis[bytes],
    actor: Any,
    plan: list[InputFile],
    *,
    chunk_size: int,
    options: InputOptions,
    on_chunk: ChunkHook | None = None,
) -> tuple[str, int]:
    """Park and enqueue every chunk of planned files as it is read.

    Returns the run id and the line count (records and rows that could not be converted).
    """
    run_id = new_run(redis)
    chunks = lines = 0
    for item in plan:
        for chunk in affinity_chunks(convert_file(item, options.mapping), chunk_size):
            actor.send(store_chunk(redis, run_id, chunk))
            chunks += 1
            lines += len(chunk)
            if on_chunk is not None:
                on_chunk(item, chunk)
    seal_run(redis, run_id, chunks=chunks, lines=lines)
    return run_id, lines


def wait_for_run(
    redis: Redis[bytes],
    run_id: str,
    *,
    timeout_s: float,
    on_progress: ProgressHook | None = None,
) -> dict[str, int]:
    """Block until every chunk of the run is processed; returns the counts."""
    deadline = time.monotonic() + timeout_s
    while True:
        progress = run_progress(redis, run_id)
        if on_progress is not None:
            on_progress(progress)
        if "chunks" in progress and progress["done_chunks"] >= progress["chunks"]:
            return progress
        if time.monotonic() > deadline:
            raise TimeoutError(f"ingest run {run_id} not finished after {timeout_s:g}s")
        time.sleep(POLL_S)


class QueueProgress:
    """A progress bar of records queued (count and rate), with files done and rows that
    could not be converted; use as a context manager and pass `on_chunk` to submit_inputs."""

    def __init__(self, files: int, *, enabled: bool = True) -> None:
        self._files = files
        self._seen: set[Path] = set()
        self._unconverted = 0
        self._bar = tqdm(unit="rec", desc="queueing", disable=not enabled)

    def __enter__(self) -> QueueProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()

    def on_chunk(self, item: InputFile, chunk: list[RawLine]) -> None:
        """Count a queued chunk."""
        self._seen.add(item.path)
        self._unconverted += sum(1 for line in chunk if line.errors)
        self._bar.set_postfix(
            file=f"{len(self._seen)}/{self._files}", unconverted=self._unconverted, refresh=False
        )
        self._bar.update(len(chunk))


class RunProgress:
    """A progress bar of a run's records processed, the outcomes in its postfix; pass
    `on_progress` to wait_for_run."""

    def __init__(self, total: int, *, enabled: bool = True) -> None:
        self._bar = tqdm(total=total, unit="rec", desc="processing", disable=not enabled)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()

    def on_progress(self, counts: dict[str, int]) -> None:
        """Move the bar to the records processed so far."""
        done = sum(counts.get(outcome, 0) for outcome in OUTCOMES)
        self._bar.set_postfix({k: counts.get(k, 0) for k in OUTCOMES}, refresh=False)
        self._bar.update(done - self._bar.n)
