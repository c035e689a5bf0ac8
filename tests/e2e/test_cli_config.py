"""Bad configuration gives one clear line naming the problem, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.e2e.conftest import run_cli

pytestmark = pytest.mark.e2e


def assert_clear_error(result_stderr: str, *needles: str) -> None:
    assert "Traceback" not in result_stderr
    for needle in needles:
        assert needle in result_stderr


def test_bad_neo4j_uri() -> None:
    result = run_cli("migrate", env={"GRAPH_NEO4J_URI": "http://127.0.0.1:7474"})
    assert result.returncode == 2
    assert_clear_error(result.stderr, "GRAPH_NEO4J_URI", "bolt://")


def test_bad_port_number() -> None:
    result = run_cli("neo4j", "status", env={"GRAPH_NEO4J_BOLT_PORT": "99999"})
    assert result.returncode == 2
    assert_clear_error(result.stderr, "GRAPH_NEO4J_BOLT_PORT")


def test_missing_java_names_the_remedy(tmp_path: Path) -> None:
    env = {
        "PATH": "/nonexistent",
        "GRAPH_LOCAL_DIR": str(tmp_path),
        "GRAPH_NEO4J_BOLT_PORT": "17687",
        "GRAPH_NEO4J_HTTP_PORT": "17474",
    }
    result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 2
    assert_clear_error(result.stderr, "Java")


def test_taken_port_is_named(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        env = {
            "GRAPH_LOCAL_DIR": str(tmp_path),
            "GRAPH_NEO4J_BOLT_PORT": str(port),
            "GRAPH_NEO4J_HTTP_PORT": "17475",
        }
        result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 2
    assert_clear_error(result.stderr, str(port), "GRAPH_NEO4J_BOLT_PORT")
