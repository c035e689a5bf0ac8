"""Turn raw input lines into contract records or quarantine entries (pure).

A record whose only faults are in optional parts is kept: each faulty part is set aside
with a warning naming its field and the reason, the raw line is kept next to the record,
and the rest is stored. A fault in a field the record cannot do without still rejects it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from identity.profile import IDENTITY_KINDS, Profile, build_profile, external_key
from ingest.batches import RawLine
from ingest.contract import (
    RECORD_MODELS,
    Record,
    RecordBase,
    format_path,
    parse_record,
    validation_errors,
)

# A pydantic error location: keys of objects and indexes of lists, outermost first.
Loc = tuple[int | str, ...]
# One `{"field": ..., "reason": ...}` entry, as warnings and quarantine errors carry them.
Note = dict[str, str]

# Fields that say what a record is and where it belongs; without them nothing can be stored.
_CORE_FIELDS = frozenset({"kind", "source", "source_id", "observed_at", "schema_version"})
# Faults that are never set aside: an unknown field may be a misspelt known one, and the
# contract promises to catch that rather than drop it (docs/ingest-contract.md).
_NEVER_SET_ASIDE = frozenset({"extra_forbidden"})
# Each round can only uncover a fault one level further out (a handle left without the
# platform just set aside, a reference left empty), so a few rounds reach any depth we have.
_MAX_ROUNDS = 6


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


@dataclass(frozen=True, slots=True)
class _Problem:
    """One validation fault, located in the record as the source sent it."""

    loc: Loc
    reason: str
    code: str

    def note(self) -> Note:
        """The fault as a `{field, reason}` entry."""
        return {"field": format_path(self.loc), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class _Salvage:
    """How setting parts aside ended: a record and its warnings, or the faults that block."""

    record: Record | None
    warnings: list[Note]
    blocking: list[Note]


def _reject(line: RawLine, field_path: str, reason: str) -> Rejection:
    return Rejection(
        line.origin, line.line_no, line.text, [{"field": field_path, "reason": reason}]
    )


def parse_line(
    line: RawLine, phone_regions: Mapping[str, str] | None = None
) -> dict[str, Any] | Rejection:
    """One line to a storable row, or a rejection naming field and reason.

    `phone_regions` (source -> region) is what the resolver reads national numbers with;
    it decides whether an identity record's only phone is usable.
    """
    if line.errors:
        # An export row that could not be converted; its text is the original row.
        errors = [{"field": field_path, "reason": reason} for field_path, reason in line.errors]
        return Rejection(line.origin, line.line_no, line.text, errors)
    try:
        obj = json.loads(line.text)
    except json.JSONDecodeError as exc:
        return _reject(line, "$", f"invalid JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return _reject(line, "$", "a record must be a JSON object")
    try:
        record = parse_record(obj)
    except ValidationError as exc:
        result = _salvage_or_reject(line, obj, exc)
    else:
        result = _row(record, line, [])
    if isinstance(result, Rejection):
        return result
    return _require_something_to_resolve(result, line, phone_regions)


def _require_something_to_resolve(
    row: dict[str, Any], line: RawLine, phone_regions: Mapping[str, str] | None
) -> dict[str, Any] | Rejection:
    """An identity record whose identifiers all failed normalising and that has no name
    cannot be resolved to anyone: it is rejected (and quarantined) naming each field."""
    if row["kind"] not in IDENTITY_KINDS:
        return row
    profile = payload_profile(row["payload"], phone_regions)
    own = external_key(row["source"], row["source_id"])
    if profile.has_name or any(key != own for key in profile.identifiers()):
        return row
    errors = [{"field": w.field, "reason": w.reason} for w in profile.warnings]
    errors.append({"field": "$", "reason": "no usable identifier and no name to resolve"})
    return Rejection(line.origin, line.line_no, line.text, errors)


def payload_profile(payload: str, phone_regions: Mapping[str, str] | None) -> Profile:
    """The identity profile of a stored payload; parsing checks it and the resolver uses it,
    so it is built once per payload (profiles are immutable)."""
    return _cached_profile(payload, tuple(sorted((phone_regions or {}).items())))


# A chunk's worth and more: parsing and resolving a chunk happen back to back.
@functools.lru_cache(maxsize=8192)
def _cached_profile(payload: str, regions: tuple[tuple[str, str], ...]) -> Profile:
    return build_profile(json.loads(payload), dict(regions))


def parse_chunk(
    lines: list[RawLine], phone_regions: Mapping[str, str] | None = None
) -> ParsedChunk:
    """Every line of a chunk, parsed; one bad line never fails the others."""
    parsed = ParsedChunk()
    for line in lines:
        result = parse_line(line, phone_regions)
        if isinstance(result, Rejection):
            parsed.rejections.append(result)
        else:
            parsed.rows.append(result)
    return parsed


def _row(record: Record, line: RawLine, warnings: list[Note]) -> dict[str, Any]:
    """The stored form; a record that lost parts keeps the raw line as evidence."""
    canonical = record.model_dump_json(exclude_none=True)
    row: dict[str, Any] = {
        "source": record.source,
        "source_id": record.source_id,
        "kind": record.kind,
        "observed_at": record.observed_at.isoformat(),
        "payload": canonical,
        "checksum": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        # JSON text, not a list of maps: Neo4j properties cannot hold maps.
        "warnings": json.dumps(warnings),
    }
    if warnings:
        row["original"] = line.text
    return row


def _salvage_or_reject(
    line: RawLine, obj: dict[str, Any], exc: ValidationError
) -> dict[str, Any] | Rejection:
    """Keep the record without its faulty optional parts, or reject it with every fault."""
    model = RECORD_MODELS.get(obj["kind"]) if isinstance(obj.get("kind"), str) else None
    first = _problems(exc, obj, frozenset())
    salvage = _salvage(obj, model, first) if model is not None else None
    if salvage is not None and salvage.record is not None:
        return _row(salvage.record, line, salvage.warnings)
    errors = [{"field": e.field, "reason": e.reason} for e in validation_errors(exc)]
    # Say why setting aside did not help, e.g. the contact was left with no identifier.
    later = salvage.blocking if salvage is not None else []
    errors += [note for note in later if note not in errors]
    return Rejection(line.origin, line.line_no, line.text, errors)


def _salvage(obj: dict[str, Any], model: type[RecordBase], problems: list[_Problem]) -> _Salvage:
    """Set faulty optional parts aside until the record validates or a fault blocks."""
    removed: frozenset[Loc] = frozenset()
    warnings: list[Note] = []
    for _ in range(_MAX_ROUNDS):
        cuts = _plan(problems, removed, model)
        if cuts is None:
            break
        removed |= cuts.keys()
        warnings += cuts.values()
        try:
            return _Salvage(parse_record(_apply(obj, removed)), warnings, [])
        except ValidationError as exc:
            problems = _problems(exc, obj, removed)
    return _Salvage(None, warnings, _blocking(problems, removed))


def _blocking(problems: list[_Problem], removed: frozenset[Loc]) -> list[Note]:
    """The faults worth reporting on a rejection: not the gaps our own removals left."""
    return [p.note() for p in problems if not (p.code == "missing" and p.loc in removed)]


def _plan(
    problems: list[_Problem], removed: frozenset[Loc], model: type[RecordBase]
) -> dict[Loc, Note] | None:
    """What to set aside next, with a warning each; None when a fault cannot be set aside."""
    cuts: dict[Loc, Note] = {}
    for problem in problems:
        target, note = _cut(problem, removed)
        if not _can_set_aside(problem, target, model) or target in removed:
            return None
        cuts.setdefault(target, note)
    return cuts


def _cut(problem: _Problem, removed: frozenset[Loc]) -> tuple[Loc, Note]:
    """The part to drop for a fault: the faulty value, or its parent if the value is absent."""
    if problem.code != "missing":
        return problem.loc, problem.note()
    parent = problem.loc[:-1]
    if problem.loc not in removed:
        return parent, problem.note()
    # We removed a value its object requires: the object goes too, and the warning says so.
    reason = f"set aside because its required {format_path(problem.loc)} was set aside"
    return parent, {"field": format_path(parent), "reason": reason}


def _can_set_aside(problem: _Problem, target: Loc, model: type[RecordBase]) -> bool:
    """Only optional parts go: never a core field, a required top-level field or the root."""
    if problem.code in _NEVER_SET_ASIDE or not target:
        return False
    top = target[0]
    if not isinstance(top, str) or top in _CORE_FIELDS or top not in model.model_fields:
        return False
    # Inside a required object, a part may go; the object itself may not.
    return len(target) > 1 or not model.model_fields[top].is_required()


def _problems(exc: ValidationError, original: Any, removed: frozenset[Loc]) -> list[_Problem]:
    """The faults of a validation, each located in the record as originally sent."""
    return [
        _Problem(_to_original(tuple(e["loc"]), original, removed), e["msg"], e["type"])
        for e in exc.errors(include_url=False, include_input=False)
    ]


def _to_original(loc: Loc, original: Any, removed: frozenset[Loc]) -> Loc:
    """Map list indexes of the trimmed record back to the original, past removed elements."""
    out: list[int | str] = []
    node = original
    for part in loc:
        step = part
        if isinstance(part, int) and isinstance(node, list):
            kept = [i for i in range(len(node)) if (*out, i) not in removed]
            step = kept[part] if part < len(kept) else part
        out.append(step)
        node = _child(node, step)
    return tuple(out)


def _apply(original: dict[str, Any], removed: frozenset[Loc]) -> Any:
    """The original without the removed parts; later list elements go first so that the
    indexes of earlier ones, all in original terms, still hold."""
    trimmed: Any = original
    for loc in sorted(removed, key=_order, reverse=True):
        trimmed = _without(trimmed, loc)
    return trimmed


def _order(loc: Loc) -> tuple[tuple[int, int | str], ...]:
    """Sort key for locations that mix keys and indexes without comparing the two."""
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in loc)


def _without(value: Any, loc: Loc) -> Any:
    """A copy of `value` without the part at `loc`; an absent part leaves it as it is."""
    head, rest = loc[0], loc[1:]
    if isinstance(value, dict) and isinstance(head, str) and head in value:
        if not rest:
            return {key: item for key, item in value.items() if key != head}
        return {**value, head: _without(value[head], rest)}
    if isinstance(value, list) and isinstance(head, int) and 0 <= head < len(value):
        if not rest:
            return value[:head] + value[head + 1 :]
        return [*value[:head], _without(value[head], rest), *value[head + 1 :]]
    return value


def _child(node: Any, part: int | str) -> Any:
    """The part of a decoded JSON value at one step, or None where there is none."""
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None
