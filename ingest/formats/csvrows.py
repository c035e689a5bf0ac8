"""CSV rows with their line numbers and original text; a bad row never stops the file.

Rows before the header (LinkedIn's "Notes:" preamble) are skipped. A row with the wrong
number of fields, a field the file's encoding cannot read or broken quoting comes back
with errors instead of cells, so the converter can send it to the quarantine as written.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ingest.formats.common import undecodable_errors

# Whether a parsed row is the header the format expects.
HeaderTest = Callable[[list[str]], bool]
# csv refuses longer fields by default (128 KiB); notes and bios can be long.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: where it starts, its text as written, its cells or why it is bad."""

    line_no: int
    original: str
    cells: dict[str, str] = field(default_factory=dict)
    errors: tuple[tuple[str, str], ...] = ()


class _Lines:
    """The physical lines the csv reader consumes, so each row keeps its original text;
    lines can be given back to be read again after a quoting error."""

    def __init__(self, text: str) -> None:
        self._source = iter(io.StringIO(text, newline=""))
        self._pending: deque[str] = deque()
        self.taken: list[str] = []
        self.consumed = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._pending.popleft() if self._pending else next(self._source)
        self.taken.append(line)
        self.consumed += 1
        return line

    def take(self) -> str:
        """The lines read since the last call, as one text without the final newline."""
        text = "".join(self.taken).rstrip("\r\n")
        self.taken = []
        return text

    def give_back_all_but_first(self) -> str:
        """After a quoting error: keep the first line as the bad row, re-read the rest."""
        first, rest = self.taken[0], self.taken[1:]
        self._pending.extendleft(reversed(rest))
        self.consumed -= len(rest)
        self.taken = []
        return first.rstrip("\r\n")


def read_rows(
    text: str, *, is_header: HeaderTest, encoding: str, delimiter: str = ","
) -> Iterator[CsvRow]:
    """Every data row after the header; one row with an error when no header is found."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    while True:
        start = lines.consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            original = lines.give_back_all_but_first()
            yield CsvRow(start, original, errors=(("$", f"malformed CSV: {exc}"),))
            continue
        original = lines.take()
        if header is None:
            header = _header(cells) if is_header(_header(cells)) else None
        elif any(cell.strip() for cell in cells):
            yield _row(start, original, header, cells, encoding)
    if header is None:
        yield CsvRow(1, text[:2000], errors=(("$", "no header row of the expected format"),))


def find_header(text: str, *, is_header: HeaderTest, delimiter: str = ",") -> list[str] | None:
    """The header row of a CSV text, or None when no row passes the test."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            cells = _header(next(reader))
        except StopIteration:
            return None
        except csv.Error:
            continue
        if is_header(cells):
            return cells


def _header(cells: list[str]) -> list[str]:
    """Column names without padding or a stray byte order mark."""
    return [cell.strip().lstrip("\ufeff").strip() for cell in cells]


def _row(line_no: int, original: str, header: list[str], cells: list[str], encoding: str) -> CsvRow:
    """A data row checked against the header: field count, then decodable text."""
    extra = cells[len(header) :]
    if len(cells) < len(header) or any(cell.strip() for cell in extra):
        reason = f"row has {len(cells)} fields, the header has {len(header)}"
        return CsvRow(line_no, original, errors=(("$", reason),))
    by_name: dict[str, str] = {}
    for name, value in zip(header, cells, strict=False):
        by_name.setdefault(name, value)
    errors = undecodable_errors(by_name, encoding)
    if errors:
        return CsvRow(line_no, original, errors=tuple(errors))
    return CsvRow(line_no, original, cells=by_name)
