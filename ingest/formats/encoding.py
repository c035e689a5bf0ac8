"""Decode export files: UTF-8 (with or without BOM), else Windows-1252 / Latin-1.

Bytes that the chosen encoding cannot read are kept as lone surrogates
(``surrogateescape``), so a converter can tell exactly which field holds them and reject
that row alone instead of guessing or failing the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Tried first; the `-sig` variant drops a byte order mark.
UTF8 = "utf-8-sig"
# The fall-back: a superset of Latin-1's printable range, what Excel and Outlook write.
CP1252 = "cp1252"
# How `surrogateescape` represents an undecodable byte.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# A well-formed multi-byte UTF-8 sequence (lead byte and continuation bytes).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and the encoding it was read with."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Text of an export: UTF-8 when the bytes are (mostly) UTF-8, else Windows-1252.

    A file with at least as many valid multi-byte UTF-8 sequences as broken bytes stays
    UTF-8 (the broken bytes are escaped); any other file is read as Windows-1252.
    """
    try:
        return Decoded(data.decode(UTF8), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode(UTF8, errors="surrogateescape")
    broken = len(_ESCAPED_BYTE.findall(text))
    valid = len(_UTF8_MULTIBYTE.findall(data))
    # Windows-1252 text rarely forms a valid UTF-8 sequence (it takes `Ã` then a symbol).
    if valid and valid >= broken:
        return Decoded(text, "utf-8")
    return Decoded(data.decode(CP1252, errors="surrogateescape"), CP1252)


def read_text(path: Path) -> Decoded:
    """Read and decode a whole export file."""
    return decode_bytes(path.read_bytes())


def undecodable_bytes(text: str) -> bytes:
    """The bytes a decoded text could not read (empty when it read them all)."""
    return bytes(ord(ch) - 0xDC00 for ch in _ESCAPED_BYTE.findall(text))


def printable(text: str) -> str:
    """The text with undecodable bytes written as ``\\xNN``, safe to store and show."""
    return _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def decode_line(data: bytes) -> str:
    """One JSON Lines line: UTF-8, else Windows-1252; broken UTF-8 gets U+FFFD for bad bytes."""
    try:
        return data.decode(UTF8)
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        return data.decode(UTF8, errors="replace")
    return data.decode(CP1252, errors="replace")
