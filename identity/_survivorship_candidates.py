"""What each source record offers survivorship: field candidates and identifiers (private).

``identity.survivorship`` chooses; this module reads the records. The resolver rebuilds a
person's golden record every time the person is touched, from the same records again and
again, so reading is memoised in bounded LRU caches: a record's scalar fields (names,
birth date, address, company, title, bio) by their raw values, times by their text, and
identifier checks by the list as written. Cached results are immutable (strings, tuples,
frozen results, read-only mappings), so sharing them between calls cannot leak a change
from one caller to another; keys are raw values, so a changed record is a new key. Consent
is read on every call: ``True == 1``, so a memo could confuse a flag with a number.

Each record is read once per call (``read_records``); a malformed one (validation
skipped) is then re-read field by field to fail with the error the field order meets
first, as reading field by field always did.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from identity.company import company_key, normalize_domain
from identity.email import EmailResult, normalize_email
from identity.errors import SurvivorshipError
from identity.handles import normalize_handle
from identity.names import name_key, split_full_name
from identity.phone import PhoneResult, normalize_phone

if TYPE_CHECKING:
    from identity.survivorship import SurvivorInput

# A golden value: text, a consent flag, or a whole address/company object.
Value = str | bool | Mapping[str, str]

# Entries per memo: the distinct records (and values) of a large region. A record's
# reading takes about 1.3 kB, plus its raw text once the record itself is gone, so that
# memo stays near 100 MB at most; the others take a few hundred bytes an entry.
_CACHE_SIZE = 65_536
# Read in place of a missing address or company.
_NOTHING: Mapping[str, Any] = MappingProxyType({})
_ADDRESS_PARTS = ("street_number", "street", "locality", "postcode", "region", "country")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# Group of a consent flag: the flag as JSON writes it.
_FLAG_GROUPS = {True: "true", False: "false"}
# Phone types by preference for primary_phone: a mobile reaches the person, a desk may not.
_PHONE_TIERS = {"mobile": 0, "fixed_line_or_mobile": 1}


# Not frozen, unlike the public types: a frozen __init__ costs twice as much, and these
# are built per record on every call and never leave the package.
@dataclass(slots=True)
class Seen:
    """An input record with its parsed time, source rank and sort values.

    ``recency`` is minus the microseconds since the epoch, so that smaller is better as for
    every other sort value. ``by_rank`` is (rank, recency, key), the order of the rules
    source_priority and most_frequent and of identifier forms; ``by_recency`` is
    (recency, rank, key), the order of most_recent.
    """

    key: str
    observed_at: str
    time: datetime
    recency: int
    rank: int
    record: Mapping[str, Any]
    by_rank: tuple[int, int, str]
    by_recency: tuple[int, int, str]


# Sort values, smaller is better: (rank, recency, [list position,] key) or (recency, rank, ...).
Ranks = tuple[int | str, ...]
# One record's offer for a field: (value, group, seen, stamp, by_rank, by_recency). ``group``
# is the folded key values are counted by; ``stamp`` the offer's time as written (the
# record's, except for consent); the two sort tuples are those of ``Seen`` for the offer's
# time, with the list position before the key for emails and phones. A plain tuple: one
# is built per record and field.
Candidate = tuple[Value, str, Seen, str, Ranks, Ranks]


def listed_offer(value: Value, group: str, s: Seen, position: int) -> Candidate:
    """A candidate from a record's list: its position breaks ties before the record key."""
    by_rank = (s.rank, s.recency, position, s.key)
    return value, group, s, s.observed_at, by_rank, (s.recency, s.rank, position, s.key)


