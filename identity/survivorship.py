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

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from identity import _survivorship_candidates as read
from identity._survivorship_candidates import Candidate, Ranks, Seen, Value, Written
from identity.email import EmailResult
from identity.errors import SurvivorshipError
from identity.phone import PhoneResult

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
# Survivor names of the consent channels.
_CONSENT_FIELDS = tuple(f"consent.{channel}" for channel in CONSENT_CHANNELS)
# Whether golden_to_dict copies a value of these types to a dict (any other Mapping too):
# spares an ABC check per field.
_COPIED = {str: False, bool: False, MappingProxyType: True}
# Tie-breaks after each rule; record_key is last and unique, so every order is total.
_TIE_BREAKS: dict[str, tuple[str, ...]] = {
    "most_frequent": ("source_priority", "most_recent", "list_order", "record_key"),
    "most_recent": ("source_priority", "list_order", "record_key"),
    "source_priority": ("most_recent", "list_order", "record_key"),
}


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
        # A membership test first: raising ValueError for every unlisted source is slow.
        if source in self.source_priority:
            return self.source_priority.index(source)
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


# Built once: checking and copying the defaults on every call cost as much as a field.
_DEFAULT_RULES = SurvivorshipRules()

# Survivor, CarriedValue and GoldenRecord are frozen dataclasses, whose __init__ sets every
# field through object.__setattr__; at some twenty of them a golden record that was a tenth
# of the work. They are built here by filling their slots (GoldenRecord: its __dict__)
# directly: the same objects at half the cost. A unit test checks both ways give equal ones.
_new = object.__new__
_set_value, _set_rule, _set_record, _set_observed_at, _set_candidates = (
    Survivor.__dict__[name].__set__
    for name in ("value", "rule", "source_record", "observed_at", "candidates")
)
_set_cv_value, _set_cv_key, _set_cv_records, _set_cv_platform, _set_cv_type, _set_cv_role = (
    CarriedValue.__dict__[name].__set__
    for name in ("value", "key", "records", "platform", "number_type", "is_role")
)


def _survivor(value: Value, rule: str, record: str, observed_at: str, candidates: int) -> Survivor:
    """``Survivor(value, rule, record, observed_at, candidates)``."""
    survivor = _new(Survivor)
    _set_value(survivor, value)
    _set_rule(survivor, rule)
    _set_record(survivor, record)
    _set_observed_at(survivor, observed_at)
    _set_candidates(survivor, candidates)
    return survivor


def _carried_value(
    value: str,
    key: str,
    records: tuple[str, ...],
    platform: str | None = None,
    number_type: str | None = None,
    is_role: bool = False,
) -> CarriedValue:
    """``CarriedValue(value, key, records, platform, number_type, is_role)``."""
    carried = _new(CarriedValue)
    _set_cv_value(carried, value)
    _set_cv_key(carried, key)
    _set_cv_records(carried, records)
    _set_cv_platform(carried, platform)
    _set_cv_type(carried, number_type)
    _set_cv_role(carried, is_role)
    return carried


def _golden_record(**fields: Any) -> GoldenRecord:
    """``GoldenRecord(**fields)``, every field given."""
    golden = _new(GoldenRecord)
    vars(golden).update(fields)
    return golden


# --------------------------------------------------------------------------- ranking


def _labels(rule: Rule, listed: bool) -> tuple[str, ...]:
    """``Survivor.rule`` when each criterion of ``rule`` in turn separated the winner."""
    names = tuple(n for n in (rule, *_TIE_BREAKS[rule]) if listed or n != "list_order")
    return tuple(">".join(names[: i + 1]) for i in range(len(names)))


# A candidate's sort values under a rule: by_recency for most_recent, else by_rank (see
# read.Candidate); indexed by ``rule == "most_recent"``.
_RANKS: tuple[Callable[[Candidate], Ranks], ...] = (itemgetter(4), itemgetter(5))
# Labels by (rule, listed), in the order of a candidate's sort values, after the count for
# most_frequent: source_priority and most_frequent sort by_rank, most_recent by_recency.
_LABELS = {(rule, listed): _labels(rule, listed)
           for rule in get_args(Rule) for listed in (False, True)}  # fmt: skip


