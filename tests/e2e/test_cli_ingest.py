"""`graph-service demo generate` then `ingest --wait` through a real worker, Redis and Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_service.db import GraphClient
from tests.e2e.conftest import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def parse_counts(stdout: str) -> dict[str, int]:
    line = next(x for x in stdout.splitlines() if x.startswith("done:"))
    pairs = (item.split("=") for item in line.removeprefix("done:").split())
    return {key: int(value) for key, value in pairs}


def source_record_count(graph: GraphClient, sources: set[str]) -> int:
    rows = graph.read("ingest/count_source_records")
    return sum(row["records"] for row in rows if row["source"] in sources)


def test_world_lands_once_and_replay_changes_nothing(
    tmp_path: Path, graph: GraphClient, worker: object
) -> None:
    world = tmp_path / "world"
    generated = run_cli("demo", "generate", "--people", "60", "--seed", "11", "--out", str(world))
    assert generated.returncode == 0, generated.stderr
    manifest = json.loads((world / "manifest.json").read_text())
    first = run_cli("ingest", str(world), "--wait")
    assert first.returncode == 0, first.stderr
    counts = parse_counts(first.stdout)
    assert counts["rejected"] == 0
    total = counts["accepted"] + counts["duplicate"]
    assert total == sum(manifest["records_by_kind"].values())
    before = run_cli("graph", "hash")
    assert before.returncode == 0, before.stderr
    replay = parse_counts(run_cli("ingest", str(world), "--wait").stdout)
    assert replay["accepted"] == 0
    assert replay["duplicate"] == total
    after = run_cli("graph", "hash")
    assert after.stdout.startswith("nodes=") and after.stdout == before.stdout
    exported = run_cli("export", "persons", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    persons = [json.loads(line) for line in exported.stdout.splitlines()]
    resolved = {
        (r["source"], r["source_id"]) for person in persons for r in person["source_records"]
    }
    identity_kinds = ("contact", "social_profile", "employee")
    expected = sum(manifest["records_by_kind"][kind] for kind in identity_kinds)
    world_records = {
        (row["source"], row["source_id"])
        for row in map(json.loads, (world / "truth" / "records.jsonl").read_text().splitlines())
        if row["kind"] in identity_kinds
    }
    assert world_records <= resolved and len(world_records) == expected
    assert all(set(p) >= {"person_id", "source_records", "golden"} for p in persons)


def test_bad_lines_are_rejected_with_field_and_kept(
    tmp_path: Path, graph: GraphClient, redis_client: object, worker: object, unique_id: str
) -> None:
    good = {
        "kind": "contact",
        "source": unique_id,
        "source_id": "1",
        "observed_at": "2026-01-02T03:04:05Z",
        "emails": ["a@example.com"],
    }
    bad_type = {**good, "source_id": "2", "emails": "not-a-list"}
    lines = [json.dumps(good), "{not json", json.dumps(bad_type), json.dumps({**good, "kind": "x"})]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    counts = parse_counts(run_cli("ingest", str(path), "--wait").stdout)
    assert counts["accepted"] == 1
    assert counts["rejected"] == 3
    assert source_record_count(graph, {unique_id}) == 1
    quarantined = [
        json.loads(value)
        for key, value in redis_client.hgetall("graph-service:quarantine").items()  # type: ignore[attr-defined]
        if str(path) in key.decode()
    ]
    fields = {error["field"] for entry in quarantined for error in entry["errors"]}
    assert {"$", "emails", "kind"} <= fields
    assert "{not json" in {entry["payload"] for entry in quarantined}