def parse_time(text: object, key: str, field: str) -> tuple[datetime, int]:
    """(UTC time, recency) of RFC 3339 text; anything else means a record skipped validation."""
    parsed = _utc_time(text) if isinstance(text, str) else None
    if parsed is None:
        where = f"{key}: {field}"
        raise SurvivorshipError(f"{where} is {text!r}, not an RFC 3339 date-time with an offset")
    return parsed


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _utc_time(text: str) -> tuple[datetime, int] | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    utc = parsed.astimezone(UTC)
    return utc, -((utc - _EPOCH) // _MICROSECOND)


def text(value: object) -> str:
    """Text with spacing collapsed, or "" for anything that is not text."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def prepare(records: Iterable[SurvivorInput], rank: Callable[[str], int]) -> list[Seen]:
    """Parse times and rank sources, sorted by key; refuse empty input and repeated keys."""
    seen = []
    for r in records:
        key, observed_at = r.key, r.observed_at
        time, recency = parse_time(observed_at, key, "observed_at")
        n = rank(r.source)
        seen.append(Seen(key, observed_at, time, recency, n, r.record,
                         (n, recency, key), (recency, n, key)))  # fmt: skip
    if not seen:
        raise SurvivorshipError("a golden record needs at least one source record")
    if len({s.key for s in seen}) < len(seen):
        keys = Counter(s.key for s in seen)
        repeated = sorted(key for key, count in keys.items() if count > 1)
        raise SurvivorshipError(f"record keys given more than once: {repeated}")
    return sorted(seen, key=attrgetter("key"))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Reading:
    """The scalar fields one record offers, memoised by their raw values.

    ``offers`` are (field index in ``FIELDS``, (value, group)) of every field but the birth
    date; ``birth`` is (day, ISO text) of a day after 1899, offered if the record was not
    observed before it; ``country`` is the address country as text ("" for none), where
    the record's phone numbers are read.
    """

    offers: tuple[tuple[int, tuple[Value, str]], ...]
    birth: tuple[date, str] | None
    country: str


@dataclass(slots=True)
class Written:
    """One record as read for this call: its ``Reading`` and its identifiers as written.

    ``emails`` and ``phones`` keep the text items of those lists; ``handles`` holds the
    (platform, handle) pairs of the listed handles and a profile's own, not yet checked.
    """

    reading: Reading
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    handles: tuple[tuple[Any, Any], ...]


def read_records(seen: list[Seen], channels: tuple[str, ...]) -> list[Written]:
    """Read every record once.

    A malformed record (an address that is not an object, a list that is not a list...)
    fails here; the records are then read again field by field, in the order the fields
    are chosen, so that the error reported is the one that order meets first, as ever.
    """
    try:
        return [_read_record(s.record) for s in seen]
    except Exception as exc:  # re-raised below unless field order meets another first
        error = exc
    fail_in_field_order(seen, channels)
    raise error


def _read_record(record: Mapping[str, Any]) -> Written:
    get = record.get
    # A missing address or company reads as one with every part missing: the same offer.
    address = (get("address") or _NOTHING).get
    company = (get("company") or _NOTHING).get
    raw = (
        get("given_name"), get("family_name"), get("full_name"), get("birth_date"),
        address("street_number"), address("street"), address("locality"),
        address("postcode"), address("region"), address("country"),
        company("name"), company("domain"), get("title"), get("bio"),
    )  # fmt: skip
    try:
        reading = _reading(raw)
    except TypeError:  # a value that cannot be a key (a list where text belongs)
        reading = _reading.__wrapped__(raw)
    return Written(reading, _texts(get("emails")), _texts(get("phones")), _raw_handles(record))


def _texts(items: Any) -> tuple[str, ...]:
    return tuple([item for item in items if isinstance(item, str)]) if items else ()


def _raw_handles(record: Mapping[str, Any]) -> tuple[tuple[Any, Any], ...]:
    handles = record.get("handles")
    raw = [(h.get("platform"), h.get("handle", "")) for h in handles] if handles else []
    if record.get("kind") == "social_profile" and record.get("handle"):
        raw.append((record.get("platform"), record["handle"]))
    return tuple(raw)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _reading(raw: tuple[Any, ...]) -> Reading:
    given_raw, family_raw, full_raw, birth_raw, *address, name, domain, title, bio = raw
    given, family, full = text(given_raw), text(family_raw), text(full_raw)
    if full and not (given and family):
        split_given, split_family = _split_full_name(full)
        given, family = given or split_given, family or split_family
    offered = (
        _named(given), _named(family), _named(full), None, _address(address),
        _company(name, domain), _free_text(title), _free_text(bio),
    )  # fmt: skip
    offers = tuple((i, pair) for i, pair in enumerate(offered) if pair is not None)
    return Reading(offers, _birth_day(birth_raw), text(address[-1]))


# Scalar fields in the order they are chosen (``Reading.offers`` indices).
FIELDS = ("given_name", "family_name", "full_name", "birth_date", "address", "company",
          "title", "bio")  # fmt: skip
_BIRTH_DATE = FIELDS.index("birth_date")


def _named(name: str) -> tuple[str, str] | None:
    group = name_key(name)
    return (name, group) if group else None


def _birth_day(raw: object) -> tuple[date, str] | None:
    """(day, ISO text) of a date after 1899, or None."""
    try:
        day = date.fromisoformat(text(raw))
    except ValueError:
        return None
    return (day, day.isoformat()) if day.year >= 1900 else None


def _address(raw: list[Any]) -> tuple[Mapping[str, str], str] | None:
    """The whole address (read-only) and its group, or None when every part is empty."""
    written = [text(part) for part in raw]
    parts = {name: part for name, part in zip(_ADDRESS_PARTS, written, strict=True) if part}
    if not parts:
        return None
    return MappingProxyType(parts), "|".join(name_key(part) for part in written)


def _company(name_raw: object, domain_raw: object) -> tuple[Mapping[str, str], str] | None:
    """The company (read-only), counted by folded name, else by domain."""
    name, domain = text(name_raw), text(domain_raw)
    parts = {part: value for part, value in (("name", name), ("domain", domain)) if value}
    group = _company_group(name, domain) if parts else None
    return (MappingProxyType(parts), group) if group else None


# Memos of the slow steps behind a record memo miss: the same names and companies recur
# across records, and IDNA-encoding a domain takes microseconds.
_split_full_name = functools.lru_cache(maxsize=_CACHE_SIZE)(split_full_name)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _company_group(name: str, domain: str) -> str | None:
    return company_key(name) or normalize_domain(domain)


def _free_text(raw: object) -> tuple[str, str] | None:
    """Free text, counted folded like names (as written when folding leaves nothing)."""
    written = text(raw)
    return (written, name_key(written) or written) if written else None


def field_candidates(seen: list[Seen], written: list[Written]) -> list[list[Candidate]]:
    """Each field of ``FIELDS``'s candidates, records in order."""
    found: list[list[Candidate]] = [[] for _ in FIELDS]
    births = found[_BIRTH_DATE]
    for s, w in zip(seen, written, strict=True):
        timing = (s, s.observed_at, s.by_rank, s.by_recency)
        for i, pair in w.reading.offers:
            found[i].append(pair + timing)
        birth = w.reading.birth
        # A birth date after the record was observed is a typing error.
        if birth and birth[0] <= s.time.date():
            births.append((birth[1], birth[1], *timing))
    return found


def consent_candidates(seen: list[Seen], channels: tuple[str, ...]) -> list[list[Candidate]]:
    """Each channel's statements, timed by consent.updated_at if given (channel by channel,
    so a bad time fails on the same record as ever)."""
    stated = [(s, consent) for s in seen if (consent := s.record.get("consent"))]
    return [_channel_candidates(stated, channel) for channel in channels]


def _channel_candidates(stated: list[tuple[Seen, Any]], channel: str) -> list[Candidate]:
    found: list[Candidate] = []
    for s, consent in stated:
        flag = consent.get(channel)
        if not isinstance(flag, bool):
            continue
        stamp = consent.get("updated_at") or s.observed_at
        if stamp.__class__ is str and stamp == s.observed_at:
            found.append((flag, _FLAG_GROUPS[flag], s, stamp, s.by_rank, s.by_recency))
            continue
        recency = parse_time(stamp, s.key, "consent.updated_at")[1]
        by_rank, by_recency = (s.rank, recency, s.key), (recency, s.rank, s.key)
        found.append((flag, _FLAG_GROUPS[flag], s, stamp, by_rank, by_recency))
    return found


# --------------------------------------------------------------------------- identifiers


def record_emails(w: Written) -> tuple[EmailResult, ...]:
    """Valid addresses of a record, one per mailbox, in the record's order."""
    return _valid_emails(w.emails) if w.emails else ()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _valid_emails(written: tuple[str, ...]) -> tuple[EmailResult, ...]:
    # A repeated mailbox keeps its first spelling at the place of its last mention.
    results = [normalize_email(raw) for raw in written]
    unique = {r.canonical: r for r in reversed(results) if r.canonical}
    return tuple(reversed(unique.values()))


def record_phones(w: Written, fallback_region: str | None) -> tuple[PhoneResult, ...]:
    """Valid numbers of a record, read in its address country (else the golden one)."""
    region = w.reading.country or fallback_region
    return _valid_phones(w.phones, region) if w.phones else ()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _valid_phones(written: tuple[str, ...], region: str | None) -> tuple[PhoneResult, ...]:
    results = [normalize_phone(raw, region) for raw in written]
    unique = {r.canonical: r for r in reversed(results) if r.canonical}
    return tuple(reversed(unique.values()))


def record_handles(w: Written) -> tuple[tuple[str, str], ...]:
    """Distinct ("platform:handle" key, canonical handle) of a record's valid handles."""
    if not w.handles:
        return ()
    try:
        return _valid_handles(w.handles)
    except TypeError:
        # Unhashable or not text: checked one by one, to fail on the same handle as ever.
        return _valid_handles.__wrapped__(w.handles)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _valid_handles(written: tuple[tuple[Any, Any], ...]) -> tuple[tuple[str, str], ...]:
    results = (normalize_handle(platform, handle) for platform, handle in written)
    valid = ((f"{r.platform}:{r.canonical}", r.canonical) for r in results
             if r.platform and r.canonical)  # fmt: skip
    return tuple(dict.fromkeys(valid))


def fail_in_field_order(seen: list[Seen], channels: tuple[str, ...]) -> None:
    """Repeat the reads that can fail on a malformed record, field by field in the order
    the fields are chosen: addresses, companies, consent, emails, phones, handles."""
    for s in seen:
        address = s.record.get("address") or {}
        for part in _ADDRESS_PARTS:
            address.get(part)
    for s in seen:
        company = s.record.get("company") or {}
        company.get("name"), company.get("domain")
    consent_candidates(seen, channels)
    for field in ("emails", "phones"):
        for s in seen:
            _texts(s.record.get(field))
    for s in seen:
        _valid_handles.__wrapped__(_raw_handles(s.record))


def carried(offers: list[tuple[str, str, Seen]]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Group (key, written form, record) offers into (key, form, carrying records).

    The form is the most often written one; ties go to the form of the best record (source
    priority, then most recent, then record key), as in the field rules. Most widely
    carried keys come first, then by key, so the list is stable. Each record offers a key
    at most once (the readers drop repeats) and records come sorted by key, so a key's
    records need no sorting.
    """
    if len(offers) <= 1:
        return [(key, form, (s.key,)) for key, form, s in offers]
    writers: dict[str, list[Seen]] = {}
    forms: dict[str, str] = {}
    mixed: set[str] = set()
    for key, form, s in offers:
        held = writers.get(key)
        if held is None:
            writers[key], forms[key] = [s], form
            continue
        held.append(s)
        if form != forms[key]:
            mixed.add(key)
    for key in mixed:
        forms[key] = _common_form([(form, s) for k, form, s in offers if k == key])
    carried = [(key, forms[key], tuple([s.key for s in held])) for key, held in writers.items()]
    if len(carried) > 1:
        carried.sort(key=lambda item: (-len(item[2]), item[0]))
    return carried


def _common_form(written: list[tuple[str, Seen]]) -> str:
    """The most often written form; on a tie, that of the best record (its by_rank)."""
    forms: dict[str, list[Seen]] = {}
    for form, s in written:
        forms.setdefault(form, []).append(s)
    best = min(forms.items(), key=lambda item: (-len(item[1]), min(s.by_rank for s in item[1])))
    return best[0]


def primary_email_candidates(
    seen: list[Seen], emails: list[tuple[EmailResult, ...]], usable: Mapping[str, str]
) -> list[Candidate]:
    """Addresses whose key is ``usable`` (not a role address), as its chosen form."""
    found: list[Candidate] = []
    for s, results in zip(seen, emails, strict=True):
        for i, r in enumerate(results):
            form = usable.get(r.canonical or "")
            if form is not None:
                found.append(listed_offer(form, r.canonical or "", s, i))
    return found


def primary_phone_candidates(
    seen: list[Seen], phones: list[tuple[PhoneResult, ...]]
) -> list[Candidate]:
    """Numbers of the best type present: mobile, then fixed_line_or_mobile, then any."""
    found: list[Candidate] = []
    best = len(_PHONE_TIERS)
    for s, results in zip(seen, phones, strict=True):
        for i, r in enumerate(results):
            tier = _phone_tier(r)
            if tier < best:
                best, found = tier, []
            if tier == best:
                found.append(listed_offer(r.canonical or "", r.canonical or "", s, i))
    return found


def _phone_tier(result: PhoneResult) -> int:
    return _PHONE_TIERS.get(result.number_type or "", len(_PHONE_TIERS))
