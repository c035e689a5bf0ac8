"""A person's consent state from everything they stated (pure, no I/O).

Two kinds of statement count: the consent a contact-like record carries (already chosen
per channel by survivorship into the person's golden record, `consent.email` ...) and
every `consent_change` record linked to the person (`(:ConsentChange)` nodes, the
history). Per channel the most recent statement wins; at the same instant a withdrawal
beats a grant, because wrongly contacting someone is the worse mistake. A change for
channel `all` speaks for every channel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The channels a person can consent to; `all` in a consent_change stands for each of them.
CHANNELS = ("email", "phone", "profiling")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement about one channel, and where it came from."""

    channel: str
    granted: bool
    at: str
    source_record: str
    kind: str
    reason: str | None = None

    def rank(self) -> tuple[datetime, bool]:
        """Later first; at the same time a withdrawal (False sorts first) wins."""
        return (datetime.fromisoformat(self.at), not self.granted)


def golden_statements(golden: Mapping[str, Any]) -> list[Statement]:
    """The consent fields survivorship chose for the person, as statements."""
    found = []
    for channel in CHANNELS:
        entry = golden.get(f"consent.{channel}")
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), bool):
            continue
        provenance = entry.get("provenance") or {}
        found.append(
            Statement(
                channel=channel,
                granted=entry["value"],
                at=provenance.get("observed_at") or "1970-01-01T00:00:00+00:00",
                source_record=provenance.get("source_record", ""),
                kind="record_consent",
            )
        )
    return found


def change_statements(change: Mapping[str, Any]) -> list[Statement]:
    """One consent_change as a statement per channel it speaks for."""
    channels = CHANNELS if change["channel"] == "all" else (change["channel"],)
    return [
        Statement(
            channel=channel,
            granted=bool(change["granted"]),
            at=change["at"],
            source_record=f"{change['source']}|{change['source_id']}",
            kind="consent_change",
            reason=change.get("reason"),
        )
        for channel in channels
    ]


def consent_state(statements: Iterable[Statement]) -> dict[str, Statement]:
    """The winning statement per channel (channels nobody spoke about are absent)."""
    best: dict[str, Statement] = {}
    for statement in statements:
        current = best.get(statement.channel)
        if current is None or statement.rank() > current.rank():
            best[statement.channel] = statement
    return best


def consent_row(
    person: str, golden_json: str | None, changes: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """What the graph stores on the person: a flag per channel (null: unknown) and the
    provenance of each as JSON."""
    golden = json.loads(golden_json) if golden_json else {}
    statements = golden_statements(golden)
    for change in changes:
        statements += change_statements(change)
    state = consent_state(statements)
    provenance = {
        channel: {
            "granted": s.granted,
            "at": s.at,
            "source_record": s.source_record,
            "kind": s.kind,
            "reason": s.reason,
        }
        for channel, s in sorted(state.items())
    }
    flags = {channel: state[channel].granted if channel in state else None for channel in CHANNELS}
    return {"id": person, **flags, "provenance": json.dumps(provenance, sort_keys=True)}
