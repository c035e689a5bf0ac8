"""vCard 3.0 and 4.0 files (several cards each) to contact records.

FN, N, EMAIL, TEL (`tel:` URIs too), ORG, TITLE, BDAY, ADR, NOTE (bio), URL /
X-SOCIALPROFILE / IMPP / X-TWITTER-style properties (handles) are read; UID is the
source_id (else a hash of the card's content) and REV the observed_at (else the file's
time). A birthday without a year (`--0415`) is passed on as written, so the contract sets
it aside with a warning and the rest of the card is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from identity.handles import canonical_platform
from ingest.batches import RawLine
from ingest.formats.common import (
    FileContext,
    Record,
    RowError,
    birth_date,
    clean,
    content_id,
    country_code,
    record_line,
    rejected_line,
    rfc3339,
    social_handle,
    unique,
)
from ingest.formats.encoding import Decoded
from ingest.formats.vcard_lines import (
    BadBlock,
    Card,
    Property,
    iter_cards,
    split_structured,
    unescape,
)

# Source name when --source is not given.
DEFAULT_SOURCE = "vcard"
# KIND values (vCard 4.0) that describe a person; a card without KIND is one too.
PERSON_KINDS = frozenset({"individual"})
# Properties left out of the content hash: they change on every export, not the person.
_VOLATILE = frozenset({"REV", "PRODID", "VERSION"})
# REV in basic or extended form: 19951031T222710Z, 1995-10-31T22:27:10+01:00, 19951031.
_REV = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:T(\d{2}):?(\d{2}):?(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# `tel:` URI parameters: an extension becomes ` ext. 12`, the rest is dropped.
_TEL_EXT = re.compile(r";ext=([0-9]{1,6})", re.IGNORECASE)
# Address components in ADR order (RFC 6350 section 6.3.1) mapped to contract fields.
_ADR_FIELDS = (None, None, "street", "locality", "region", "postcode", "country")


def convert(context: FileContext, decoded: Decoded) -> Iterator[RawLine]:
    """Every card of the file as a contact record (or a rejection)."""
    for item in iter_cards(decoded.text):
        if isinstance(item, BadBlock):
            yield rejected_line(context, item.line_no, item.original, [(item.field, item.reason)])
            continue
        original = "\n".join(item.original)
        try:
            record = to_record(item, context)
        except RowError as exc:
            yield rejected_line(context, item.line_no, original, [(exc.field, exc.reason)])
            continue
        yield record_line(context, item.line_no, record, original)


def to_record(card: Card, context: FileContext) -> Record:
    """One card as a contract contact record; raises RowError for a card of no person."""
    _require_person(card)
    name = _components(card.first("N"))
    org = _components(card.first("ORG"))
    bday = _text(card.first("BDAY"))
    return {
        "kind": "contact",
        "source": context.source,
        "source_id": _text(card.first("UID")) or _content_id(card),
        "observed_at": _revision(card.first("REV")) or context.fallback_observed_at,
        "full_name": _text(card.first("FN")),
        "family_name": _first_of(name, 0),
        "given_name": _first_of(name, 1),
        "emails": unique(_email(p) for p in card.all("EMAIL")),
        "phones": unique(_phone(p) for p in card.all("TEL")),
        "handles": unique(_handles(card)),
        "company": {"name": org[0]} if org and clean(org[0]) else None,
        "title": _text(card.first("TITLE")),
        "birth_date": birth_date(_bday_text(bday)) if bday else None,
        "address": _address(card.first("ADR")),
        "bio": _text(card.first("NOTE")),
    }


def _require_person(card: Card) -> None:
    """A group, organisation or location card (KIND in 4.0) is not a person."""
    kind = (_text(card.first("KIND")) or "individual").lower()
    if kind not in PERSON_KINDS:
        raise RowError("KIND", f"a {kind!r} card does not describe a person")


def _text(prop: Property | None) -> str | None:
    """A property's unescaped text value, or None when absent or blank."""
    return clean(unescape(prop.value)) if prop is not None else None


