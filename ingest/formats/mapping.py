"""Column mappings for generic CSV files: a TOML file saying which column fills which field.

See docs/formats.md for the format. A mapping is checked when it is loaded (unknown keys,
field paths the record kind does not have, bad time zones), so a typo fails the command
before anything is queued instead of rejecting every row.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.contract import RECORD_MODELS
from ingest.formats.common import FormatError, Record, RowError, rfc3339

# One step of a field path: `name`, `name[]` (append to a list) or `name[key]` (keyed item).
_SEGMENT = re.compile(r"^([a-z_]+)(?:\[([a-z0-9_.\-]*)\])?$")
# Lists whose items a `[key]` path builds, and the item's key and value fields.
KEYED_LISTS = {"handles": ("platform", "handle"), "external_ids": ("system", "value")}
# Fields the mapping's own top-level keys set; a column may not set them.
_RESERVED = frozenset({"kind", "source", "source_id", "observed_at", "schema_version"})
# Value types a column can be read as (CSV cells are text).
VALUE_TYPES = ("text", "integer", "number", "boolean")
# strptime directives that read a time of day: a layout without them reads a date.
_TIME_OF_DAY = re.compile(r"%[HIMSXcz]")
# Cell texts read as booleans.
_TRUE = frozenset({"true", "yes", "y", "1", "ja", "oui", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "non"})
_TOP_KEYS = frozenset(
    {"source", "kind", "source_id", "observed_at", "delimiter", "columns", "constants"}
)
_COLUMN_KEYS = frozenset({"field", "format", "timezone", "split", "type"})


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A parsed field path such as `address.locality`, `emails[]` or `handles[x]`."""

    text: str
    parents: tuple[str, ...]
    name: str
    index: str | None  # None: a plain field; "": append; other: the item key

    def set(self, record: Record, value: Any) -> None:
        """Put a value at this path, creating parent objects and lists."""
        node = record
        for parent in self.parents:
            node = node.setdefault(parent, {})
        if self.index is None:
            node[self.name] = value
        elif self.index == "":
            node.setdefault(self.name, []).append(value)
        else:
            key_field, value_field = KEYED_LISTS[self.name]
            node.setdefault(self.name, []).append({key_field: self.index, value_field: value})


@dataclass(frozen=True, slots=True)
class ColumnRule:
    """How one column becomes a value: its field, and how to read and split the text."""

    column: str
    path: FieldPath
    format: str | None = None
    timezone: tzinfo | None = None
    split: str | None = None
    type: str = "text"

    def values(self, cell: str) -> list[Any]:
        """The cell's values (several when split), each read as the rule says; a value that
        cannot be read stays text, so the contract sets it aside naming the field."""
        parts = cell.split(self.split) if self.split else [cell]
        return [self._read(part.strip()) for part in parts if part.strip()]

    def _read(self, text: str) -> Any:
        try:
            if self.format is not None or self.timezone is not None:
                return read_time(text, self.format, self.timezone)
            return read_typed(text, self.type)
        except ValueError:
            return text


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A whole mapping file, checked."""

    origin: str
    kind: str = "contact"
    source: str | None = None
    source_id: str | None = None
    observed_at: ColumnRule | str | None = None
    delimiter: str = ","
    columns: tuple[ColumnRule, ...] = ()
    constants: tuple[tuple[FieldPath, Any], ...] = field(default_factory=tuple)

    def needed_columns(self) -> list[str]:
        """Every column the mapping reads, for checking a file's header."""
        names = [rule.column for rule in self.columns]
        if self.source_id:
            names.append(self.source_id)
        if isinstance(self.observed_at, ColumnRule):
            names.append(self.observed_at.column)
        return list(dict.fromkeys(names))


def load_mapping(path: Path) -> ColumnMapping:
    """Read and check a mapping file; FormatError names the file, the key and the reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FormatError(f"mapping {path}: {exc}") from exc
    try:
        return parse_mapping(data, origin=str(path))
    except (ValueError, TypeError) as exc:
        raise FormatError(f"mapping {path}: {exc}") from exc


def parse_mapping(data: dict[str, Any], *, origin: str = "<mapping>") -> ColumnMapping:
    """A mapping from decoded TOML; ValueError names the key and the reason."""
    _no_unknown(data, _TOP_KEYS, "the top level")
    kind = _text(data, "kind", "contact")
    if kind not in RECORD_MODELS:
        raise ValueError(f"kind: unknown kind {kind!r}; expected one of {', '.join(RECORD_MODELS)}")
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise ValueError("columns: a table of column = field path, with at least one entry")
    constants = data.get("constants", {})
    if not isinstance(constants, dict):
        raise ValueError("constants: must be a table of field path = value")
    return ColumnMapping(
        origin=origin,
        kind=kind,
        source=data.get("source") and _text(data, "source", ""),
        source_id=data.get("source_id") and _text(data, "source_id", ""),
        observed_at=_observed_at(data.get("observed_at")),
        delimiter=_delimiter(data.get("delimiter", ",")),
        columns=tuple(_column_rule(name, spec, kind) for name, spec in columns.items()),
        constants=tuple((parse_path(p, kind, f"constants.{p}"), v) for p, v in constants.items()),
    )


def parse_path(text: str, kind: str, where: str) -> FieldPath:
    """A field path checked against the record kind's top-level fields."""
    segments = text.split(".")
    parsed = [_SEGMENT.match(segment) for segment in segments]
    if not text or any(match is None for match in parsed):
        raise ValueError(f"{where}: {text!r} is not a field path like address.locality")
    names = [match[1] for match in parsed if match is not None]
    indexes = [match[2] for match in parsed if match is not None]
    if any(index is not None for index in indexes[:-1]):
        raise ValueError(f"{where}: {text!r}: only the last step may have [] or [key]")
    if names[0] not in RECORD_MODELS[kind].model_fields or names[0] in _RESERVED:
        raise ValueError(f"{where}: {kind} records have no field {names[0]!r} to fill")
    if indexes[-1] and names[-1] not in KEYED_LISTS:
        raise ValueError(f"{where}: {text!r}: [key] only for {' and '.join(KEYED_LISTS)}")
    return FieldPath(text, tuple(names[:-1]), names[-1], indexes[-1])


