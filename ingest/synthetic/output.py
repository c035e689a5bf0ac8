"""Where generated records go: the file layout, and a per-chunk buffer of JSON lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.synthetic.seeds import iso

# Source name -> the file its export lands in.
SOURCE_FILES: dict[str, str] = {
    "crm": "crm.jsonl",
    "support": "support.jsonl",
    "shop": "shop.jsonl",
    "referrals": "referrals.jsonl",
    "hr": "employees.jsonl",
    "x": "social_x.jsonl",
    "instagram": "social_instagram.jsonl",
    "linkedin": "social_linkedin.jsonl",
    "reviews": "reviews.jsonl",
    "marketing": "marketing.jsonl",
}
# Ground truth: which person each record is about, and what the sources hide.
TRUTH_RECORDS = "truth/records.jsonl"
TRUTH_PEOPLE = "truth/people.jsonl"
TRUTH_SHARED = "truth/shared_identifiers.jsonl"
TRUTH_KNOWS = "truth/knows.jsonl"
TRUTH_FILES = (TRUTH_RECORDS, TRUTH_PEOPLE, TRUTH_SHARED, TRUTH_KNOWS)
# Every output file, in the fixed order they are written and listed.
ALL_FILES = (*SOURCE_FILES.values(), *TRUTH_FILES)


def _refuse(value: object) -> object:
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _make_encoder() -> Callable[[Any], str]:
    """Compact UTF-8 JSON, the same bytes as `json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))`, but with the C encoder built once: `dumps` rebuilds it per
    call, which was a fifth of the generator's time."""
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    encode = c_make_encoder(
        None, _refuse, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
    return lambda value: "".join(encode(value, 0))


# The one encoder every line goes through.
_encode = _make_encoder()


@dataclass(frozen=True, slots=True)
class ChunkOutput:
    """What one chunk of people produced: text per file and record counts per kind."""

    first: int
    texts: dict[str, str]
    lines: dict[str, int]
    kinds: dict[str, int]


class Emitter:
    """Collects one chunk's lines per file, writing each record's truth row with it."""

    __slots__ = ("_kinds", "_lines")

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {name: [] for name in ALL_FILES}
        self._kinds: dict[str, int] = {}

    def record(self, record: dict[str, Any], person_key: str, **truth: Any) -> None:
        """Write `record` to its source's file and its truth row to truth/records.jsonl."""
        source, kind = record["source"], record["kind"]
        self._lines[SOURCE_FILES[source]].append(_encode(record))
        line = _truth_row(source, record["source_id"], kind, person_key, truth)
        self._lines[TRUTH_RECORDS].append(line)
        self._kinds[kind] = self._kinds.get(kind, 0) + 1

    def truth(self, name: str, row: dict[str, Any]) -> None:
        """Write one row to a truth file."""
        self._lines[name].append(_encode(row))

    def finish(self, first: int) -> ChunkOutput:
        """The chunk's text per file (each line newline-terminated)."""
        texts = {name: _joined(lines) for name, lines in self._lines.items()}
        counts = {name: len(lines) for name, lines in self._lines.items()}
        return ChunkOutput(first, texts, counts, dict(sorted(self._kinds.items())))


def _joined(lines: list[str]) -> str:
    """Lines as one text, each ending in a newline."""
    return "\n".join(lines) + "\n" if lines else ""


def _truth_row(
    source: str, source_id: str, kind: str, person_key: str, extra: dict[str, Any]
) -> str:
    """The truth line of one record; the fixed part is built by hand (ids are plain ASCII)."""
    head = (
        f'{{"source":"{source}","source_id":"{source_id}","kind":"{kind}",'
        f'"person_key":"{person_key}"'
    )
    if not extra:
        return head + "}"
    return head + "," + _encode(extra)[1:]


def new_record(kind: str, source: str, source_id: str, observed_at: int) -> dict[str, Any]:
    """The fields every record starts with, in contract order."""
    return {"kind": kind, "source": source, "source_id": source_id, "observed_at": iso(observed_at)}


def person_ref(
    *,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    handles: list[dict[str, str]] | None = None,
    external_ids: list[dict[str, str]] | None = None,
    full_name: str | None = None,
) -> dict[str, Any]:
    """A PersonRef holding only the parts given."""
    ref: dict[str, Any] = {}
    if emails:
        ref["emails"] = emails
    if phones:
        ref["phones"] = phones
    if handles:
        ref["handles"] = handles
    if external_ids:
        ref["external_ids"] = external_ids
    if full_name:
        ref["full_name"] = full_name
    return ref


def handle(platform: str, value: str) -> dict[str, str]:
    """A contract Handle."""
    return {"platform": platform, "handle": value}


def external_id(system: str, value: str) -> dict[str, str]:
    """A contract ExternalId."""
    return {"system": system, "value": value}


def money(amount: float, currency: str) -> dict[str, Any]:
    """A contract Money value, rounded to cents."""
    return {"amount": round(amount, 2), "currency": currency}
