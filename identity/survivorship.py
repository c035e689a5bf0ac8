"""Survivorship: build a person's golden record from the source records that resolved to them.

Every golden field is chosen by one documented rule and keeps its provenance: the rule and
tie-breaks that decided, the record the value came from, when that record (or, for consent,
the statement) was observed, and how many candidate values competed.

=================  ==========================  ==============================================
Field              Default rule                Candidates
=================  ==========================  ==============================================
given_name,        most_frequent               each record's name parts; a record with only
family_name                                    ``full_name`` is split with ``split_full_name``
full_name          most_frequent               records' own ``full_name``; if none has one,
                                               ``"given family"`` of the chosen parts
                                               (rule ``derived``, ``candidates`` 0)
birth_date         most_frequent               real dates after 1899, not after observed_at
address            most_recent                 the whole address object of one record
company, title     most_recent                 job changes: the latest employer wins
bio                most_recent                 free text, compared folded like names
primary_email      most_frequent               valid addresses that are not role addresses
primary_phone      most_frequent               valid numbers of the best type present:
                                               mobile, then fixed_line_or_mobile, then any
consent.email,     most_recent                 per channel; time is ``consent.updated_at``,
consent.phone,                                 else the record's ``observed_at``
consent.profiling
=================  ==========================  ==============================================

Rules: ``most_frequent`` counts records per value (compared by a folded key, so ``ROBERT``
and ``Robert`` count together); ``most_recent`` takes the latest time; ``source_priority``
takes the best-ranked source (``DEFAULT_SOURCE_PRIORITY``; unlisted sources rank last, equal).
Ties fall to the other rules, then ``list_order`` (position in the record's list, emails and
phones only), then ``record_key``; so the result never depends on input order.
``Survivor.rule`` names the criteria up to the one that separated the winner from the best
other value, e.g. ``"most_frequent>source_priority"``; a lone value gives the bare rule.

``emails``, ``phones`` and ``handles`` list every distinct valid value with the records that
carried it, most widely carried first. National phone numbers are read in the record's
address country, else in the golden address's country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, get_args

from identity.company import company_key, normalize_domain
from identity.email import EmailResult, normalize_email
from identity.errors import SurvivorshipError
from identity.handles import normalize_handle
from identity.names import name_key, split_full_name
from identity.phone import PhoneResult, normalize_phone

__all__ = [
    "CONFIGURABLE_FIELDS",
    "CONSENT_CHANNELS",
    "DEFAULT_FIELD_RULES",
    "DEFAULT_SOURCE_PRIORITY",
    "CarriedValue",
    "GoldenRecord",
    "Rule",
    "Survivor",
    "SurvivorInput",
    "SurvivorshipRules",
    "build_golden_record",
    "golden_to_dict",
]

Rule = Literal["source_priority", "most_recent", "most_frequent"]
# A golden value: text, a consent flag, or a whole address/company object.
Value = str | bool | Mapping[str, str]

# Fields whose rule can be configured; "consent" sets all three consent channels.
CONFIGURABLE_FIELDS = (
    "given_name", "family_name", "full_name", "birth_date", "address", "company", "title",
    "bio", "primary_email", "primary_phone", "consent",
)  # fmt: skip
# Defaults of the module table: identity facts by consensus, changing facts by recency.
DEFAULT_FIELD_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "given_name": "most_frequent", "family_name": "most_frequent",
        "full_name": "most_frequent", "birth_date": "most_frequent", "address": "most_recent",
        "company": "most_recent", "title": "most_recent", "bio": "most_recent",
        "primary_email": "most_frequent", "primary_phone": "most_frequent",
        "consent": "most_recent",
    }
)  # fmt: skip
# Systems of record first (HR, CRM), then transactional, then self-declared social data.
DEFAULT_SOURCE_PRIORITY = ("hr", "crm", "shop", "support", "linkedin", "x", "instagram")
# Consent channels of the contract's Consent object.
CONSENT_CHANNELS = ("email", "phone", "profiling")
# Tie-breaks after each rule; record_key is last and unique, so every order is total.
_TIE_BREAKS: dict[str, tuple[str, ...]] = {
    "most_frequent": ("source_priority", "most_recent", "list_order", "record_key"),
    "most_recent": ("source_priority", "list_order", "record_key"),
    "source_priority": ("most_recent", "list_order", "record_key"),
}
# Phone types by preference for primary_phone: a mobile reaches the person, a desk may not.
_PHONE_TIERS = {"mobile": 0, "fixed_line_or_mobile": 1}
_ADDRESS_PARTS = ("street_number", "street", "locality", "postcode", "region", "country")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SurvivorInput:
    """One source record of the person: its key ("source|source_id"), source, time, payload."""

    key: str
    source: str
    observed_at: str
    record: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SurvivorshipRules:
    """Which rule picks each field, and how sources rank (first is best).

    ``field_rules`` holds overrides only; fields left out keep ``DEFAULT_FIELD_RULES``.

    Example:
        >>> SurvivorshipRules(field_rules={"title": "source_priority"}).rule_for("title")
        'source_priority'
        >>> SurvivorshipRules().rule_for("address")
        'most_recent'
    """

    source_priority: tuple[str, ...] = DEFAULT_SOURCE_PRIORITY
    field_rules: Mapping[str, Rule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.field_rules) - set(CONFIGURABLE_FIELDS))
        if unknown:
            raise SurvivorshipError(f"no survivorship rule can be set for {unknown}")
        bad = {name: rule for name, rule in self.field_rules.items() if rule not in get_args(Rule)}
        if bad:
            raise SurvivorshipError(f"unknown rules {bad}; use one of {get_args(Rule)}")
        if len(set(self.source_priority)) != len(self.source_priority):
            raise SurvivorshipError("source_priority names a source twice")
        # Copies, so a caller mutating its dict or list cannot change frozen rules.
        object.__setattr__(self, "source_priority", tuple(self.source_priority))
        object.__setattr__(self, "field_rules", MappingProxyType(dict(self.field_rules)))

    def rule_for(self, name: str) -> Rule:
        """The rule of a configurable field."""
        return self.field_rules.get(name, DEFAULT_FIELD_RULES[name])

    def source_rank(self, source: str) -> int:
        """0 for the best source; every unlisted source shares the last rank."""
        try:
            return self.source_priority.index(source)
        except ValueError:
            return len(self.source_priority)


@dataclass(frozen=True, slots=True)
class Survivor:
    """A chosen golden value and its provenance.

    ``observed_at`` is the winning record's ``observed_at`` as written (for consent, the
    statement's ``updated_at`` when given); ``candidates`` counts the eligible values that
    competed, one per record and value.
    """

    value: Value
    rule: str
    source_record: str
    observed_at: str
    candidates: int


@dataclass(frozen=True, slots=True)
class CarriedValue:
    """One distinct identifier of the person and the records that carried it.

    ``key`` is the match key (canonical email, E.164 number, ``platform:handle``); ``value``
    the form to use (the most often written deliverable address, E.164, canonical handle).
    """

    value: str
    key: str
    records: tuple[str, ...]
    platform: str | None = None
    number_type: str | None = None
    is_role: bool = False


@dataclass(frozen=True)
class GoldenRecord(Mapping[str, Survivor]):
    """Golden fields by name (only fields some record offered), plus identifier lists."""

    survivors: Mapping[str, Survivor]
    emails: tuple[CarriedValue, ...] = ()
    phones: tuple[CarriedValue, ...] = ()
    handles: tuple[CarriedValue, ...] = ()
    records: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Survivor:
        return self.survivors[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.survivors)

    def __len__(self) -> int:
        return len(self.survivors)


@dataclass(frozen=True, slots=True)
class _Seen:
    """An input record with its parsed time and source rank."""

    key: str
    observed_at: str
    time: datetime
    rank: int
    record: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One record's offer for a field; ``group`` is the folded key values are counted by."""

    value: Value
    group: str
    seen: _Seen
    stamp: str
    time: datetime
    position: int = 0


