"""Benchmark `graph-service demo generate`: time and peak memory for 10K, 100K and 1M people.

Each size runs in a fresh process so peak RSS is its own. Results (merged by size) go to
bench/results/generator.json. Usage:

    .venv/bin/python bench/generator/run.py [--sizes 10000,100000,1000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "generator.json"
WORK = ROOT / "bench" / "work"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


def run_child(people: int, seed: int, workers: int, out_dir: Path) -> dict[str, Any]:
    """Generate one world in this process and measure it."""
    sys.path.insert(0, str(ROOT))
    from ingest.synthetic import generate_world

    started = time.perf_counter()
    cpu_started = time.process_time()
    summary = generate_world(people=people, seed=seed, out_dir=out_dir, workers=workers)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    size = sum(path.stat().st_size for path in out_dir.rglob("*") if path.is_file())
    return {
        "people": people,
        "seed": seed,
        "workers": workers,
        "records": summary.records,
        "truth_rows": sum(
            n for name, n in summary.lines_by_file.items() if name.startswith("truth/")
        ),
        "records_by_kind": summary.records_by_kind,
        "seconds": round(seconds, 2),
        "records_per_s": round(summary.records / seconds),
        "people_per_s": round(people / seconds),
        "cpu_seconds_main": round(time.process_time() - cpu_started, 2),
        "cpu_seconds_workers": round(children.ru_utime + children.ru_stime, 2),
        # ru_maxrss is in KiB on Linux; for children it is the largest single child.
        "peak_rss_mb_main": round(own.ru_maxrss / 1024, 1),
        "peak_rss_mb_worker": round(children.ru_maxrss / 1024, 1),
        "peak_rss_mb": round(max(own.ru_maxrss, children.ru_maxrss) / 1024, 1),
        "bytes_written": size,
        "manifest_sha256": _sha256(out_dir / "manifest.json"),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def measure(people: int, seed: int, workers: int, keep: bool) -> dict[str, Any]:
    """Run one size in a fresh interpreter and return its measurements."""
    out_dir = WORK / f"generator-{people}"
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [
        sys.executable,
        __file__,
        "--child",
        str(people),
        "--seed",
        str(seed),
        "--workers",
        str(workers),
        "--out",
        str(out_dir),
    ]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    if not keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def machine() -> dict[str, Any]:
    """Where the numbers were taken."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def save(runs: list[dict[str, Any]]) -> None:
    """Merge `runs` into the results file, one entry per size."""
    previous: dict[int, dict[str, Any]] = {}
    if RESULTS.exists():
        previous = {run["people"]: run for run in json.loads(RESULTS.read_text())["runs"]}
    for run in runs:
        previous[run["people"]] = run
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "synthetic world generator",
        "machine": machine(),
        "runs": [previous[people] for people in sorted(previous)],
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    """Parse arguments, run each size, save the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the generated worlds")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.seed, args.workers, args.out)))
        return 0
    runs = []
    for people in (int(size) for size in args.sizes.split(",")):
        run = measure(people, args.seed, args.workers, args.keep)
        print(
            f"{people:>9,} people: {run['records']:>11,} records in {run['seconds']:>7.1f}s "
            f"({run['records_per_s']:,} records/s), peak RSS {run['peak_rss_mb']} MB",
            flush=True,
        )
        runs.append(run)
        save(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
