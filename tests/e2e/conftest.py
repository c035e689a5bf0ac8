"""End-to-end fixtures: the app over HTTP (in-process ASGI) and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from starlette.testclient import TestClient

from graph_service.app import create_app
from graph_service.settings import Settings


@pytest.fixture
def api(settings: Settings, graph: object, redis_client: object) -> Iterator[TestClient]:
    """The API with its lifespan running, against the real services."""
    with TestClient(create_app(settings)) as client:
        yield client


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `graph-service ARGS` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "graph_service.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@contextmanager
def running_worker(env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real `graph-service worker` process (extra environment on top of ours)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "graph_service.cli", "worker"], env={**os.environ, **(env or {})}
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture
def worker(graph: object, redis_client: object) -> Iterator[subprocess.Popen[bytes]]:
    """A real ingest worker, as `graph-service worker` runs it."""
    with running_worker() as process:
        yield process