def read_time(text: str, layout: str | None, zone: tzinfo | None, *, dates: bool = True) -> str:
    """A time as RFC 3339 or, for a layout without time of day (when `dates`), a YYYY-MM-DD.

    Without a layout the text is ISO 8601; a time without an offset is read in `zone`
    (UTC when none), a bare date as its midnight.
    """
    moment = datetime.fromisoformat(text) if layout is None else datetime.strptime(text, layout)
    if dates and layout is not None and not _TIME_OF_DAY.search(layout):
        return moment.date().isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return rfc3339(moment)


def read_typed(text: str, value_type: str) -> Any:
    """A cell read as the column's type; ValueError when it is not one."""
    if value_type == "integer":
        return int(text)
    if value_type == "number":
        return float(text.replace(",", ".")) if text.count(",") == 1 else float(text)
    if value_type == "boolean":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError("expected yes/no, true/false or 1/0")
    return text


def observed_at_from(rule: ColumnRule, cell: str) -> str:
    """observed_at from its column, as RFC 3339; RowError names the column."""
    try:
        return read_time(cell, rule.format, rule.timezone, dates=False)
    except ValueError as exc:
        raise RowError(rule.column, f"not a date-time: {cell!r} ({exc})") from exc


def _column_rule(column: str, spec: Any, kind: str) -> ColumnRule:
    """A `[columns]` entry: a field path, or a table with field and reading options."""
    where = f"columns.{column!r}"
    if isinstance(spec, str):
        return ColumnRule(column, parse_path(spec, kind, where))
    if not isinstance(spec, dict) or not isinstance(spec.get("field"), str):
        raise ValueError(f"{where}: a field path, or a table with at least field = ...")
    _no_unknown(spec, _COLUMN_KEYS, where)
    value_type = spec.get("type", "text")
    if value_type not in VALUE_TYPES:
        raise ValueError(f"{where}: type must be one of {', '.join(VALUE_TYPES)}")
    return ColumnRule(
        column,
        parse_path(spec["field"], kind, where),
        format=_optional_text(spec, "format", where),
        timezone=_zone(spec.get("timezone"), where),
        split=_optional_text(spec, "split", where),
        type=value_type,
    )


def _observed_at(spec: Any) -> ColumnRule | str | None:
    """`observed_at`: absent (file time), an RFC 3339 constant, or `{column, format, timezone}`."""
    if spec is None:
        return None
    if isinstance(spec, datetime):
        if spec.tzinfo is None:
            raise ValueError("observed_at: a constant time needs an offset, e.g. ...T00:00:00Z")
        return rfc3339(spec)
    if isinstance(spec, str):
        try:
            return read_time(spec, None, None, dates=False)
        except ValueError:
            return _bad_observed_at()
    if isinstance(spec, dict) and isinstance(spec.get("column"), str):
        _no_unknown(spec, frozenset({"column", "format", "timezone"}), "observed_at")
        fmt = _optional_text(spec, "format", "observed_at")
        zone = _zone(spec.get("timezone"), "observed_at")
        path = FieldPath("observed_at", (), "observed_at", None)
        return ColumnRule(spec["column"], path, fmt, zone)
    return _bad_observed_at()


def _bad_observed_at() -> NoReturn:
    raise ValueError(
        'observed_at: an RFC 3339 time such as "2025-01-31T00:00:00Z" or '
        '{ column = "...", format = "...", timezone = "..." }'
    )


def _zone(name: Any, where: str) -> tzinfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{where}: unknown time zone {name!r}") from exc


def _delimiter(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 1:
        raise ValueError('delimiter: must be one character, e.g. "," or ";"')
    return value


def _text(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key}: must be text")
    return value


def _optional_text(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{where}.{key}: must be non-empty text")
    return value


def _no_unknown(data: dict[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        listed = ", ".join(sorted(known))
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {listed}")
