"""Every export format through `graph-service ingest --wait`, a real worker, Redis and Neo4j:
samples land once and replay as duplicates; bad rows reach the quarantine as written."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_service.db import GraphClient
from tests.e2e.conftest import run_cli, running_worker
from tests.e2e.test_cli_ingest import parse_counts, source_record_count

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
# Samples told apart by extension or header, with the records each holds (one vCard is a
# company card and is rejected).
DETECTED = {
    "Connections.csv": 8,
    "google-contacts.csv": 6,
    "google-contacts-outlook-latin1.csv": 5,
    "contacts.vcf": 5,
}
JSONL_RECORDS = 5
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture
def worker(graph: GraphClient, redis_client: object) -> Iterator[subprocess.Popen[bytes]]:
    """A worker as in test_cli_ingest, without conversation embeddings: these files hold
    contacts only, and the format tests should not wait on the embedding model."""
    with running_worker({"GRAPH_CONVERSATION_EMBEDDINGS": "false"}) as process:
        yield process


def quarantined(redis_client: Any, origin: Path) -> list[dict[str, Any]]:
    """Quarantine entries of one input file, by line."""
    entries = [
        json.loads(value)
        for key, value in redis_client.hgetall("graph-service:quarantine").items()
        if f":{origin}:" in key.decode()
    ]
    return sorted(entries, key=lambda entry: entry["line"])


def line_of(path: Path, text: str, before: str) -> int:
    """Number of the last line starting with `before` ahead of the first line equal to `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    target = lines.index(text)
    return max(i for i in range(target) if lines[i].startswith(before)) + 1


def test_samples_land_once_and_replay_as_duplicates(
    tmp_path: Path, graph: GraphClient, redis_client: Any, worker: object, unique_id: str
) -> None:
    jsonl = tmp_path / "contacts.jsonl"
    sample = (SAMPLES / "contacts.jsonl").read_text(encoding="utf-8")
    jsonl.write_text(sample.replace('"samples_jsonl"', f'"{unique_id}"'), encoding="utf-8")
    args = [*(str(SAMPLES / name) for name in DETECTED), str(jsonl), "--source", unique_id]
    total = sum(DETECTED.values()) + JSONL_RECORDS

    first = run_cli("ingest", *args, "--wait")
    assert first.returncode == 0, first.stderr
    counts = parse_counts(first.stdout)
    # Another worker on the shared queue may have stored a chunk and failed after it, so
    # its retry here counts those records as duplicates: together they make the total.
    assert (counts["accepted"] + counts["duplicate"], counts["rejected"]) == (total, 1)
    assert "queueing" in first.stderr and "processing" in first.stderr
    assert source_record_count(graph, {unique_id}) == total

    replay = run_cli("ingest", *args, "--wait", "--no-progress")
    assert replay.returncode == 0, replay.stderr
    assert parse_counts(replay.stdout) == {
        "accepted": 0, "rejected": 1, "duplicate": total, "suppressed": 0
    }  # fmt: skip
    assert "processing" not in replay.stderr

    vcf = SAMPLES / "contacts.vcf"
    [company_card, *_] = quarantined(redis_client, vcf)
    assert company_card["origin"] == str(vcf)
    assert company_card["line"] == line_of(vcf, "KIND:org", "BEGIN:VCARD")
    assert company_card["errors"] == [
        {"field": "KIND", "reason": "a 'org' card does not describe a person"}
    ]
    assert "FN:Harbour Logistics Ltd" in company_card["payload"]


def test_mapped_csv_lands_once_and_replays_as_duplicates(
    graph: GraphClient, worker: object, unique_id: str
) -> None:
    args = [
        str(SAMPLES / "crm-export.csv"),
        "--mapping", str(SAMPLES / "crm-export.mapping.toml"),
        "--source", unique_id,
        "--wait",
        "--no-progress",
    ]  # fmt: skip
    first = parse_counts(run_cli("ingest", *args).stdout)
    assert (first["accepted"] + first["duplicate"], first["rejected"]) == (6, 0)
    replay = parse_counts(run_cli("ingest", *args).stdout)
    assert (replay["accepted"], replay["duplicate"], replay["rejected"]) == (0, 6, 0)
    assert source_record_count(graph, {unique_id}) == 6


def test_bad_rows_reach_the_quarantine_and_the_rest_lands(
    tmp_path: Path, graph: GraphClient, redis_client: Any, worker: object, unique_id: str
) -> None:
    connections = tmp_path / "Connections.csv"
    connections.write_bytes(
        (
            'Notes:\n"Some e-mail addresses may be missing."\n\n'
            + LINKEDIN_HEADER
            + f"Anaïs,Lima,https://www.linkedin.com/in/{unique_id}-ana,,Acme,CEO,01 Feb 2024\n"
            + "Bob,Stone,https://www.linkedin.com/in/bob,Acme,CEO\n"
            + f"Cy,Wu,https://www.linkedin.com/in/{unique_id}-cy,,,,someday\n"
            + f"Dee,Roe,https://www.linkedin.com/in/{unique_id}-dee,,"
        ).encode()
        + b"Caf\xe9 GmbH,,02 Feb 2024\n"
    )
    cards = tmp_path / "people.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eve Adams\r\nUID:eve\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Fay No-End\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Gus Berg\r\nUID:gus\r\nEND:VCARD\r\n"
        "END:VCARD\r\n"
    )
    latin = tmp_path / "outlook.csv"
    latin.write_bytes(
        "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value\r\n"
        f"Jürgen Maßmann,Jürgen,Maßmann,* Work,{unique_id}@example.org\r\n".encode("cp1252")
    )
    result = run_cli(
        "ingest", str(connections), str(cards), str(latin), "--source", unique_id, "--wait"
    )
    assert result.returncode == 0, result.stderr
    counts = parse_counts(result.stdout)
    assert (counts["accepted"] + counts["duplicate"], counts["rejected"]) == (4, 5)
    assert source_record_count(graph, {unique_id}) == 4

    csv_rejects = quarantined(redis_client, connections)
    assert [(e["line"], e["errors"]) for e in csv_rejects] == [
        (6, [{"field": "$", "reason": "row has 5 fields, the header has 7"}]),
        (7, [{"field": "Connected On", "reason": "not a date like 12 Mar 2024: 'someday'"}]),
        (8, [{"field": "Company", "reason": "bytes not valid in utf-8: 0xe9"}]),
    ]
    assert csv_rejects[0]["payload"] == "Bob,Stone,https://www.linkedin.com/in/bob,Acme,CEO"
    assert "Caf\\xe9 GmbH" in csv_rejects[2]["payload"]
    card_rejects = quarantined(redis_client, cards)
    assert [(e["line"], e["errors"][0]["reason"]) for e in card_rejects] == [
        (6, "BEGIN:VCARD at line 9 before END:VCARD"),
        (14, "END:VCARD without BEGIN:VCARD"),
    ]
    assert card_rejects[0]["payload"] == "BEGIN:VCARD\nVERSION:4.0\nFN:Fay No-End"
    assert quarantined(redis_client, latin) == []


def test_unreadable_input_fails_before_anything_is_queued(tmp_path: Path) -> None:
    unknown = tmp_path / "crm.csv"
    unknown.write_text("id,mail\n1,a@example.org\n")
    result = run_cli("ingest", str(unknown))
    assert result.returncode == 2
    assert "cannot tell the format" in result.stderr and "--mapping" in result.stderr
    assert "queued" not in result.stdout
    mapping = tmp_path / "m.toml"
    mapping.write_text('source = "crm"\n[columns]\n"mail" = "emial"\n')
    bad_mapping = run_cli("ingest", str(unknown), "--mapping", str(mapping))
    assert bad_mapping.returncode == 2
    assert "contact records have no field 'emial'" in bad_mapping.stderr
