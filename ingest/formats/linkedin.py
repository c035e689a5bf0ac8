"""LinkedIn's connections export (`Connections.csv`) to contact records.

The file opens with a few "Notes:" lines, then the header
`First Name,Last Name,URL,Email Address,Company,Position,Connected On`. The profile URL is
the connection's natural key (source_id) and becomes a linkedin handle; `Connected On`
(`12 Mar 2024`) is the record's observed_at.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.batches import RawLine
from ingest.formats.common import (
    FileContext,
    Record,
    RowError,
    clean,
    midnight_utc,
    parse_date,
    record_line,
    rejected_line,
    row_id,
)
from ingest.formats.csvrows import read_rows
from ingest.formats.encoding import Decoded

# Source name when --source is not given.
DEFAULT_SOURCE = "linkedin_connections"
# Columns of the export, in the order LinkedIn writes them.
COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


def is_header(cells: list[str]) -> bool:
    """The export's header row (the preamble before it is skipped)."""
    return cells[:3] == list(COLUMNS[:3]) and "Connected On" in cells


def convert(context: FileContext, decoded: Decoded) -> Iterator[RawLine]:
    """Every connection of the export as a contact record (or a rejection)."""
    for row in read_rows(decoded.text, is_header=is_header, encoding=decoded.encoding):
        if row.errors:
            yield rejected_line(context, row.line_no, row.original, row.errors)
            continue
        try:
            record = to_record(row.cells, context)
        except RowError as exc:
            yield rejected_line(context, row.line_no, row.original, [(exc.field, exc.reason)])
            continue
        yield record_line(context, row.line_no, record, row.original)


def to_record(cells: dict[str, str], context: FileContext) -> Record:
    """One connection as a contact; raises RowError for an unreadable `Connected On`."""
    url = clean(cells.get("URL"))
    email = clean(cells.get("Email Address"))
    company = clean(cells.get("Company"))
    return {
        "kind": "contact",
        "source": context.source,
        "source_id": url or row_id(cells),
        "observed_at": _connected_on(cells.get("Connected On"), context),
        "given_name": clean(cells.get("First Name")),
        "family_name": clean(cells.get("Last Name")),
        "emails": [email] if email else [],
        "handles": [{"platform": "linkedin", "handle": url}] if url else [],
        "company": {"name": company} if company else None,
        "title": clean(cells.get("Position")),
    }


def _connected_on(value: str | None, context: FileContext) -> str:
    """The connection date as observed_at; the file's time when the cell is empty."""
    text = clean(value)
    if text is None:
        return context.fallback_observed_at
    day = parse_date(text)
    if day is None:
        raise RowError("Connected On", f"not a date like 12 Mar 2024: {text!r}")
    return midnight_utc(day)