def _parse_time(text: object, where: str) -> datetime:
    """Parse RFC 3339 text to UTC; anything else means the record skipped validation."""
    if isinstance(text, str):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    raise SurvivorshipError(f"{where} is {text!r}, not an RFC 3339 date-time with an offset")


def _prepare(records: Iterable[SurvivorInput], rules: SurvivorshipRules) -> list[_Seen]:
    """Parse times and rank sources; refuse empty input and repeated keys."""
    seen = [
        _Seen(r.key, r.observed_at, _parse_time(r.observed_at, f"{r.key}: observed_at"),
              rules.source_rank(r.source), r.record)
        for r in records
    ]  # fmt: skip
    if not seen:
        raise SurvivorshipError("a golden record needs at least one source record")
    keys = Counter(s.key for s in seen)
    repeated = sorted(key for key, count in keys.items() if count > 1)
    if repeated:
        raise SurvivorshipError(f"record keys given more than once: {repeated}")
    return sorted(seen, key=lambda s: s.key)


def _offer(value: Value, group: str, seen: _Seen, position: int = 0) -> _Candidate:
    return _Candidate(value, group, seen, seen.observed_at, seen.time, position)


# --------------------------------------------------------------------------- ranking


def _criterion(name: str, candidate: _Candidate) -> int | str:
    """One criterion's sort value for a candidate; smaller is better."""
    if name == "source_priority":
        return candidate.seen.rank
    if name == "most_recent":
        return -((candidate.time - _EPOCH) // timedelta(microseconds=1))
    if name == "list_order":
        return candidate.position
    return candidate.seen.key


def _rank_group(
    members: list[_Candidate], names: tuple[str, ...]
) -> tuple[tuple[int | str, ...], _Candidate]:
    """A value's sort tuple and its representative: the member the other criteria prefer."""
    per_member = tuple(name for name in names if name != "most_frequent")
    best = min(members, key=lambda c: tuple(_criterion(name, c) for name in per_member))
    ranks = tuple(
        -len(members) if name == "most_frequent" else _criterion(name, best) for name in names
    )
    return ranks, best


def _choose(candidates: list[_Candidate], rule: Rule, *, listed: bool = False) -> Survivor | None:
    """Pick the best value under ``rule`` and name the criteria that decided.

    ``listed`` fields come from lists (emails, phones), where a record's order is a hint.
    """
    if not candidates:
        return None
    names = tuple(n for n in (rule, *_TIE_BREAKS[rule]) if listed or n != "list_order")
    groups: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.group, []).append(candidate)
    ranked = sorted((_rank_group(members, names) for members in groups.values()),
                    key=lambda pair: pair[0])  # fmt: skip
    winner_ranks, winner = ranked[0]
    used: str = rule
    if len(ranked) > 1:
        # record_key differs between representatives, so some criterion always separates.
        pairs = zip(winner_ranks, ranked[1][0], strict=True)
        split = next(i for i, (a, b) in enumerate(pairs) if a != b)
        used = ">".join(names[: split + 1])
    return Survivor(winner.value, used, winner.seen.key, winner.stamp, len(candidates))


