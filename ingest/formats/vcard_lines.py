"""vCard 3.0 / 4.0 syntax (RFC 2426, RFC 6350): cards, unfolded content lines, parameters,
escaped values. Structure problems (a card without END, text outside any card, a line
that is no property) come back as bad blocks with their original text, never raised.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

# vCard 2.1 parameters written without a name (`TEL;WORK;VOICE:`) are types.
_BARE_PARAM = "TYPE"
# Name of a property that could not be parsed: the card carrying it is rejected.
_UNPARSABLE = "\x00unparsable"


@dataclass(frozen=True, slots=True)
class Property:
    """One content line: upper-case name (group dropped), parameters, raw value."""

    name: str
    params: dict[str, list[str]]
    value: str

    def types(self) -> set[str]:
        """The TYPE parameter values, lower-cased."""
        return {value.lower() for value in self.params.get("TYPE", [])}

    def param(self, name: str) -> str | None:
        """The first value of a parameter, or None."""
        values = self.params.get(name.upper())
        return values[0] if values else None


@dataclass(slots=True)
class Card:
    """The content lines of one BEGIN:VCARD ... END:VCARD block."""

    line_no: int
    original: list[str] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        """Every property of a name, preferred ones first (PREF=1 or TYPE=pref)."""
        found = [p for p in self.properties if p.name == name]
        return sorted(found, key=_preference)

    def first(self, name: str) -> Property | None:
        """The preferred property of a name, or None."""
        found = self.all(name)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class BadBlock:
    """Lines that do not form a card, and why."""

    line_no: int
    original: str
    field: str
    reason: str


def iter_cards(text: str) -> Iterator[Card | BadBlock]:
    """The cards of a file in order, and a bad block for each structure problem."""
    card: Card | None = None
    stray: list[tuple[int, str]] = []
    for line_no, logical, physical in _logical_lines(text):
        marker = logical.strip().upper()
        if card is None:
            if marker == "BEGIN:VCARD":
                yield from _flush_stray(stray)
                card = Card(line_no, list(physical))
            elif marker:
                stray.append((line_no, "\n".join(physical)))
            continue
        if marker == "BEGIN:VCARD":
            yield _unterminated(card, f"BEGIN:VCARD at line {line_no} before END:VCARD")
            card = Card(line_no, list(physical))
            continue
        card.original.extend(physical)
        if marker == "END:VCARD":
            yield _checked(card)
            card = None
        elif logical.strip():
            card.properties.append(_parsed_or_marked(logical))
    yield from _flush_stray(stray)
    if card is not None:
        yield _unterminated(card, "END:VCARD missing at the end of the file")


def unescape(value: str) -> str:
    """A text value with `\\\\`, `\\;`, `\\,`, `\\:` and `\\n` resolved."""
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in ("n", "N") else following)
    return "".join(out)


def split_structured(value: str, separator: str = ";") -> list[str]:
    """Components of a structured value (N, ADR, ORG), each unescaped."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(unescape("".join(current)))
    return parts


def parse_property(line: str) -> Property | None:
    """A content line `[group.]NAME;PARAM=a,b:value`, or None when it has no `:`."""
    colon = _outside_quotes(line, ":")
    if colon is None:
        return None
    head, value = line[:colon], line[colon + 1 :]
    pieces = _split_outside_quotes(head, ";")
    name = pieces[0].strip().rsplit(".", 1)[-1].upper()
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, _, raw = piece.partition("=") if "=" in piece else (_BARE_PARAM, "", piece)
        values = [v.strip().strip('"') for v in _split_outside_quotes(raw, ",")]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return Property(name, params, value)


def _parsed_or_marked(logical: str) -> Property:
    """The property, or a marker the card check turns into a rejection."""
    parsed = parse_property(logical)
    return parsed if parsed is not None else Property(_UNPARSABLE, {}, logical)


def _checked(card: Card) -> Card | BadBlock:
    """The card, or a bad block when one of its lines is not a property."""
    for prop in card.properties:
        if prop.name == _UNPARSABLE:
            reason = f"not a vCard property (no ':'): {prop.value[:80]!r}"
            return BadBlock(card.line_no, "\n".join(card.original), "$", reason)
    return card


def _unterminated(card: Card, reason: str) -> BadBlock:
    return BadBlock(card.line_no, "\n".join(card.original), "$", reason)


def _flush_stray(stray: list[tuple[int, str]]) -> Iterator[BadBlock]:
    """Text between cards as one bad block (emptied afterwards)."""
    if stray:
        text = "\n".join(line for _, line in stray)
        first = stray[0][0]
        reason = "text outside BEGIN:VCARD ... END:VCARD"
        if text.strip().upper().startswith("END:VCARD"):
            reason = "END:VCARD without BEGIN:VCARD"
        yield BadBlock(first, text, "$", reason)
        stray.clear()


def _logical_lines(text: str) -> Iterator[tuple[int, str, list[str]]]:
    """(first line number, unfolded line, physical lines): a line that starts with a space
    or a tab continues the previous one (RFC 6350 section 3.2)."""
    start, parts, physical = 0, list[str](), list[str]()
    for number, raw in enumerate(io.StringIO(text, newline=""), start=1):
        line = raw.rstrip("\r\n")
        if line[:1] in (" ", "\t") and physical:
            parts.append(line[1:])
            physical.append(line)
            continue
        if physical:
            yield start, "".join(parts), physical
        start, parts, physical = number, [line], [line]
    if physical:
        yield start, "".join(parts), physical


def _outside_quotes(text: str, char: str) -> int | None:
    """Index of the first `char` not inside double quotes."""
    quoted = False
    for index, current in enumerate(text):
        if current == '"':
            quoted = not quoted
        elif current == char and not quoted:
            return index
    return None


def _split_outside_quotes(text: str, char: str) -> list[str]:
    """`text` split at every `char` not inside double quotes."""
    pieces: list[str] = []
    rest = text
    while (index := _outside_quotes(rest, char)) is not None:
        pieces.append(rest[:index])
        rest = rest[index + 1 :]
    pieces.append(rest)
    return pieces


def _preference(prop: Property) -> int:
    """Sort key: PREF=1 is most preferred (4.0), TYPE=pref next (3.0), then the rest."""
    pref = prop.param("PREF")
    if pref is not None and pref.isdigit():
        return int(pref)
    return 1 if "pref" in prop.types() else 101
