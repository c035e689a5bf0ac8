"""Stream a synthetic world to disk chunk by chunk, in order, with optional worker processes."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import IO, Any

from ingest.contract.models import SCHEMA_VERSION
from ingest.synthetic.chunk import generate_chunk
from ingest.synthetic.groups import WorldSpec
from ingest.synthetic.output import ALL_FILES, SOURCE_FILES, ChunkOutput

# Bumped whenever the same seed would produce different bytes.
GENERATOR_VERSION = "1"
# People per chunk: the unit of work of a worker; output does not depend on it.
DEFAULT_CHUNK_SIZE = 1000
# Chunks queued per worker: enough to keep workers busy, few enough to bound memory.
QUEUE_PER_WORKER = 2
MANIFEST = "manifest.json"
# Write buffer per output file.
_BUFFER = 1 << 20


@dataclass(frozen=True, slots=True)
class WorldSummary:
    """What `generate_world` wrote."""

    out_dir: Path
    seed: int
    people: int
    records: int
    records_by_kind: dict[str, int]
    lines_by_file: dict[str, int]
    sha256_by_file: dict[str, str] = field(repr=False)


class _Sinks:
    """The open output files, each hashed as it is written."""

    def __init__(self, out_dir: Path) -> None:
        (out_dir / "truth").mkdir(parents=True, exist_ok=True)
        self.files: dict[str, IO[bytes]] = {}
        self.hashes = {name: hashlib.sha256() for name in ALL_FILES}
        self.lines = dict.fromkeys(ALL_FILES, 0)
        self.kinds: dict[str, int] = {}
        for name in ALL_FILES:
            self.files[name] = (out_dir / name).open("wb", buffering=_BUFFER)

    def write(self, chunk: ChunkOutput) -> None:
        for name in ALL_FILES:
            data = chunk.texts[name].encode("utf-8")
            self.files[name].write(data)
            self.hashes[name].update(data)
            self.lines[name] += chunk.lines[name]
        for kind, count in chunk.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + count

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def generate_world(
    *,
    people: int,
    seed: int,
    out_dir: Path,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> WorldSummary:
    """Write a world of `people` people to `out_dir`; same seed and people, same bytes."""
    if people < 1:
        raise ValueError("people must be at least 1")
    spec = WorldSpec(seed=seed, people=people)
    sinks = _Sinks(out_dir)
    try:
        for chunk in _chunks(spec, workers=workers, chunk_size=max(1, chunk_size)):
            sinks.write(chunk)
            if on_progress is not None:
                on_progress(min(chunk_size, people - chunk.first))
    finally:
        sinks.close()
    summary = WorldSummary(
        out_dir=out_dir,
        seed=seed,
        people=people,
        records=sum(sinks.lines[name] for name in SOURCE_FILES.values()),
        records_by_kind=dict(sorted(sinks.kinds.items())),
        lines_by_file=dict(sinks.lines),
        sha256_by_file={name: h.hexdigest() for name, h in sinks.hashes.items()},
    )
    _write_manifest(summary)
    return summary


def _chunks(spec: WorldSpec, *, workers: int, chunk_size: int) -> Iterator[ChunkOutput]:
    """Chunk outputs in people order, produced here or by a pool of worker processes."""
    starts = range(0, spec.people, chunk_size)
    if workers <= 1 or len(starts) <= 1:
        for first in starts:
            yield generate_chunk(spec, first, chunk_size)
        return
    # spawn, not fork: workers start clean whatever threads the parent runs.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=workers) as pool:
        todo = iter(starts)
        pending: deque[AsyncResult[ChunkOutput]] = deque()
        for first in todo:
            pending.append(pool.apply_async(generate_chunk, (spec, first, chunk_size)))
            if len(pending) >= workers * QUEUE_PER_WORKER:
                break
        while pending:
            chunk = pending.popleft().get()
            following = next(todo, None)
            if following is not None:
                pending.append(pool.apply_async(generate_chunk, (spec, following, chunk_size)))
            yield chunk


def _write_manifest(summary: WorldSummary) -> None:
    """manifest.json: counts and checksums; nothing run-dependent, so it is byte-stable too."""
    manifest: dict[str, Any] = {
        "generator": "graph-service demo generate",
        "generator_version": GENERATOR_VERSION,
        "contract_version": SCHEMA_VERSION,
        "seed": summary.seed,
        "people": summary.people,
        "records": summary.records,
        "records_by_kind": summary.records_by_kind,
        "sources": {source: name for source, name in SOURCE_FILES.items()},
        "files": {
            name: {"lines": summary.lines_by_file[name], "sha256": summary.sha256_by_file[name]}
            for name in ALL_FILES
        },
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (summary.out_dir / MANIFEST).write_text(text, encoding="utf-8")