# --------------------------------------------------------------------------- candidates


def _text(value: object) -> str:
    """Text with spacing collapsed, or "" for anything that is not text."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _record_names(record: Mapping[str, Any]) -> tuple[str, str]:
    """(given, family) as written; missing parts are filled from a split full_name."""
    given, family = _text(record.get("given_name")), _text(record.get("family_name"))
    full = _text(record.get("full_name"))
    if full and not (given and family):
        split_given, split_family = split_full_name(full)
        given, family = given or split_given, family or split_family
    return given, family


def _name_candidates(seen: list[_Seen], part: int) -> list[_Candidate]:
    offers = ((_record_names(s.record)[part], s) for s in seen)
    return [_offer(name, name_key(name), s) for name, s in offers if name_key(name)]


def _full_name_candidates(seen: list[_Seen]) -> list[_Candidate]:
    offers = ((_text(s.record.get("full_name")), s) for s in seen)
    return [_offer(name, name_key(name), s) for name, s in offers if name_key(name)]


def _birth_date_candidates(seen: list[_Seen]) -> list[_Candidate]:
    """Real calendar days after 1899 and not after the record was observed."""
    found = []
    for s in seen:
        try:
            day = date.fromisoformat(_text(s.record.get("birth_date")))
        except ValueError:
            continue
        if day.year >= 1900 and day <= s.time.date():
            found.append(_offer(day.isoformat(), day.isoformat(), s))
    return found


def _address_candidates(seen: list[_Seen]) -> list[_Candidate]:
    """Whole address objects, so street, city and country always come from one record."""
    found = []
    for s in seen:
        raw = s.record.get("address") or {}
        parts = {name: _text(raw.get(name)) for name in _ADDRESS_PARTS if _text(raw.get(name))}
        if parts:
            group = "|".join(name_key(parts.get(name, "")) for name in _ADDRESS_PARTS)
            found.append(_offer(MappingProxyType(parts), group, s))
    return found


def _company_candidates(seen: list[_Seen]) -> list[_Candidate]:
    found = []
    for s in seen:
        raw = s.record.get("company") or {}
        parts = {name: _text(raw.get(name)) for name in ("name", "domain") if _text(raw.get(name))}
        group = company_key(parts.get("name", "")) or normalize_domain(parts.get("domain", ""))
        if parts and group:
            found.append(_offer(MappingProxyType(parts), group, s))
    return found


def _text_candidates(seen: list[_Seen], name: str) -> list[_Candidate]:
    offers = ((_text(s.record.get(name)), s) for s in seen)
    return [_offer(text, name_key(text) or text, s) for text, s in offers if text]


def _consent_candidates(seen: list[_Seen], channel: str) -> list[_Candidate]:
    """Each record's statement for one channel, timed by consent.updated_at if given."""
    found = []
    for s in seen:
        consent = s.record.get("consent") or {}
        flag = consent.get(channel)
        if not isinstance(flag, bool):
            continue
        stamp = consent.get("updated_at") or s.observed_at
        time = _parse_time(stamp, f"{s.key}: consent.updated_at")
        found.append(_Candidate(flag, str(flag).lower(), s, stamp, time))
    return found


