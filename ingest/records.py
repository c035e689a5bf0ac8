"""Turn raw input lines into contract records or quarantine entries (pure)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ingest.batches import RawLine
from ingest.contract import parse_record, validation_errors


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line that cannot be used, with the field and the reason, and its payload."""

    origin: str
    line_no: int
    payload: str
    errors: list[dict[str, str]]

    def to_json(self) -> str:
        """The quarantine entry, original payload included."""
        return json.dumps(
            {
                "origin": self.origin,
                "line": self.line_no,
                "payload": self.payload,
                "errors": self.errors,
            }
        )


@dataclass(slots=True)
class ParsedChunk:
    """What a chunk's lines became."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def _reject(line: RawLine, field_path: str, reason: str) -> Rejection:
    return Rejection(
        line.origin, line.line_no, line.text, [{"field": field_path, "reason": reason}]
    )


def parse_line(line: RawLine) -> dict[str, Any] | Rejection:
    """One line to a storable row, or a rejection naming field and reason."""
    try:
        obj = json.loads(line.text)
    except json.JSONDecodeError as exc:
        return Rejection(
            line.origin,
            line.line_no,
            line.text,
            [{"field": "$", "reason": f"invalid JSON: {exc.msg}"}],
        )
    if not isinstance(obj, dict):
        return Rejection(
            line.origin,
            line.line_no,
            line.text,
            [{"field": "$", "reason": "a record must be a JSON object"}],
        )
    try:
        record = parse_record(obj)
    except ValidationError as exc:
        errors = [{"field": e.field, "reason": e.reason} for e in validation_errors(exc)]
        return Rejection(line.origin, line.line_no, line.text, errors)
    canonical = record.model_dump_json(exclude_none=True)
    return {
        "source": record.source,
        "source_id": record.source_id,
        "kind": record.kind,
        "observed_at": record.observed_at.isoformat(),
        "payload": canonical,
        "checksum": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    }


def parse_chunk(lines: list[RawLine]) -> ParsedChunk:
    """Every line of a chunk, parsed; one bad line never fails the others."""
    parsed = ParsedChunk()
    for line in lines:
        result = parse_line(line)
        if isinstance(result, Rejection):
            parsed.rejections.append(result)
        else:
            parsed.rows.append(result)
    return parsed
