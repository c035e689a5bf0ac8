"""Identity benchmark: our incremental resolver into Neo4j against Splink on DuckDB.

For each size, a world is generated (seed 42, the benchmark seed; matching was tuned on
other seeds), its identity records (contact, social_profile, employee) are

* resolved incrementally into the real Neo4j by `ingest.resolution.store_and_resolve`
  (the code the ingest actor runs, configured as the workers are, bio similarity model
  included unless GRAPH_SEMANTIC_MATCHING=false), in chunks, by `--workers` concurrent
  writer processes, on an emptied graph; clusters are read back from the graph;
* deduplicated in batch by Splink (see bench/identity/splink_peer.py for its setup);

each system in its own child process so that peak memory is its own. Pairwise precision,
recall and F1 against the generator's truth, time, records/s and peak RSS are printed and
written to bench/results/identity-<size>.json, with the ratios.

Run: `.venv/bin/python -m bench.identity.run --sizes 10000 100000 1000000`
(needs the local Neo4j: `graph-service neo4j start && graph-service migrate`).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import resource
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.identity.cpu import neo4j_cpu_seconds, own_cpu_seconds
from bench.identity.metrics import pairwise_scores
from bench.identity.world import iter_identity_records, load_truth, people_for_records

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work" / "identity"
SEED = 42
WIPE = (
    "MATCH (n) WHERE NOT n:SchemaMigration "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"
)
CLUSTERS = (
    "MATCH (r:SourceRecord)-[:RESOLVED_TO]->(p:Person) "
    "RETURN r.source + '|' + r.source_id AS key, p.id AS person"
)


def ensure_world(size: int) -> Path:
    """Generate (once) the world holding about `size` identity records."""
    from ingest.synthetic.writer import generate_world

    world = WORK / f"world-{size}-{SEED}"
    if not (world / "manifest.json").exists():
        generate_world(people=people_for_records(size), seed=SEED, out_dir=world, workers=2)
    return world


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_chunks(world: Path, size: int) -> Path:
    """Chunk the world's identity records as `graph-service ingest` does (name-initial
    affinity groups, see ingest.submit.affinity_chunks) into a file of one JSON list of
    lines per chunk, before the clock starts: the writers then only read their share."""
    from ingest.batches import RawLine
    from ingest.submit import affinity_chunks

    path = WORK / f"{world.name}-chunks-{size}.jsonl"
    lines = (
        RawLine("bench", i, json.dumps(record))
        for i, record in enumerate(iter_identity_records(world))
    )
    with path.open("w", encoding="utf-8") as out:
        for chunk in affinity_chunks(lines, size):
            out.write(json.dumps([line.text for line in chunk]) + "\n")
    return path


def _chunks(chunk_file: Path, worker: int, workers: int) -> Iterator[list[str]]:
    """Every `workers`-th chunk of the file, from chunk `worker` on."""
    with chunk_file.open(encoding="utf-8") as handle:
        for index, text in enumerate(handle):
            if index % workers == worker:
                chunk: list[str] = json.loads(text)
                yield chunk


def _graph() -> Any:
    from graph_service.db import GraphClient, create_driver
    from graph_service.settings import Settings

    settings = Settings()
    client = GraphClient.for_settings(create_driver(settings), settings)
    return settings, client


class RetryCounter(logging.Handler):
    """Counts the driver's "will be retried" warnings: chunk transactions rerun after a
    deadlock or another transient error (each rerun repeats the whole chunk)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "will be retried" in str(record.msg):
            self.retries += 1


def resolve_share(chunk_file: str, worker: int, workers: int, ready: Any) -> dict[str, Any]:
    """One writer process: every `workers`-th chunk, from chunk `worker` on. The writers
    load their models, then wait for each other at `ready` (a barrier), so the clock
    measures resolving, as in long-lived workers, not process start-up."""
    from graph_service.worker import load_semantic
    from ingest.batches import RawLine
    from ingest.records import parse_chunk
    from ingest.resolution import ResolverConfig, store_and_resolve

    retries = RetryCounter()
    logging.getLogger("neo4j.session").addHandler(retries)
    settings, graph = _graph()
    # The workers' configuration, bio similarity model included (GRAPH_SEMANTIC_MATCHING).
    config = ResolverConfig.from_settings(settings, semantic=load_semantic(settings))
    latencies: list[float] = []
    accepted = 0
    ready.wait()
    began, cpu_began = time.time(), own_cpu_seconds()
    for lines in _chunks(Path(chunk_file), worker, workers):
        started = time.perf_counter()
        parsed = parse_chunk([RawLine("bench", i, text) for i, text in enumerate(lines)])
        accepted += store_and_resolve(graph, parsed.rows, config, batch_id="bench").accepted
        latencies.append(time.perf_counter() - started)
    return {
        "accepted": accepted,
        "began": began,
        "ended": time.time(),
        "cpu_s": own_cpu_seconds() - cpu_began,
        "latencies": latencies,
        "peak_rss_mb": peak_rss_mb(),
        "retries": retries.retries,
    }