def _choose(candidates: list[Candidate], rule: Rule, *, listed: bool = False) -> Survivor:
    """Pick the best value under ``rule`` and name the criteria that decided.

    ``listed`` fields come from lists (emails, phones), where a record's order is a hint.
    Each value is represented by the member the tie-breaks prefer; values then rank by
    count (most_frequent only) and that member's sort values. ``candidates`` is not empty.
    """
    ranks = _RANKS[rule == "most_recent"]
    best = candidates[0]
    group = best[1]
    # Most fields offer one value (often by several records): no ranking of values needed.
    for candidate in candidates:
        if candidate[1] != group:
            return _rank_values(candidates, rule, listed, ranks)
        if ranks(candidate) < ranks(best):
            best = candidate
    value, _, s, stamp, _, _ = best
    return _survivor(value, rule, s.key, stamp, len(candidates))


def _rank_values(
    candidates: list[Candidate], rule: Rule, listed: bool, ranks: Callable[[Candidate], Ranks]
) -> Survivor:
    """The winner among several values, and the criterion that put it ahead of the next."""
    if rule == "most_frequent":
        first, winner, second = _rank_by_count(candidates, ranks)
    else:
        # Without counts a value ranks as its best member: the best candidate wins, and
        # the next value is the one of the best candidate holding another value.
        winner = min(candidates, key=ranks)
        group = winner[1]
        first, second = ranks(winner), min(ranks(c) for c in candidates if c[1] != group)
    # record_key differs between representatives, so some criterion always separates.
    split = 0
    while first[split] == second[split]:
        split += 1
    value, _, s, stamp, _, _ = winner
    return _survivor(value, _LABELS[rule, listed][split], s.key, stamp, len(candidates))


def _rank_by_count(
    candidates: list[Candidate], ranks: Callable[[Candidate], Ranks]
) -> tuple[Ranks, Candidate, Ranks]:
    """(winner's ranks, winner, next value's ranks) when values rank by count first."""
    best: dict[str, Candidate] = {}
    counts: dict[str, int] = {}
    for candidate in candidates:
        group = candidate[1]
        held = best.get(group)
        if held is None:
            best[group], counts[group] = candidate, 1
            continue
        counts[group] += 1
        if ranks(candidate) < ranks(held):
            best[group] = candidate
    ranked = [((-counts[group], *ranks(c)), c) for group, c in best.items()]
    ranked.sort(key=itemgetter(0))
    return ranked[0][0], ranked[0][1], ranked[1][0]


# --------------------------------------------------------------------------- identifiers


def _email_values(
    seen: list[Seen], emails: list[tuple[EmailResult, ...]]
) -> tuple[CarriedValue, ...]:
    """Distinct addresses; a key is a role address if any record's spelling is one."""
    offers: list[tuple[str, str, Seen]] = []
    role: set[str] = set()
    for s, results in zip(seen, emails, strict=True):
        for r in results:
            offers.append((r.canonical or "", r.address or "", s))
            if r.is_role:
                role.add(r.canonical or "")
    return tuple(
        [
            _carried_value(form, key, records, is_role=key in role)
            for key, form, records in read.carried(offers)
        ]
    )


def _phone_values(
    seen: list[Seen], phones: list[tuple[PhoneResult, ...]]
) -> tuple[CarriedValue, ...]:
    """Distinct numbers with their type."""
    offers: list[tuple[str, str, Seen]] = []
    types: dict[str, str | None] = {}
    for s, results in zip(seen, phones, strict=True):
        for r in results:
            offers.append((r.canonical or "", r.canonical or "", s))
            # A number read twice keeps the type of its last reading (the same number).
            types[r.canonical or ""] = r.number_type
    return tuple(
        [
            _carried_value(form, key, records, number_type=types[key])
            for key, form, records in read.carried(offers)
        ]
    )


def _handle_values(
    seen: list[Seen], handles: list[tuple[tuple[str, str], ...]]
) -> tuple[CarriedValue, ...]:
    """Distinct handles, keyed "platform:handle"."""
    offers = [
        (key, handle, s) for s, pairs in zip(seen, handles, strict=True) for key, handle in pairs
    ]
    return tuple(
        [
            _carried_value(form, key, records, platform=key.split(":", 1)[0])
            for key, form, records in read.carried(offers)
        ]
    )