def _components(prop: Property | None) -> list[str]:
    """A structured value's components (N, ORG, ADR), trimmed."""
    return [part.strip() for part in split_structured(prop.value)] if prop is not None else []


def _first_of(components: list[str], index: int) -> str | None:
    """The first of a component's comma-separated values (N allows several given names)."""
    if index >= len(components):
        return None
    return clean(split_structured(components[index], ",")[0])


def _email(prop: Property) -> str:
    value = unescape(prop.value).strip()
    return value[len("mailto:") :] if value.lower().startswith("mailto:") else value


def _phone(prop: Property) -> str:
    """The number as written; a `tel:` URI loses its scheme and parameters but its extension."""
    value = unescape(prop.value).strip()
    if not value.lower().startswith("tel:"):
        return value
    number, _, params = value[len("tel:") :].partition(";")
    extension = _TEL_EXT.search(";" + params)
    return f"{number} ext. {extension[1]}" if extension else number


def _bday_text(value: str) -> str:
    """The date part of a BDAY date-time (`1985-04-15T00:00:00Z` -> `1985-04-15`)."""
    return value.split("T", 1)[0] if value[:1].isdigit() else value


def _handles(card: Card) -> Iterator[Record]:
    """Social accounts from URL, X-SOCIALPROFILE, IMPP and X-<network> properties."""
    for prop in card.properties:
        handle: Record | None = None
        if prop.name == "URL":
            handle = social_handle(unescape(prop.value))
        elif prop.name == "X-SOCIALPROFILE":
            handle = _social_profile(prop)
        elif prop.name == "IMPP":
            handle = _impp(prop)
        elif prop.name.startswith("X-") and canonical_platform(prop.name[2:]) is not None:
            handle = social_handle(unescape(prop.value), prop.name[2:])
        if handle is not None:
            yield handle


def _social_profile(prop: Property) -> Record | None:
    """`X-SOCIALPROFILE;TYPE=twitter;X-USER=jane:https://twitter.com/jane` (Apple)."""
    value = unescape(prop.value).strip()
    if value.lower().startswith("x-apple:"):
        value = prop.param("X-USER") or value[len("x-apple:") :]
    types = sorted(prop.types() - {"pref", "home", "work", "internet"})
    return social_handle(value, types[0] if types else None)


def _impp(prop: Property) -> Record | None:
    """`IMPP;X-SERVICE-TYPE=Skype:skype:jane.doe` or `IMPP:xmpp:jane@example.org`."""
    scheme, _, address = unescape(prop.value).strip().partition(":")
    if not address:
        return None
    return social_handle(address, prop.param("X-SERVICE-TYPE") or scheme)


def _address(prop: Property | None) -> Record | None:
    """The preferred ADR's parts; a country name becomes its ISO code where known."""
    parts = {
        field: clean(value)
        for field, value in zip(_ADR_FIELDS, _components(prop), strict=False)
        if field is not None
    }
    if parts.get("street"):
        parts["street"] = " ".join(str(parts["street"]).split())
    if parts.get("country"):
        parts["country"] = country_code(str(parts["country"]))
    return parts if any(parts.values()) else None


def _revision(prop: Property | None) -> str | None:
    """REV as an RFC 3339 time (UTC when it names no zone), or None when unreadable."""
    found = _REV.match(_text(prop) or "")
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    offset = "+00:00" if zone in (None, "Z") else f"{zone[:3]}:{zone[3:].lstrip(':') or '00'}"
    try:
        moment = datetime.fromisoformat(
            f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}{offset}"
        )
    except ValueError:
        return None
    return rfc3339(moment)


def _content_id(card: Card) -> str:
    """An id for a card without UID: a hash of its properties, in any order."""
    return content_id(
        f"{p.name};{sorted(p.params.items())}:{p.value}"
        for p in card.properties
        if p.name not in _VOLATILE
    )