# --------------------------------------------------------------------------- identifiers


def _carried(offers: list[tuple[str, str, _Seen]]) -> dict[str, tuple[str, list[str]]]:
    """Group (key, written form, record) offers into each key's form and carrying records.

    The form is the most often written one; ties go to the form of the best record (source
    priority, then most recent, then record key), as in the field rules.
    """
    writers: dict[str, dict[str, list[_Seen]]] = {}
    for key, form, s in offers:
        writers.setdefault(key, {}).setdefault(form, []).append(s)
    chosen: dict[str, tuple[str, list[str]]] = {}
    for key, forms in writers.items():
        form = min(forms, key=lambda f: (-len(forms[f]), min(map(_record_order, forms[f]))))
        chosen[key] = (form, sorted({s.key for seen in forms.values() for s in seen}))
    return chosen


def _record_order(s: _Seen) -> tuple[int, timedelta, str]:
    """Best record first: source priority, then most recent, then key."""
    return s.rank, _EPOCH - s.time, s.key


def _ordered(values: Iterable[CarriedValue]) -> tuple[CarriedValue, ...]:
    """Most widely carried first, then by key, so the list is stable."""
    return tuple(sorted(values, key=lambda v: (-len(v.records), v.key)))


def _record_emails(s: _Seen) -> list[EmailResult]:
    """Valid addresses of a record, one per mailbox, in the record's order."""
    emails = [raw for raw in s.record.get("emails") or [] if isinstance(raw, str)]
    results = (normalize_email(raw) for raw in emails)
    unique = {r.canonical: r for r in reversed(list(results)) if r.canonical}
    return list(reversed(unique.values()))


def _record_phones(s: _Seen, fallback_region: str | None) -> list[PhoneResult]:
    """Valid numbers of a record, read in its address country (else the golden one)."""
    region = _text((s.record.get("address") or {}).get("country")) or fallback_region
    phones = [raw for raw in s.record.get("phones") or [] if isinstance(raw, str)]
    results = (normalize_phone(raw, region) for raw in phones)
    unique = {r.canonical: r for r in reversed(list(results)) if r.canonical}
    return list(reversed(unique.values()))