# --------------------------------------------------------------------------- assembly


def _derive_full_name(survivors: Mapping[str, Survivor]) -> Survivor | None:
    """Join the chosen given and family names, credited to the given name's record."""
    given, family = survivors.get("given_name"), survivors.get("family_name")
    source = given or family
    if source is None:
        return None
    text = " ".join(str(part.value) for part in (given, family) if part is not None)
    return _survivor(text, "derived", source.source_record, source.observed_at, 0)


def _choose_fields(
    seen: list[Seen], written: list[Written], rule: Mapping[str, Rule]
) -> dict[str, Survivor]:
    """Every scalar field (full_name derived if no record has one) and consent, in order."""
    survivors: dict[str, Survivor] = {}
    for name, found in zip(read.FIELDS, read.field_candidates(seen, written), strict=True):
        if found:
            survivors[name] = _choose(found, rule[name])
        elif name == "full_name" and (derived := _derive_full_name(survivors)) is not None:
            survivors[name] = derived
    statements = read.consent_candidates(seen, CONSENT_CHANNELS)
    for name, found in zip(_CONSENT_FIELDS, statements, strict=True):
        if found:
            survivors[name] = _choose(found, rule["consent"])
    return survivors


def _field_rules(rules: SurvivorshipRules) -> Mapping[str, Rule]:
    """The rule of every configurable field (the defaults' map needs no building)."""
    if rules is _DEFAULT_RULES:
        return DEFAULT_FIELD_RULES
    return {name: rules.rule_for(name) for name in CONFIGURABLE_FIELDS}


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
    rules = rules or _DEFAULT_RULES
    seen = read.prepare(records, rules.source_rank)
    written = read.read_records(seen, CONSENT_CHANNELS)
    rule = _field_rules(rules)
    survivors = _choose_fields(seen, written, rule)
    # Each record's identifiers are read once, for both the lists and the primaries.
    emails = [read.record_emails(w) for w in written]
    email_values = _email_values(seen, emails) if any(emails) else ()
    usable = {v.key: v.value for v in email_values if not v.is_role}
    if usable:
        candidates = read.primary_email_candidates(seen, emails, usable)
        survivors["primary_email"] = _choose(candidates, rule["primary_email"], listed=True)
    region = _golden_country(survivors.get("address"))
    phones = [read.record_phones(w, region) for w in written]
    phone_values: tuple[CarriedValue, ...] = ()
    if any(phones):
        candidates = read.primary_phone_candidates(seen, phones)
        survivors["primary_phone"] = _choose(candidates, rule["primary_phone"], listed=True)
        phone_values = _phone_values(seen, phones)
    handles = [read.record_handles(w) for w in written]
    return _golden_record(
        survivors=MappingProxyType(survivors),
        emails=email_values,
        phones=phone_values,
        handles=_handle_values(seen, handles) if any(handles) else (),
        records=tuple([s.key for s in seen]),
    )


def _golden_country(address: Survivor | None) -> str | None:
    if address is None:
        return None
    value = address.value
    # The concrete type first: chosen addresses are read-only dicts, and ABC checks are slow.
    if value.__class__ is MappingProxyType or isinstance(value, Mapping):
        return value.get("country")
    return None


def golden_to_dict(golden: GoldenRecord) -> dict[str, Any]:
    """A JSON-ready dict: each field's value with its provenance, then identifier lists.

    Example:
        >>> golden = build_golden_record(
        ...     [SurvivorInput("hr|7", "hr", "2025-01-01T00:00:00Z", {"title": "CFO"})])
        >>> golden_to_dict(golden)["title"]["provenance"]["rule"]
        'most_recent'
    """
    out: dict[str, Any] = {}
    # survivors directly: the Mapping view would cost a Python-level lookup per field.
    for name, s in golden.survivors.items():
        value = s.value
        copy = _COPIED.get(value.__class__)
        if copy or (copy is None and isinstance(value, Mapping)):
            value = dict(cast(Mapping[str, str], value))
        out[name] = {
            "value": value,
            "provenance": {
                "rule": s.rule,
                "source_record": s.source_record,
                "observed_at": s.observed_at,
                "candidates": s.candidates,
            },
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
