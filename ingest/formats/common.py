"""What every converter shares: errors, the file context, and value clean-up helpers.

Converters turn one row or card into a contract record (a plain dict) and leave checking
to the contract: a value that does not fit (an email without `@`, a birthday without a
year) is passed on as written, so the worker sets it aside with a warning naming the field
and keeps the original, exactly as for JSON Lines input.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph_service.errors import GraphServiceError
from identity.handles import normalize_handle
from ingest.batches import RawLine
from ingest.formats.encoding import printable, undecodable_bytes

# A contract record under construction.
Record = dict[str, Any]
# Prefix of source ids made from a hash of the row, when the export has no natural key.
ROW_ID_PREFIX = "row-"
# Hex digits of SHA-256 kept in a row id (128 bits: collisions are not a concern).
ROW_ID_HEX = 32
# Date layouts seen in exports, tried in order; day-first before month-first on purpose
# (the exports we read are European or ISO; an ambiguous 03/04/2024 reads as 3 April).
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d %b %Y", "%d %B %Y", "%d.%m.%Y", "%d/%m/%Y", "%b %d, %Y")
# Country names exports write instead of ISO codes (English and German spellings).
COUNTRY_NAMES: dict[str, str] = {
    "germany": "DE", "deutschland": "DE", "austria": "AT", "österreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "france": "FR", "frankreich": "FR",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "united states": "US", "usa": "US",
    "united states of america": "US", "spain": "ES", "spanien": "ES", "italy": "IT",
    "italien": "IT", "netherlands": "NL", "the netherlands": "NL", "niederlande": "NL",
    "belgium": "BE", "belgien": "BE", "ireland": "IE", "irland": "IE", "poland": "PL",
    "polen": "PL", "portugal": "PT", "sweden": "SE", "schweden": "SE", "denmark": "DK",
    "dänemark": "DK", "norway": "NO", "finland": "FI", "canada": "CA", "kanada": "CA",
    "australia": "AU", "australien": "AU", "luxembourg": "LU", "luxemburg": "LU",
}  # fmt: skip
_SPACES = re.compile(r"\s+")


class FormatError(GraphServiceError):
    """An input file or option that cannot be read at all; names the file and the reason."""


class RowError(GraphServiceError):
    """One row or card that cannot be converted: the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FileContext:
    """What a converter knows about the file it reads."""

    path: Path
    source: str
    # The file's modification time (UTC): observed_at for rows without a date of their own.
    fallback_observed_at: str

    @property
    def origin(self) -> str:
        """How quarantine entries name the file."""
        return str(self.path)


def file_context(path: Path, source: str) -> FileContext:
    """The context of one input file, its modification time read once."""
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return FileContext(path=path, source=source, fallback_observed_at=rfc3339(mtime))


def rfc3339(moment: datetime) -> str:
    """A time as the contract writes it, to the second, `Z` for UTC."""
    text = moment.replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + ("Z" if text.endswith("+00:00") else "")


def midnight_utc(day: date) -> str:
    """A calendar date as an RFC 3339 time (the start of the day in UTC)."""
    return f"{day.isoformat()}T00:00:00Z"


def parse_date(text: str) -> date | None:
    """A calendar date in one of the layouts exports use, or None."""
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    return None


def birth_date(text: str) -> str:
    """YYYY-MM-DD when the text is a full date; otherwise the text as written, so the
    contract sets it aside with a warning (a birthday without a year, `--04-15`)."""
    parsed = parse_date(text)
    return parsed.isoformat() if parsed is not None else text.strip()


def clean(value: str | None) -> str | None:
    """The value without surrounding white space, or None when nothing is left."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def split_multi(value: str | None, separator: str) -> list[str]:
    """The non-empty parts of a multi-valued cell."""
    if value is None:
        return []
    return [part for part in (clean(p) for p in value.split(separator)) if part]


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code for a code or a common country name; else as written."""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_NAMES.get(_SPACES.sub(" ", text).casefold(), text)


def social_handle(text: str, platform: str | None = None) -> Record | None:
    """A contract handle for a profile URL or a handle on a named platform; None for a
    URL that is no known social network (a personal web site)."""
    value = text.strip()
    if not value:
        return None
    if platform:
        token = re.sub(r"[^a-z0-9_.\-]", "", platform.strip().lower()) or None
        known = normalize_handle(token, value).platform if token else None
        return {"platform": known or token, "handle": value} if token else None
    inferred = normalize_handle(None, value).platform
    return {"platform": inferred, "handle": value} if inferred else None


def compact(value: Any) -> Any:
    """The record without empty parts: None, blank text, empty lists and empty objects."""
    if isinstance(value, dict):
        pairs = ((key, compact(item)) for key, item in value.items())
        return {key: item for key, item in pairs if not _empty(item)}
    if isinstance(value, list):
        return [item for item in map(compact, value) if not _empty(item)]
    return value


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def unique(values: Iterable[Any]) -> list[Any]:
    """The values in first-seen order without repeats (also for dicts)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        key = json.dumps(value, sort_keys=True)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def row_id(cells: Mapping[str, str]) -> str:
    """A source id for a row without a natural key: a hash of its non-empty cells by column,
    normalised (Unicode NFC, white space collapsed), so column order and padding do not count.
    """
    return content_id(
        f"{key.strip()}={value.strip()}" for key, value in cells.items() if value.strip()
    )


def content_id(parts: Iterable[str]) -> str:
    """A stable id for content given as parts whose order does not matter."""
    normal = sorted(_SPACES.sub(" ", unicodedata.normalize("NFC", part)).strip() for part in parts)
    text = json.dumps(normal, ensure_ascii=False).encode("utf-8", "surrogateescape")
    return ROW_ID_PREFIX + hashlib.sha256(text).hexdigest()[:ROW_ID_HEX]


def undecodable_errors(cells: Mapping[str, str], encoding: str) -> list[tuple[str, str]]:
    """One error per cell holding bytes the file's encoding cannot read."""
    errors = []
    for name, value in cells.items():
        bad = undecodable_bytes(value)
        if bad:
            shown = " ".join(f"0x{b:02x}" for b in bad[:8])
            errors.append((name, f"bytes not valid in {encoding}: {shown}"))
    return errors


def record_line(context: FileContext, line_no: int, record: Record, original: str) -> RawLine:
    """A converted record, ready to park: its text is the contract record as JSON. A value
    holding undecodable bytes rejects the row instead, naming the field (never stored)."""
    kept = compact(record)
    errors = [
        (path, f"bytes not valid in the file's encoding: {printable(text)!r}")
        for path, text in _text_values(kept, "")
        if undecodable_bytes(text)
    ]
    if errors:
        return rejected_line(context, line_no, original, errors)
    return RawLine(context.origin, line_no, json.dumps(kept, ensure_ascii=False))


def _text_values(value: Any, path: str) -> Iterable[tuple[str, str]]:
    """(field path, text) of every string in a record, paths as the contract writes them."""
    if isinstance(value, str):
        yield path or "$", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_values(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_values(item, f"{path}[{index}]")


def rejected_line(
    context: FileContext, line_no: int, original: str, errors: Iterable[tuple[str, str]]
) -> RawLine:
    """A row that could not be converted: its original text and why, for the quarantine."""
    return RawLine(context.origin, line_no, printable(original), tuple(errors))
