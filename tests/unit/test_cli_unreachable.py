"""CLI commands that cannot reach Neo4j or Redis end with one line naming the setting and
the way out, exit status 2, no traceback (local ports nothing listens on; no server)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_service.cli import main


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_record(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    record = {
        "kind": "contact", "source": "t", "source_id": "1",
        "observed_at": "2025-01-01T00:00:00Z", "emails": ["ann@example.org"],
    }  # fmt: skip
    path.write_text(json.dumps(record) + "\n")
    return path


def run_cli(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "args",
    [["ingest", "--no-progress", "{path}"], ["quarantine", "list"]],
    ids=["ingest", "quarantine-list"],
)
def test_redis_unreachable_is_one_line_naming_graph_redis_url(
    tmp_path: Path, args: list[str]
) -> None:
    argv = [a.replace("{path}", str(one_record(tmp_path))) for a in args]
    env = {"GRAPH_REDIS_URL": f"redis://127.0.0.1:{refused_port()}/0"}
    code, output = run_cli(argv, env)
    assert code == 2, output
    assert "Traceback" not in output
    (line,) = [line for line in output.splitlines() if line.startswith("error:")]
    assert line.startswith("error: Redis cannot be reached (GRAPH_REDIS_URL): ")
    assert "graph-service redis start" in line


def test_neo4j_unreachable_is_one_line_naming_graph_neo4j_uri() -> None:
    env = {"GRAPH_NEO4J_URI": f"bolt://127.0.0.1:{refused_port()}"}
    code, output = run_cli(["export", "persons", "--format", "jsonl"], env)
    assert code == 2, output
    assert "Traceback" not in output
    (line,) = [line for line in output.splitlines() if line.startswith("error:")]
    assert line.startswith("error: Neo4j cannot be reached (GRAPH_NEO4J_URI): ")
    assert "Connection refused" in line and "graph-service neo4j start" in line