def _record_handles(s: _Seen) -> list[tuple[str, str]]:
    """(platform, canonical handle) of listed handles and a social profile's own handle."""
    raw = [(h.get("platform"), h.get("handle", "")) for h in s.record.get("handles") or []]
    if s.record.get("kind") == "social_profile" and s.record.get("handle"):
        raw.append((s.record.get("platform"), s.record["handle"]))
    results = (normalize_handle(platform, handle) for platform, handle in raw)
    return [(r.platform, r.canonical) for r in results if r.platform and r.canonical]


def _email_values(seen: list[_Seen]) -> tuple[CarriedValue, ...]:
    found = [(r, s) for s in seen for r in _record_emails(s)]
    grouped = _carried([(r.canonical or "", r.address or "", s) for r, s in found])
    role = {r.canonical for r, _ in found if r.is_role}
    return _ordered(
        CarriedValue(form, key, tuple(keys), is_role=key in role)
        for key, (form, keys) in grouped.items()
    )


def _phone_values(seen: list[_Seen], region: str | None) -> tuple[CarriedValue, ...]:
    found = [(r, s) for s in seen for r in _record_phones(s, region)]
    grouped = _carried([(r.canonical or "", r.canonical or "", s) for r, s in found])
    types = {r.canonical: r.number_type for r, _ in found}
    return _ordered(
        CarriedValue(form, key, tuple(keys), number_type=types[key])
        for key, (form, keys) in grouped.items()
    )


def _handle_values(seen: list[_Seen]) -> tuple[CarriedValue, ...]:
    offers = [(f"{p}:{h}", h, s) for s in seen for p, h in dict.fromkeys(_record_handles(s))]
    return _ordered(
        CarriedValue(form, key, tuple(keys), platform=key.split(":", 1)[0])
        for key, (form, keys) in _carried(offers).items()
    )


def _primary_email_candidates(
    seen: list[_Seen], emails: tuple[CarriedValue, ...]
) -> list[_Candidate]:
    """Non-role addresses: a team mailbox is never the person's primary address."""
    usable = {v.key: v.value for v in emails if not v.is_role}
    return [
        _offer(usable[r.canonical], r.canonical, s, i)
        for s in seen
        for i, r in enumerate(_record_emails(s))
        if r.canonical in usable
    ]


def _primary_phone_candidates(seen: list[_Seen], region: str | None) -> list[_Candidate]:
    """Numbers of the best type present: mobile, then fixed_line_or_mobile, then any."""
    found = [
        (_phone_tier(r), _offer(r.canonical, r.canonical, s, i))
        for s in seen
        for i, r in enumerate(_record_phones(s, region))
        if r.canonical
    ]
    best = min((tier for tier, _ in found), default=0)
    return [candidate for tier, candidate in found if tier == best]


def _phone_tier(result: PhoneResult) -> int:
    return _PHONE_TIERS.get(result.number_type or "", len(_PHONE_TIERS))


# --------------------------------------------------------------------------- assembly


def _derive_full_name(survivors: Mapping[str, Survivor]) -> Survivor | None:
    """Join the chosen given and family names, credited to the given name's record."""
    given, family = survivors.get("given_name"), survivors.get("family_name")
    source = given or family
    if source is None:
        return None
    text = " ".join(str(part.value) for part in (given, family) if part is not None)
    return Survivor(text, "derived", source.source_record, source.observed_at, 0)


