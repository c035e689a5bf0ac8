"""Ingest benchmark: records/s per kind through real workers into Neo4j.

A world of `--people` people is generated once (seed 42). From it, the first records of each
kind (file order, so they belong to the world's first people) are written to one JSON Lines
file per kind; `--conversations` of them are conversations. Then, on an emptied graph and
queue, `--workers` `graph-service worker` processes are started and each kind is queued and
waited for in turn, identity kinds first (the CLI's own submit path: parked chunks in Redis,
dramatiq messages), so each kind's time is its own:

* records/s per kind, end to end (queued -> resolved, linked, embedded, counted);
* chunk (batch) latency p50/p95 per kind, estimated from the workers' Prometheus histogram
  `graph_worker_chunk_seconds` (linear within buckets, as PromQL's
  histogram_quantile does);
* peak RSS of each worker process (VmHWM);
* conversation embedding: the workers' figure is inside the conversation rate; beside it,
  in the same run, `bench.ingest.embeddings` times a plain `SentenceTransformer.encode` of
  the same texts against our embedder.

Results go to bench/results/ingest-<people>.json.

Run: `.venv/bin/python -m bench.ingest.run --people 1000000 --per-kind 20000 --conversations 100000`
(needs the local Neo4j and Redis; the graph and the ingest queue are emptied first).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from ingest.contract import KINDS

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work" / "ingest"
SEED = 42
# The contract lists identity kinds first: the other kinds refer to people they bring.
KIND_ORDER = KINDS
WIPE = (
    "MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:ApiKey "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"
)
# First metrics port of the benchmark's workers (one port each).
METRICS_PORT = 9460
CHUNK_METRIC = "graph_worker_chunk_seconds"


def ensure_world(people: int) -> Path:
    """Generate (once) the world of `people` people."""
    from ingest.synthetic.writer import generate_world

    world = WORK / f"world-{people}-{SEED}"
    if not (world / "manifest.json").exists():
        generate_world(people=people, seed=SEED, out_dir=world, workers=2)
    return world


def write_samples(world: Path, quota: dict[str, int]) -> dict[str, tuple[Path, int]]:
    """The first `quota[kind]` records of each kind, one file per kind."""
    out = WORK / f"{world.name}-sample-{_quota_tag(quota)}"
    done = out / "done.json"
    if done.exists():
        counts = json.loads(done.read_text())
        return {k: (out / f"{k}.jsonl", n) for k, n in counts.items()}
    out.mkdir(parents=True, exist_ok=True)
    files = {k: (out / f"{k}.jsonl").open("w", encoding="utf-8") for k in quota}
    counts = dict.fromkeys(quota, 0)
    for line in _world_lines(world):
        kind = json.loads(line).get("kind")
        if kind in quota and counts[kind] < quota[kind]:
            files[kind].write(line if line.endswith("\n") else line + "\n")
            counts[kind] += 1
            if counts == quota:
                break
    for handle in files.values():
        handle.close()
    done.write_text(json.dumps(counts))
    return {k: (out / f"{k}.jsonl", n) for k, n in counts.items()}


def _quota_tag(quota: dict[str, int]) -> str:
    return f"{quota.get('contact', 0)}-{quota.get('conversation', 0)}"


def _world_lines(world: Path) -> Iterator[str]:
    """Lines of every source file, interleaved file by file a line at a time, so that every
    kind's first records come from the world's first people."""
    handles = [p.open(encoding="utf-8") for p in sorted(world.glob("*.jsonl"))]
    try:
        while handles:
            for handle in list(handles):
                line = handle.readline()
                if not line:
                    handles.remove(handle)
                elif line.strip():
                    yield line
    finally:
        for handle in handles:
            handle.close()


def start_workers(count: int, threads: int) -> list[subprocess.Popen[bytes]]:
    """`graph-service worker` processes, each serving metrics on its own port."""
    workers = []
    for index in range(count):
        env = dict(os.environ, GRAPH_WORKER_METRICS_PORT=str(METRICS_PORT + index))
        command = [sys.executable, "-m", "graph_service.cli", "worker", "--threads", str(threads)]
        workers.append(subprocess.Popen(command, env=env, cwd=ROOT))
    return workers


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def peak_rss_mb(pid: int) -> float:
    """Peak resident set of a live process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def chunk_histogram(ports: Sequence[int]) -> dict[float, float]:
    """Cumulative bucket counts of processed chunks, summed over the workers."""
    import urllib.request

    buckets: dict[float, float] = {}
    for port in ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
            text = reply.read().decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name != f"{CHUNK_METRIC}_bucket":
                    continue
                if sample.labels.get("result") != "processed":
                    continue
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def quantile(q: float, before: dict[float, float], after: dict[float, float]) -> float | None:
    """The q-quantile of the chunks observed between two histogram scrapes."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    if not counts or counts[-1] <= 0:
        return None
    rank = q * counts[-1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in zip(bounds, counts, strict=True):
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return None


def run_kind(path: Path, chunk_size: int, ports: Sequence[int]) -> dict[str, Any]:
    """Queue one kind's file through the CLI's submit path and wait until it is in."""
    from redis import Redis

    from graph_service.settings import load_settings
    from graph_service.worker import build_ingest
    from ingest.submit import submit_files, wait_for_run

    settings = load_settings()
    _, actor = build_ingest(settings)
    redis = Redis.from_url(settings.redis_url)
    before = chunk_histogram(ports)
    started = time.perf_counter()
    run_id, lines = submit_files(redis, actor, [path], chunk_size=chunk_size)
    counts = wait_for_run(redis, run_id, timeout_s=settings.ingest_wait_timeout_s)
    seconds = time.perf_counter() - started
    after = chunk_histogram(ports)
    return {
        "records": lines,
        "seconds": round(seconds, 2),
        "records_per_s": round(lines / seconds, 1),
        "chunk_p50_s": _rounded(quantile(0.5, before, after)),
        "chunk_p95_s": _rounded(quantile(0.95, before, after)),
        "counts": {
            k: counts.get(k, 0) for k in ("accepted", "rejected", "duplicate", "suppressed")
        },
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def empty_graph_and_queue() -> None:
    from redis import Redis

    from graph_service.db import GraphClient, create_driver
    from graph_service.settings import load_settings

    settings = load_settings()
    with create_driver(settings) as driver:
        GraphClient.for_settings(driver, settings).run_text(WIPE)
    Redis.from_url(settings.redis_url).flushdb()


def conversation_texts(path: Path) -> list[str]:
    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text")
            if isinstance(text, str) and text.strip():
                texts.append(text)
    return texts


def bench(args: argparse.Namespace) -> dict[str, Any]:
    world = ensure_world(args.people)
    quota = {kind: args.per_kind for kind in KIND_ORDER}
    quota["conversation"] = args.conversations
    samples = write_samples(world, quota)
    empty_graph_and_queue()
    workers = start_workers(args.workers, args.threads)
    ports = [METRICS_PORT + i for i in range(args.workers)]
    try:
        _wait_for_metrics(ports)
        kinds = {}
        for kind in KIND_ORDER:
            path, lines = samples[kind]
            if lines:
                kinds[kind] = run_kind(path, args.chunk, ports)
                print(kind, json.dumps(kinds[kind]), flush=True)
        rss = [round(peak_rss_mb(w.pid), 1) for w in workers]
    finally:
        stop_workers(workers)
    report: dict[str, Any] = {
        "benchmark": "ingest",
        "people": args.people,
        "seed": SEED,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "chunk_size": args.chunk,
            "worker_processes": args.workers,
            "threads_per_worker": args.threads,
        },
        "kinds": kinds,
        "worker_peak_rss_mb": rss,
        "command": " ".join(["python -m bench.ingest.run", *sys.argv[1:]]),
    }
    if not args.no_embedding_peer and samples["conversation"][1]:
        report["embedding"] = _embedding_side_by_side(samples["conversation"][0], args)
    return report


def _embedding_side_by_side(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    from bench.ingest.embeddings import compare_backends

    texts = conversation_texts(path)[: args.embedding_texts]
    return compare_backends(texts)


def _wait_for_metrics(ports: Sequence[int], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            chunk_histogram(ports)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--per-kind", type=int, default=20_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="Worker processes.")
    parser.add_argument("--threads", type=int, default=1, help="Threads per worker.")
    parser.add_argument("--embedding-texts", type=int, default=20_000)
    parser.add_argument("--no-embedding-peer", action="store_true")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = bench(args)
    out = RESULTS / f"ingest-{args.people}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
