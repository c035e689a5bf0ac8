"""Plan the files of an ingest (format, source) up front, then convert each to raw lines.

Planning reads only what it needs to fail early: an unknown format, a bad source name or
a mapping column missing from a file stops the command before anything is queued. Bad
rows, on the other hand, never stop a file: they become rejections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.batches import RawLine
from ingest.contract.models import SOURCE_PATTERN
from ingest.formats import generic_csv, google, jsonl, linkedin, vcard
from ingest.formats.common import FileContext, FormatError, file_context
from ingest.formats.csvrows import find_header
from ingest.formats.detect import (
    CSV,
    FORMATS,
    GOOGLE,
    JSONL,
    LINKEDIN,
    VCARD,
    detect_format,
    iter_input_files,
)
from ingest.formats.encoding import read_text
from ingest.formats.mapping import ColumnMapping

# `--format` value that sniffs each file.
AUTO = "auto"
# Source names of the exports that do not carry one.
DEFAULT_SOURCES = {
    LINKEDIN: linkedin.DEFAULT_SOURCE,
    GOOGLE: google.DEFAULT_SOURCE,
    VCARD: vcard.DEFAULT_SOURCE,
}


@dataclass(frozen=True, slots=True)
class InputOptions:
    """What the command line says about its files."""

    format: str = AUTO
    mapping: ColumnMapping | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read, its format, and the source its records get (None: their own)."""

    path: Path
    format: str
    source: str | None


def plan_inputs(paths: Iterable[Path], options: InputOptions) -> list[InputFile]:
    """Every input file with its format and source; FormatError names the file and reason."""
    if options.format not in (AUTO, *FORMATS):
        raise FormatError(f"--format: {options.format!r} is not one of auto, {', '.join(FORMATS)}")
    if options.source is not None and not re.match(SOURCE_PATTERN, options.source):
        raise FormatError(f"--source: {options.source!r} must be a lowercase token, e.g. crm")
    return [_plan_one(path, options) for path in iter_input_files(paths)]


def convert_file(item: InputFile, mapping: ColumnMapping | None = None) -> Iterator[RawLine]:
    """The raw lines of one planned file: JSON records, or rejections with the original."""
    if item.format == JSONL:
        yield from jsonl.convert(item.path)
        return
    context = _context(item)
    decoded = read_text(item.path)
    if item.format == LINKEDIN:
        yield from linkedin.convert(context, decoded)
    elif item.format == GOOGLE:
        yield from google.convert(context, decoded)
    elif item.format == VCARD:
        yield from vcard.convert(context, decoded)
    elif mapping is not None:
        yield from generic_csv.convert(context, decoded, mapping)
    else:
        raise FormatError(f"{item.path}: a generic CSV needs --mapping FILE")


def _plan_one(path: Path, options: InputOptions) -> InputFile:
    chosen = options.format
    if chosen == AUTO:
        chosen = detect_format(path, has_mapping=options.mapping is not None)
    if chosen == JSONL:
        return InputFile(path, JSONL, None)
    if chosen == CSV:
        return InputFile(path, CSV, _csv_source(path, options))
    return InputFile(path, chosen, options.source or DEFAULT_SOURCES[chosen])


def _csv_source(path: Path, options: InputOptions) -> str:
    """The source of a mapped CSV, after checking the file has the mapped columns."""
    mapping = options.mapping
    if mapping is None:
        raise FormatError(f"{path}: --format csv needs --mapping FILE")
    source = options.source or mapping.source
    if not source:
        raise FormatError(f"{path}: no source; give --source NAME or source = ... in the mapping")
    if not re.match(SOURCE_PATTERN, source):
        raise FormatError(f"mapping {mapping.origin}: source {source!r} is not a lowercase token")
    decoded = read_text(path)
    header = find_header(decoded.text, is_header=generic_csv.is_header, delimiter=mapping.delimiter)
    generic_csv.check_header(header or [], mapping, str(path))
    return source


def _context(item: InputFile) -> FileContext:
    if item.source is None:
        raise FormatError(f"{item.path}: no source for a {item.format} file")
    return file_context(item.path, item.source)
