"""Which format a file is in: by extension, then by its first lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.formats import google, linkedin
from ingest.formats.common import FormatError
from ingest.formats.encoding import decode_bytes

# Format names, as `--format` takes them.
JSONL, LINKEDIN, GOOGLE, VCARD, CSV = "jsonl", "linkedin", "google", "vcard", "csv"
FORMATS = (JSONL, LINKEDIN, GOOGLE, VCARD, CSV)
# Extensions that name a format outright; other files are sniffed.
_BY_EXTENSION = {".jsonl": JSONL, ".ndjson": JSONL, ".vcf": VCARD, ".vcard": VCARD}
# Extensions picked up when a folder is given.
FOLDER_EXTENSIONS = frozenset({".jsonl", ".ndjson", ".vcf", ".vcard", ".csv"})
# How much of a file sniffing reads.
_HEAD_BYTES = 64 * 1024
# Rows looked at for a CSV header (LinkedIn's preamble comes first).
_HEAD_ROWS = 20


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and every file of a known extension under folders, in a
    stable order (a `truth` folder of a generated demo world is never read)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in FOLDER_EXTENSIONS and p.is_file() and "truth" not in p.parts
            )
        else:
            yield path


def detect_format(path: Path, *, has_mapping: bool = False) -> str:
    """The format of a file; FormatError when it is a CSV of no known export and no
    mapping is given."""
    by_extension = _BY_EXTENSION.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    head = _head_text(path)
    first = head.lstrip().split("\n", 1)[0].strip()
    if first.startswith("{"):
        return JSONL
    if first.upper() == "BEGIN:VCARD":
        return VCARD
    if has_mapping:
        return CSV
    return _csv_export(path, head)


def _csv_export(path: Path, head: str) -> str:
    """LinkedIn or Google Contacts, by header."""
    rows = csv.reader(io.StringIO(head, newline=""))
    try:
        for _, cells in zip(range(_HEAD_ROWS), rows, strict=False):
            names = [cell.strip().lstrip("\ufeff") for cell in cells]
            if linkedin.is_header(names):
                return LINKEDIN
            if google.is_header(names):
                return GOOGLE
    except csv.Error:
        pass
    raise FormatError(
        f"{path}: cannot tell the format: not JSON Lines, vCard, a LinkedIn connections or "
        "a Google Contacts export; give --mapping FILE for another CSV, or --format"
    )


def _head_text(path: Path) -> str:
    """The first bytes of a file, decoded, cut at the last complete line."""
    with path.open("rb") as handle:
        data = handle.read(_HEAD_BYTES)
    if len(data) == _HEAD_BYTES and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]
    return decode_bytes(data).text
