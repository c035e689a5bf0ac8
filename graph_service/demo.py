"""`graph-service up`: a worker, a small generated world in the graph, and the API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from redis import Redis

from graph_service.settings import Settings
from graph_service.worker import build_ingest
from ingest.submit import submit_files, wait_for_run
from ingest.synthetic import generate_world


def demo_world_dir(settings: Settings, *, people: int, seed: int) -> Path:
    """Where the demo world of this size and seed is kept between runs."""
    return settings.local_dir / "demo" / f"world-{people}-{seed}"


def ensure_demo_world(settings: Settings, *, people: int, seed: int) -> Path:
    """Generate the demo world once; the same seed gives the same bytes anyway."""
    out_dir = demo_world_dir(settings, people=people, seed=seed)
    if not (out_dir / "manifest.json").exists():
        generate_world(people=people, seed=seed, out_dir=out_dir)
    return out_dir


def start_worker_process() -> subprocess.Popen[bytes]:
    """A worker in a child process, configured from the same environment."""
    return subprocess.Popen([sys.executable, "-m", "graph_service.cli", "worker"])


def load_world(settings: Settings, world_dir: Path) -> dict[str, int]:
    """Queue the world's files and wait until the worker has written them."""
    _, actor = build_ingest(settings)
    redis: Redis[bytes] = Redis.from_url(settings.redis_url)
    run_id, _ = submit_files(redis, actor, [world_dir], chunk_size=settings.ingest_chunk_size)
    return wait_for_run(redis, run_id, timeout_s=settings.ingest_wait_timeout_s)


def addresses(settings: Settings) -> dict[str, str]:
    """The URLs a person opens once the demo is up."""
    api = f"http://{settings.api_host}:{settings.api_port}"
    return {
        "GraphiQL": f"{api}/graphql",
        "Readiness": f"{api}/readyz",
        "Neo4j Browser": f"http://127.0.0.1:{settings.neo4j_http_port}/browser/",
        "Bolt": settings.neo4j_uri,
    }