def run_writers(
    share: Callable[..., dict[str, Any]], chunk_file: Path, workers: int, *args: Any
) -> tuple[list[dict[str, Any]], float]:
    """Run `share(chunk_file, worker, workers, *args, ready)` in `workers` processes; they
    meet at `ready` once loaded, which starts the Neo4j server's CPU count. Returns their
    results and the server's CPU seconds while they ran."""
    context = get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        ready = manager.Barrier(workers + 1)
        futures = [
            pool.submit(share, str(chunk_file), w, workers, *args, ready) for w in range(workers)
        ]
        ready.wait()
        neo4j_began = neo4j_cpu_seconds()
        shares = [future.result() for future in futures]
        return shares, neo4j_cpu_seconds() - neo4j_began


def run_ours(world: str, chunk_size: int, workers: int) -> dict[str, Any]:
    """Resolve the world's identity records into an emptied Neo4j with `workers` writer
    processes (as `graph-service worker` processes would), then read the clusters back."""
    _, graph = _graph()
    graph.run_text(WIPE)
    chunk_file = write_chunks(Path(world), chunk_size)
    started = time.perf_counter()
    shares, neo4j_cpu = run_writers(resolve_share, chunk_file, workers)
    with_startup = time.perf_counter() - started
    seconds = max(share["ended"] for share in shares) - min(share["began"] for share in shares)
    clusters = {row["key"]: row["person"] for row in graph.run_text(CLUSTERS)}
    latencies = sorted(t for share in shares for t in share["latencies"])
    accepted = sum(share["accepted"] for share in shares)
    return {
        "clusters": clusters,
        "accepted": accepted,
        "seconds": seconds,
        "records_per_s": accepted / seconds,
        "seconds_with_startup": with_startup,
        # CPU per record: the Neo4j server's and the writers' own (two cores give 0.667 ms
        # a record at 3,000 records/s, all processes together).
        "neo4j_cpu_ms_per_record": round(1000 * neo4j_cpu / accepted, 3),
        "writers_cpu_ms_per_record": round(
            1000 * sum(share["cpu_s"] for share in shares) / accepted, 3
        ),
        "chunk_p50_s": latencies[len(latencies) // 2],
        "chunk_p95_s": latencies[int(len(latencies) * 0.95)],
        "transaction_retries": sum(share["retries"] for share in shares),
        "peak_rss_mb_per_worker": max(share["peak_rss_mb"] for share in shares),
        "peak_rss_mb": sum(share["peak_rss_mb"] for share in shares),
    }


def run_peer(world: str) -> dict[str, Any]:
    """Splink on the same records (child process)."""
    from bench.identity.splink_peer import run_splink
    from identity.profile import build_profile

    profiles = [build_profile(record) for record in iter_identity_records(Path(world))]
    spill = WORK / "duckdb-spill"
    spill.mkdir(parents=True, exist_ok=True)
    # DuckDB capped below the machine's 24 GB so the 1M world spills instead of failing.
    result = run_splink(profiles, count_pairs=False, memory_limit="12GB", spill_dir=str(spill))
    return {
        "clusters": result.clusters,
        "seconds": result.seconds_total,
        "seconds_training": result.seconds_training,
        "seconds_predicting": result.seconds_predicting,
        "records_per_s": len(profiles) / result.seconds_total,
        "threshold": result.threshold,
        "predicted_pairs": result.predicted_pairs,
        "splink_version": result.splink_version,
        "peak_rss_mb": peak_rss_mb(),
    }


def _in_child(func: Any, *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        result: dict[str, Any] = pool.submit(func, *args).result()
    return result


def _scored(result: dict[str, Any], truth: dict[str, str]) -> dict[str, Any]:
    scores = pairwise_scores(result.pop("clusters"), truth)
    result.update(
        precision=round(scores.precision, 5),
        recall=round(scores.recall, 5),
        f1=round(scores.f1, 5),
        true_pairs=scores.true_pairs,
        predicted_pairs_scored=scores.predicted_pairs,
    )
    return result


def bench_size(size: int, chunk_size: int, workers: int, peer: bool) -> dict[str, Any]:
    world = ensure_world(size)
    truth = load_truth(world)
    ours = _scored(run_ours(str(world), chunk_size, workers), truth)
    report: dict[str, Any] = {
        "benchmark": "identity",
        "size_target": size,
        "records": len(truth),
        "people": len(set(truth.values())),
        "seed": SEED,
        "machine": {"cpus": _cpus(), "python": platform.python_version()},
        "settings": {
            "chunk_size": chunk_size,
            "writer_processes": workers,
            "semantic_matching": _semantic_matching(),
        },
        "ours": ours,
        "command": f"python -m bench.identity.run --sizes {size} --chunk {chunk_size} "
        f"--workers {workers}",
    }
    if peer:
        splink = _scored(_in_child(run_peer, str(world)), truth)
        report["splink"] = splink
        report["ratios"] = {
            "f1_ours_over_splink": round(ours["f1"] / splink["f1"], 4) if splink["f1"] else None,
            "seconds_ours_over_splink": round(ours["seconds"] / splink["seconds"], 3),
            "peak_rss_ours_over_splink": round(ours["peak_rss_mb"] / splink["peak_rss_mb"], 3),
        }
    return report


def _semantic_matching() -> bool:
    from graph_service.settings import Settings

    return Settings().semantic_matching


def _cpus() -> str:
    return subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="Writer processes.")
    parser.add_argument("--no-peer", action="store_true", help="Skip Splink.")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        report = bench_size(size, args.chunk, args.workers, peer=not args.no_peer)
        out = RESULTS / f"identity-{size}.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
