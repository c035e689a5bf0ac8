"""A person's consent state: most recent statement per channel, withdrawals win ties."""

from __future__ import annotations

import json
from typing import Any

from ingest.linking_consent import consent_row


def golden(channel: str, value: bool, at: str, record: str = "crm|1") -> dict[str, Any]:
    return {
        f"consent.{channel}": {
            "value": value,
            "provenance": {"rule": "most_recent", "source_record": record, "observed_at": at},
        }
    }


def change(channel: str, granted: bool, at: str, source_id: str = "CC-1") -> dict[str, Any]:
    return {
        "source": "marketing",
        "source_id": source_id,
        "channel": channel,
        "granted": granted,
        "at": at,
        "reason": "asked",
    }


def test_unknown_channels_are_null() -> None:
    row = consent_row("p-1", None, [])
    assert (row["email"], row["phone"], row["profiling"]) == (None, None, None)
    assert json.loads(row["provenance"]) == {}


def test_later_change_overrides_contact_consent_with_provenance() -> None:
    stated = json.dumps(golden("email", True, "2025-01-01T00:00:00Z"))
    row = consent_row("p-1", stated, [change("email", False, "2025-02-01T10:00:00+01:00")])
    assert row["email"] is False
    why = json.loads(row["provenance"])["email"]
    assert why["source_record"] == "marketing|CC-1" and why["kind"] == "consent_change"
    assert why["reason"] == "asked"


def test_older_change_does_not_override_later_contact_consent() -> None:
    stated = json.dumps(golden("email", True, "2025-03-01T00:00:00Z"))
    row = consent_row("p-1", stated, [change("email", False, "2025-02-01T00:00:00Z")])
    assert row["email"] is True


def test_all_speaks_for_every_channel_and_offsets_are_compared_as_instants() -> None:
    changes = [
        change("all", False, "2025-02-01T12:00:00+02:00", "CC-1"),  # 10:00Z
        change("phone", True, "2025-02-01T11:00:00+00:00", "CC-2"),  # later
    ]
    row = consent_row("p-1", None, changes)
    assert (row["email"], row["phone"], row["profiling"]) == (False, True, False)


def test_withdrawal_wins_a_tie() -> None:
    at = "2025-02-01T00:00:00Z"
    row = consent_row(
        "p-1", None, [change("email", True, at, "A"), change("email", False, at, "B")]
    )
    assert row["email"] is False
