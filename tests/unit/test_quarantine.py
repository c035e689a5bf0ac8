"""The quarantine's pure parts: record round trip, id and key scheme, edited payloads."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from ingest.batches import quarantine_id
from ingest.quarantine import (
    QuarantinedRecord,
    QuarantineError,
    entry_key,
    normalise_payload,
    record_from_entry,
    split_entry_key,
)
from ingest.records import Rejection


def test_record_round_trips_through_its_json_form() -> None:
    record = QuarantinedRecord(
        id=quarantine_id("r1:/data/a.jsonl:3"),
        run_id="r1",
        origin="/data/a.jsonl",
        line_no=3,
        payload='{"kind": "contact"}',
        errors=[{"field": "source", "reason": "Field required"}],
        quarantined_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        retries=2,
    )
    text = json.dumps(record.to_dict())
    assert QuarantinedRecord.from_dict(json.loads(text)) == record


def test_ids_are_stable_url_safe_and_distinct() -> None:
    keys = [
        entry_key("a" * 32, origin, n) for origin in ("x.jsonl", "C:/in/x.jsonl") for n in (1, 2)
    ]
    ids = [quarantine_id(k) for k in keys]
    assert ids == [quarantine_id(k) for k in keys]
    assert len(set(ids)) == len(keys)
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids)


def test_origins_with_colons_split_back() -> None:
    key = entry_key("f" * 32, "http://host:8000/upload", 17)
    assert split_entry_key(key) == ("f" * 32, "http://host:8000/upload", 17)
    with pytest.raises(QuarantineError, match="malformed"):
        split_entry_key("no-line-number")


def test_a_worker_rejection_becomes_a_record() -> None:
    rejection = Rejection("in/x.jsonl", 4, "{not json", [{"field": "$", "reason": "invalid JSON"}])
    key = entry_key("b" * 32, rejection.origin, rejection.line_no)
    record = record_from_entry(key, rejection.to_json(), quarantined_at=1_700_000_000.0, retries=1)
    assert record.id == quarantine_id(key)
    assert record.key == key
    assert (record.run_id, record.origin, record.line_no) == ("b" * 32, "in/x.jsonl", 4)
    assert record.payload == "{not json"
    assert record.errors == [{"field": "$", "reason": "invalid JSON"}]
    assert record.quarantined_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert record.retries == 1


def test_edited_payloads_become_one_line() -> None:
    pretty = '{\n  "kind": "contact",\n  "full_name": "Zoë"\n}\n'
    assert normalise_payload(pretty) == '{"kind":"contact","full_name":"Zoë"}'
    assert normalise_payload("  still broken {\n") == "still broken {"
