"""`graph-service quarantine ...` as a user runs it: a file with bad lines goes through the
real CLI, a real worker, Redis and Neo4j; the rejects are listed, shown, fixed, retried
(one still bad, so it comes back) and purged."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_service.db import GraphClient
from tests.e2e.conftest import run_cli, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# The worker here does not need the embedding models; loading them only costs time.
LIGHT_WORKER = {"GRAPH_SEMANTIC_MATCHING": "false", "GRAPH_CONVERSATION_EMBEDDINGS": "false"}


@pytest.fixture
def worker(graph: GraphClient, redis_client: object) -> Iterator[subprocess.Popen[bytes]]:
    with running_worker(LIGHT_WORKER) as process:
        yield process


def ok(*args: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def counts_of(stdout: str) -> dict[str, int]:
    line = next(x for x in stdout.splitlines() if x.startswith("done:"))
    return {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}


def run_of(stdout: str) -> str:
    return next(x for x in stdout.splitlines() if x.startswith("queued")).split()[-1]


def listed(run_id: str) -> dict[int, dict[str, Any]]:
    out = ok("quarantine", "list", "--run", run_id, "--format", "jsonl")
    return {entry["line_no"]: entry for entry in map(json.loads, out.splitlines())}


def source_records(graph: GraphClient, source: str) -> int:
    rows = graph.read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] == source)


def test_quarantine_list_show_retry_purge(
    tmp_path: Path, graph: GraphClient, worker: object, unique_id: str
) -> None:
    good = {
        "kind": "contact",
        "source": unique_id,
        "source_id": "1",
        "observed_at": "2026-01-02T03:04:05Z",
        "emails": [f"one@{unique_id}.example.com"],
    }
    no_source_id = {k: v for k, v in good.items() if k != "source_id"}
    lines = [json.dumps(good), json.dumps(no_source_id), "{not json", json.dumps({"kind": "x"})]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    first = ok("ingest", str(path), "--wait", "--no-progress")
    assert counts_of(first)["rejected"] == 3
    run_id = run_of(first)

    entries = listed(run_id)
    assert sorted(entries) == [2, 3, 4]
    text = ok("quarantine", "list", "--run", run_id)
    assert entries[2]["id"] in text and "source_id" in text
    shown = json.loads(ok("quarantine", "show", entries[2]["id"]))
    assert shown["payload"] == lines[1] and shown["origin"] == str(path)
    assert {e["field"] for e in shown["errors"]} == {"source_id"}

    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps({**no_source_id, "source_id": "2"}, indent=2))
    retried = ok("quarantine", "retry", entries[2]["id"], "--payload-file", str(fixed), "--wait")
    assert counts_of(retried)["accepted"] == 1
    assert source_records(graph, unique_id) == 2
    assert sorted(listed(run_id)) == [3, 4]

    again = ok("quarantine", "retry", entries[3]["id"], "--wait")
    assert counts_of(again)["rejected"] == 1
    (back,) = listed(run_of(again)).values()
    assert (back["payload"], back["retries"], back["line_no"]) == ("{not json", 1, 3)

    assert "purged 1 records" in ok("quarantine", "purge", back["id"])
    assert listed(run_of(again)) == {}
    assert "purged 1 records" in ok("quarantine", "purge", "--run", run_id)
    assert listed(run_id) == {}


def test_bad_requests_exit_2_and_name_the_problem() -> None:
    unknown = run_cli("quarantine", "show", "0" * 24)
    assert unknown.returncode == 2 and "no quarantined record with id" in unknown.stderr
    unconfirmed = run_cli("quarantine", "purge", "--all")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    both = run_cli("quarantine", "retry", "abc", "--all")
    assert both.returncode == 2 and "exactly one of" in both.stderr