def _choose_fields(seen: list[_Seen], rules: SurvivorshipRules) -> dict[str, Survivor | None]:
    """Every scalar field except full-name derivation and the primaries."""
    chosen: dict[str, Survivor | None] = {
        "given_name": _choose(_name_candidates(seen, 0), rules.rule_for("given_name")),
        "family_name": _choose(_name_candidates(seen, 1), rules.rule_for("family_name")),
        "full_name": _choose(_full_name_candidates(seen), rules.rule_for("full_name")),
        "birth_date": _choose(_birth_date_candidates(seen), rules.rule_for("birth_date")),
        "address": _choose(_address_candidates(seen), rules.rule_for("address")),
        "company": _choose(_company_candidates(seen), rules.rule_for("company")),
        "title": _choose(_text_candidates(seen, "title"), rules.rule_for("title")),
        "bio": _choose(_text_candidates(seen, "bio"), rules.rule_for("bio")),
    }
    for channel in CONSENT_CHANNELS:
        chosen[f"consent.{channel}"] = _choose(
            _consent_candidates(seen, channel), rules.rule_for("consent")
        )
    return chosen


def build_golden_record(
    records: Iterable[SurvivorInput], rules: SurvivorshipRules | None = None
) -> GoldenRecord:
    """Choose every golden field of one person by ``rules`` (defaults: the module table).

    Fields no record offers are absent. Raises ``SurvivorshipError`` for no records, a
    repeated record key or a time that is not RFC 3339 with an offset: a person always has
    at least one record, so empty input is a caller's bug, not an empty person.

    Example:
        >>> crm = {"given_name": "Robert", "emails": ["info@acme.com", "rob@acme.com"]}
        >>> golden = build_golden_record([
        ...     SurvivorInput("crm|1", "crm", "2024-01-05T09:00:00Z", crm),
        ...     SurvivorInput("x|rob", "x", "2025-03-01T10:00:00Z", {"full_name": "Bob Miller"}),
        ... ])
        >>> golden["given_name"].value, golden["given_name"].rule
        ('Robert', 'most_frequent>source_priority')
        >>> golden["primary_email"].value, [e.value for e in golden.emails]
        ('rob@acme.com', ['info@acme.com', 'rob@acme.com'])
    """
    rules = rules or SurvivorshipRules()
    seen = _prepare(records, rules)
    chosen = _choose_fields(seen, rules)
    chosen["full_name"] = chosen["full_name"] or _derive_full_name(
        {name: s for name, s in chosen.items() if s is not None}
    )
    region = _golden_country(chosen["address"])
    emails = _email_values(seen)
    chosen["primary_email"] = _choose(
        _primary_email_candidates(seen, emails), rules.rule_for("primary_email"), listed=True
    )
    chosen["primary_phone"] = _choose(
        _primary_phone_candidates(seen, region), rules.rule_for("primary_phone"), listed=True
    )
    survivors = {name: s for name, s in chosen.items() if s is not None}
    return GoldenRecord(
        survivors=MappingProxyType(survivors),
        emails=emails,
        phones=_phone_values(seen, region),
        handles=_handle_values(seen),
        records=tuple(s.key for s in seen),
    )


def _golden_country(address: Survivor | None) -> str | None:
    if address is None or not isinstance(address.value, Mapping):
        return None
    return address.value.get("country")


def _plain(value: Value) -> str | bool | dict[str, str]:
    return dict(value) if isinstance(value, Mapping) else value


def golden_to_dict(golden: GoldenRecord) -> dict[str, Any]:
    """A JSON-ready dict: each field's value with its provenance, then identifier lists.

    Example:
        >>> golden = build_golden_record(
        ...     [SurvivorInput("hr|7", "hr", "2025-01-01T00:00:00Z", {"title": "CFO"})])
        >>> golden_to_dict(golden)["title"]["provenance"]["rule"]
        'most_recent'
    """
    out: dict[str, Any] = {
        name: {
            "value": _plain(s.value),
            "provenance": {
                "rule": s.rule,
                "source_record": s.source_record,
                "observed_at": s.observed_at,
                "candidates": s.candidates,
            },
        }
        for name, s in golden.items()
    }
    out["emails"] = [
        {"value": v.value, "key": v.key, "is_role": v.is_role, "records": list(v.records)}
        for v in golden.emails
    ]
    out["phones"] = [
        {"value": v.value, "number_type": v.number_type, "records": list(v.records)}
        for v in golden.phones
    ]
    out["handles"] = [
        {"platform": v.platform, "handle": v.value, "records": list(v.records)}
        for v in golden.handles
    ]
    out["records"] = list(golden.records)
    return out
