"""JSON Lines: each non-blank line is already a contract record (docs/ingest-contract.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.batches import RawLine
from ingest.formats.encoding import decode_line


def convert(path: Path) -> Iterator[RawLine]:
    """Non-blank lines, streamed; a BOM is dropped, a Windows-1252 line is read as such."""
    with path.open("rb") as handle:
        for line_no, data in enumerate(handle, start=1):
            text = decode_line(data).rstrip("\r\n")
            if text.strip():
                yield RawLine(str(path), line_no, text)
