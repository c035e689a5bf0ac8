"""Write floor: how fast this machine stores identity records in Neo4j with no resolution.

The identity benchmark's target is 3,000 records/s resolved incrementally into Neo4j on
two cores. This benchmark measures what is left of that budget once the records alone are
written, with the same writers (two processes), the same chunks and the same queries the
resolver uses, but every record simply becomes its own person: no suppression check, no
block candidates, no neighbourhood read, no scoring, no clustering, no survivorship, no
business links. Two variants:

* ``model``: what the graph model stores for each record (identity/upsert_records,
  identity/link_identifiers with blocking keys, identity/upsert_persons,
  identity/assign_records with evidence, identity/refresh_person_identifiers);
* ``minimal``: the least issue 3 asks for: the source record, its identifiers, a person
  and the evidence link; no blocking keys in the graph.

Records are parsed and profiled as the resolver does (that work is needed whatever the
design). Reported per variant: records/s, and CPU milliseconds per record spent by the
Neo4j server (its process CPU time) and by the writers (their own CPU time), the figures
that decide whether resolution can fit in what remains of two cores.

Run: `.venv/bin/python -m bench.identity.floor --size 100000`
(needs the local Neo4j and the identity benchmark's world, which it generates if missing).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.identity.cpu import own_cpu_seconds
from bench.identity.run import (
    RESULTS,
    WIPE,
    _chunks,
    _cpus,
    _graph,
    ensure_world,
    run_writers,
    write_chunks,
)

VARIANTS = ("model", "minimal")


def _person_rows(prepared: Sequence[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each record its own person: person rows with the record as golden record, and the
    evidence links (a rule and one feature, as small as a real decision's evidence)."""
    persons, assignments = [], []
    for item in prepared:
        person = f"p-{uuid.uuid4().hex}"
        profile = item.profile
        persons.append(
            {
                "id": person,
                "golden": json.dumps(item.record, ensure_ascii=False),
                "given_name": profile.given if profile else None,
                "family_name": profile.family if profile else None,
                "full_name": None,
                "record_count": 1,
                "consent": {"email": None, "phone": None, "profiling": None, "provenance": "{}"},
            }
        )
        assignments.append(
            {
                "source": item.row["source"],
                "source_id": item.row["source_id"],
                "person": person,
                "rule": "new",
                "evidence": json.dumps([{"rule": "new", "score": None}]),
            }
        )
    return persons, assignments


def _write_chunk(tx: Any, prepared: Sequence[Any], variant: str, now: str) -> None:
    from ingest.resolution import _links

    tx.run(
        "identity/upsert_records",
        records=[p.row for p in prepared],
        batch_id="floor",
        chunk_id=None,
    )
    links = [_links(p, new=True) for p in prepared]
    if variant == "minimal":
        links = [link | {"blocks": []} for link in links]
    tx.run("identity/link_identifiers", records=links, now=now)
    persons, assignments = _person_rows(prepared)
    tx.run("identity/upsert_persons", persons=persons, now=now)
    tx.run("identity/assign_records", assignments=assignments, now=now)
    tx.run("identity/refresh_person_identifiers", ids=[p["id"] for p in persons])


def write_share(
    chunk_file: str, worker: int, workers: int, variant: str, ready: Any
) -> dict[str, Any]:
    """One writer process: every `workers`-th chunk, written as `variant`."""
    from ingest.batches import RawLine
    from ingest.records import parse_chunk
    from ingest.resolution import ResolverConfig, prepare

    settings, graph = _graph()
    config = ResolverConfig.from_settings(settings)
    written = 0
    ready.wait()
    began, cpu_began = time.time(), own_cpu_seconds()
    for lines in _chunks(Path(chunk_file), worker, workers):
        parsed = parse_chunk([RawLine("bench", i, text) for i, text in enumerate(lines)])
        prepared = prepare(parsed.rows, config)
        now = datetime.now(UTC).isoformat()
        graph.write_transaction(lambda tx, p=prepared, n=now: _write_chunk(tx, p, variant, n))
        written += len(prepared)
    return {
        "written": written,
        "began": began,
        "ended": time.time(),
        "cpu_s": own_cpu_seconds() - cpu_began,
    }


def run_variant(world: Path, chunk_size: int, workers: int, variant: str) -> dict[str, Any]:
    _, graph = _graph()
    graph.run_text(WIPE)
    chunk_file = write_chunks(world, chunk_size)
    shares, neo4j_cpu = run_writers(write_share, chunk_file, workers, variant)
    written = sum(share["written"] for share in shares)
    seconds = max(s["ended"] for s in shares) - min(s["began"] for s in shares)
    writers_cpu = sum(share["cpu_s"] for share in shares)
    return {
        "records": written,
        "seconds": round(seconds, 2),
        "records_per_s": round(written / seconds),
        "neo4j_cpu_ms_per_record": round(1000 * neo4j_cpu / written, 3),
        "writers_cpu_ms_per_record": round(1000 * writers_cpu / written, 3),
        "cpu_ms_per_record": round(1000 * (neo4j_cpu + writers_cpu) / written, 3),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="Writer processes.")
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each variant.")
    args = parser.parse_args(argv)
    world = ensure_world(args.size)
    cpus = int(_cpus())
    report: dict[str, Any] = {
        "benchmark": "identity-write-floor",
        "size_target": args.size,
        "machine": {"cpus": cpus, "python": platform.python_version()},
        "settings": {"chunk_size": args.chunk, "writer_processes": args.workers},
        "command": f"python -m bench.identity.floor --size {args.size} --chunk {args.chunk} "
        f"--workers {args.workers} --repeat {args.repeat}",
        "target_records_per_s": 3000,
        # The CPU a record may use, all processes together, for the target on these cores.
        "cpu_ms_per_record_at_target": round(1000 * cpus / 3000, 3),
    }
    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeat):
        for variant in VARIANTS:
            runs[variant].append(run_variant(world, args.chunk, args.workers, variant))
            print(variant, json.dumps(runs[variant][-1]), flush=True)
    for variant in VARIANTS:
        # A floor: the least disturbed run (the first after a server start is still
        # compiling its queries; this machine is noisy), every run kept beside it.
        best = max(runs[variant], key=lambda run: run["records_per_s"])
        report[variant] = best | {"runs": runs[variant]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"identity-floor-{args.size}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
