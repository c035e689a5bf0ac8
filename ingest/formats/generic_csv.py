"""Any CSV file read through a column mapping (ingest/formats/mapping.py) into records."""

from __future__ import annotations

from collections.abc import Iterator

from ingest.batches import RawLine
from ingest.formats.common import (
    FileContext,
    FormatError,
    Record,
    RowError,
    clean,
    record_line,
    rejected_line,
    row_id,
)
from ingest.formats.csvrows import read_rows
from ingest.formats.encoding import Decoded
from ingest.formats.mapping import ColumnMapping, ColumnRule, observed_at_from


def is_header(cells: list[str]) -> bool:
    """The first row with any text is the header."""
    return any(cell.strip() for cell in cells)


def check_header(header: list[str], mapping: ColumnMapping, origin: str) -> None:
    """Every column the mapping reads must be in the file; FormatError lists the missing."""
    missing = [name for name in mapping.needed_columns() if name not in header]
    if missing:
        raise FormatError(
            f"{origin}: column(s) {', '.join(map(repr, missing))} of mapping {mapping.origin} "
            f"not in the header ({', '.join(map(repr, header))})"
        )


def convert(context: FileContext, decoded: Decoded, mapping: ColumnMapping) -> Iterator[RawLine]:
    """Every data row as a record of the mapping's kind (or a rejection)."""
    rows = read_rows(
        decoded.text, is_header=is_header, encoding=decoded.encoding, delimiter=mapping.delimiter
    )
    for row in rows:
        if row.errors:
            yield rejected_line(context, row.line_no, row.original, row.errors)
            continue
        try:
            record = to_record(row.cells, mapping, context)
        except RowError as exc:
            yield rejected_line(context, row.line_no, row.original, [(exc.field, exc.reason)])
            continue
        yield record_line(context, row.line_no, record, row.original)


def to_record(cells: dict[str, str], mapping: ColumnMapping, context: FileContext) -> Record:
    """One row as a record; RowError names the column whose value cannot be read."""
    missing = [name for name in mapping.needed_columns() if name not in cells]
    if missing:
        raise RowError(missing[0], "column named in the mapping is not in the file")
    record: Record = {
        "kind": mapping.kind,
        "source": context.source,
        "source_id": _source_id(cells, mapping),
        "observed_at": _observed_at(cells, mapping, context),
    }
    for path, value in mapping.constants:
        path.set(record, value)
    for rule in mapping.columns:
        for value in rule.values(cells[rule.column]):
            rule.path.set(record, value)
    return record


def _source_id(cells: dict[str, str], mapping: ColumnMapping) -> str:
    """The mapped key column; a hash of the row when there is none or it is empty."""
    key = clean(cells.get(mapping.source_id)) if mapping.source_id else None
    return key or row_id(cells)


def _observed_at(cells: dict[str, str], mapping: ColumnMapping, context: FileContext) -> str:
    """From the mapped column or constant; the file's time when neither gives one."""
    rule = mapping.observed_at
    if isinstance(rule, ColumnRule):
        cell = clean(cells.get(rule.column))
        return observed_at_from(rule, cell) if cell else context.fallback_observed_at
    return rule or context.fallback_observed_at
