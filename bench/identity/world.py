"""Read a generated synthetic world as identity records and their true people.

The generator (`graph-service demo generate`) writes one JSON Lines file per source plus a
`truth/` folder. The benchmark only resolves identity records (contacts, social profiles,
employees), so both readers here keep those kinds and nothing else: scoring over events or
follows would reward a resolver for records it never clusters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from identity.profile import IDENTITY_KINDS, record_key

# Identity records per generated person, measured on 10,000-person worlds with seeds 1, 2,
# 3 and 42 (2.863, 2.882, 2.885 and 2.888: about 1.5 contacts, 1.3 social profiles and
# 0.025 employees each). It is used to size a world, not to score one, so the mean will do.
IDENTITY_RECORDS_PER_PERSON = 2.88
# Folder of ground-truth files, never read as source records.
TRUTH_DIR = "truth"


def iter_identity_records(world_dir: Path) -> Iterator[dict[str, Any]]:
    """Stream the world's identity records, file by file in name order, one dict each.

    Only the top-level source files are read (the glob does not descend into `truth/`), and
    lazily, so a million-record world never sits in memory as JSON.
    """
    for path in sorted(world_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record: dict[str, Any] = json.loads(line)
                if record.get("kind") in IDENTITY_KINDS:
                    yield record


def load_truth(world_dir: Path) -> dict[str, str]:
    """Map each identity record's key (`source|source_id`) to its true person key."""
    truth: dict[str, str] = {}
    with (world_dir / TRUTH_DIR / "records.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["kind"] in IDENTITY_KINDS:
                truth[record_key(row["source"], row["source_id"])] = row["person_key"]
    return truth


def people_for_records(target_records: int) -> int:
    """How many people to generate for about `target_records` identity records (at least 1).

    Example: `people_for_records(10_000)` is 3,472 people, whose world holds 10,000
    identity records give or take about 1 %.
    """
    if target_records < 1:
        raise ValueError("target_records must be at least 1")
    return max(1, round(target_records / IDENTITY_RECORDS_PER_PERSON))
