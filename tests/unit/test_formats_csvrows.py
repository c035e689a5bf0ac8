"""CSV rows against the standard library's writer: cells, line numbers and original text."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ingest.formats.csvrows import read_rows

HEADER = ["a", "b", "c"]
# Cell text: anything printable plus the characters CSV has to quote (no NUL, no surrogates).
CELL = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=12,
)


def written(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


@given(st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6))
def test_rows_written_by_csv_are_read_back_with_their_lines(rows: list[list[str]]) -> None:
    text = written(rows)
    got = list(read_rows(text, is_header=lambda cells: cells == HEADER, encoding="utf-8"))
    kept = [row for row in rows if any(cell.strip() for cell in row)]
    assert [dict(zip(HEADER, row, strict=True)) for row in kept] == [r.cells for r in got]
    # Lines as an editor counts them: a newline inside a quoted cell starts one too.
    physical = [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]
    for row in got:
        assert not row.errors
        # Each row's original text starts at its line and re-reads as the same cells.
        first = io.StringIO(row.original, newline="").readline().rstrip("\r\n")
        assert physical[row.line_no - 1] == first
        assert next(csv.reader(io.StringIO(row.original, newline=""))) == list(row.cells.values())
