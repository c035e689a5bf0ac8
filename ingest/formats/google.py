"""Google Contacts CSV exports to contact records, in both header sets Google has used.

Current: `First Name,Middle Name,Last Name,...,E-mail 1 - Label,E-mail 1 - Value,...,
Organization Name,Organization Title,...`. Older (Outlook-like): `Name,Given Name,
Family Name,...,E-mail 1 - Type,E-mail 1 - Value,...,Organization 1 - Name,...`. A cell may
hold several values separated by ` ::: `. The export has no id and no date: source_id is a
hash of the row, observed_at the file's time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.batches import RawLine
from ingest.formats.common import (
    FileContext,
    Record,
    birth_date,
    clean,
    country_code,
    record_line,
    rejected_line,
    row_id,
    social_handle,
    split_multi,
    unique,
)
from ingest.formats.csvrows import read_rows
from ingest.formats.encoding import Decoded

# Source name when --source is not given.
DEFAULT_SOURCE = "google_contacts"
# How Google separates several values in one cell.
MULTI = " ::: "
# Numbered value columns: `E-mail 2 - Value`, `Phone 1 - Value`, `Website 1 - Value`.
_VALUE_COLUMN = re.compile(r"^(E-mail|Phone|Website) (\d+) - Value$")
# Address parts of the first address, current and older names alike.
_ADDRESS_PARTS = {
    "street": "Street",
    "locality": "City",
    "region": "Region",
    "postcode": "Postal Code",
    "country": "Country",
}
# Column names per contract field, current header first, then the older one.
_NAME_COLUMNS = {
    "given_name": ("First Name", "Given Name"),
    "middle_name": ("Middle Name", "Additional Name"),
    "family_name": ("Last Name", "Family Name"),
    "full_name": ("Name",),
    "company": ("Organization Name", "Organization 1 - Name"),
    "title": ("Organization Title", "Organization 1 - Title"),
    "birthday": ("Birthday",),
    "notes": ("Notes",),
}


def is_header(cells: list[str]) -> bool:
    """A Google Contacts header, current or older."""
    names = set(cells)
    if {"Given Name", "Family Name"} <= names or {"First Name", "Middle Name"} <= names:
        return True
    return any(_VALUE_COLUMN.match(cell) for cell in cells) and "Connected On" not in names


def convert(context: FileContext, decoded: Decoded) -> Iterator[RawLine]:
    """Every contact of the export as a contact record (or a rejection)."""
    for row in read_rows(decoded.text, is_header=is_header, encoding=decoded.encoding):
        if row.errors:
            yield rejected_line(context, row.line_no, row.original, row.errors)
        else:
            yield record_line(context, row.line_no, to_record(row.cells, context), row.original)


def to_record(cells: dict[str, str], context: FileContext) -> Record:
    """One exported contact as a contract contact record."""
    given = _first(cells, "given_name")
    middle = _first(cells, "middle_name")
    family = _first(cells, "family_name")
    full = _first(cells, "full_name") or (" ".join(filter(None, (given, middle, family))))
    company = _first(cells, "company")
    birthday = _first(cells, "birthday")
    return {
        "kind": "contact",
        "source": context.source,
        "source_id": row_id(cells),
        "observed_at": context.fallback_observed_at,
        "given_name": given,
        "family_name": family,
        # Only when it adds something: a middle name, or the older header's own Name.
        "full_name": full if middle or _first(cells, "full_name") else None,
        "emails": _values(cells, "E-mail"),
        "phones": _values(cells, "Phone"),
        "handles": unique(filter(None, map(social_handle, _values(cells, "Website")))),
        "company": {"name": company} if company else None,
        "title": _first(cells, "title"),
        "birth_date": birth_date(birthday) if birthday else None,
        "address": _address(cells),
        "bio": clean(cells.get("Notes")),
    }


def _first(cells: dict[str, str], field: str) -> str | None:
    """The first value of the first non-empty column for a field."""
    for column in _NAME_COLUMNS[field]:
        values = split_multi(cells.get(column), MULTI)
        if values:
            return values[0]
    return None


def _values(cells: dict[str, str], kind: str) -> list[str]:
    """Every value of the numbered columns of one kind, in column order, without repeats."""
    numbered = sorted(
        (int(match[2]), column)
        for column in cells
        if (match := _VALUE_COLUMN.match(column)) and match[1] == kind
    )
    return unique(value for _, column in numbered for value in split_multi(cells[column], MULTI))


def _address(cells: dict[str, str]) -> Record | None:
    """The first address; its one-line formatted form as street when it has no parts."""
    parts: dict[str, str | None] = {
        field: _first_value(cells.get(f"Address 1 - {column}"))
        for field, column in _ADDRESS_PARTS.items()
    }
    country = parts["country"]
    if country:
        parts["country"] = country_code(country)
    if not any(parts.values()):
        formatted = _first_value(cells.get("Address 1 - Formatted"))
        parts["street"] = " ".join(formatted.split()) if formatted else None
    return dict(parts) if any(parts.values()) else None


def _first_value(cell: str | None) -> str | None:
    values = split_multi(cell, MULTI)
    return values[0] if values else None
