"""A record's identity profile: the normalised values that matching compares.

`build_profile` takes a validated contract record (a plain dict) and returns a `Profile`:
strong identifiers as canonical keys, name/date/place/work keys for probabilistic scoring,
blocking keys, and a warning for every optional field that had to be set aside. Mobiles and
personal (consumer) mailboxes are also listed apart: they belong to one person, so two
different ones are evidence against a match, and a landline shared by records with
different ones is a household's. A social bio of the form "Title at Company" stands in
for the missing employer and title. The
profile is what the graph stores on each source record, so re-clustering never has to
re-parse payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from identity.company import company_key, normalize_domain
from identity.email import normalize_email
from identity.handles import normalize_handle
from identity.names import name_key, split_full_name
from identity.phone import has_country_code, normalize_phone

# Kinds whose records describe a person (and are therefore resolved as identity records).
IDENTITY_KINDS = frozenset({"contact", "social_profile", "employee"})
_DIGIT_RUN = re.compile(r"\d{2,}")
_ALNUM = re.compile(r"[^a-z0-9]")
# Consumer mail brands with a domain per country (hotmail.es, outlook.de, yahoo.it...).
_MAIL_BRANDS = frozenset(
    {"gmail", "googlemail", "hotmail", "outlook", "live", "yahoo", "gmx", "aol"}
)
# ISP mailboxes missing from identity.email.FREEMAIL_DOMAINS.
_EXTRA_FREEMAIL = frozenset({"alice.it", "telefonica.net", "tiscali.it", "orange.es", "bt.com"})
# "Title at Company" at the start of a bio, up to a separator (·, |, •, comma) or the end.
_BIO_WORK = re.compile(
    r"^\s*(?P<title>[^|·•,@]{2,60}?)\s+(?:at|@)\s+(?P<company>[^|·•,]{2,80}?)\s*(?:[|·•,]|$)"
)


@dataclass(frozen=True, slots=True)
class FieldWarning:
    """An optional field set aside: where it was and why."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Profile:
    """What matching knows about one source record."""

    key: str
    source: str
    observed_at: str
    strong: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    given: str = ""
    family: str = ""
    birth_date: str = ""
    country: str = ""
    locality: str = ""
    postcode: str = ""
    street: str = ""
    company: str = ""
    title: str = ""
    usernames: tuple[str, ...] = ()
    bio: str = ""
    warnings: tuple[FieldWarning, ...] = field(default_factory=tuple)
    # Phone keys (a subset of `strong`) that libphonenumber types as mobile: personal lines,
    # unlike landlines, which households share.
    mobiles: tuple[str, ...] = ()
    # Email keys (a subset of `strong`) at free consumer providers: personal mailboxes.
    personal_emails: tuple[str, ...] = ()
    # Employers named by the domains of work mailboxes, as company keys
    # (susan.king@riverside-security.com -> "riverside security"). A domain need not be its
    # company's name (ibm.com), so matching counts these only when they agree.
    work_companies: tuple[str, ...] = ()

    @property
    def has_name(self) -> bool:
        return bool(self.given or self.family)

    def identifiers(self) -> tuple[str, ...]:
        """Every identifier key, strong and role alike."""
        return self.strong + self.role

    def to_json(self) -> str:
        # Field by field: dataclasses.asdict deep-copies and was a tenth of ingest time.
        data: dict[str, Any] = {name: getattr(self, name) for name in _PROFILE_FIELDS}
        data["warnings"] = [{"field": w.field, "reason": w.reason} for w in self.warnings]
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        data = json.loads(text)
        for name in ("strong", "role", "usernames", "mobiles", "personal_emails", "work_companies"):
            data[name] = tuple(data.get(name, ()))
        data["warnings"] = tuple(FieldWarning(**w) for w in data["warnings"])
        return cls(**data)


_PROFILE_FIELDS = tuple(f.name for f in fields(Profile))


def record_key(source: str, source_id: str) -> str:
    """The stable key of a source record."""
    return f"{source}|{source_id}"


@dataclass(slots=True)
class _Builder:
    """Collects keys and warnings while a record is read."""

    regions: tuple[str, ...]
    strong: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)
    personal_emails: list[str] = field(default_factory=list)
    work_companies: list[str] = field(default_factory=list)
    warnings: list[FieldWarning] = field(default_factory=list)

    def warn(self, path: str, reason: str) -> None:
        self.warnings.append(FieldWarning(path, reason))

    def add(self, target: list[str], value: str) -> None:
        if value not in target:
            target.append(value)

    def email(self, path: str, raw: str) -> None:
        result = normalize_email(raw)
        if result.canonical is None:
            self.warn(path, result.reason or "invalid email address")
            return
        key = f"email:{result.canonical}"
        self.add(self.role if result.is_role else self.strong, key)
        if result.is_role:
            return
        if _is_personal_mailbox(result.is_freemail, result.domain or ""):
            self.add(self.personal_emails, key)
        elif result.domain:
            self.add(self.work_companies, _domain_company(result.domain))
        self.username(result.canonical.split("@", 1)[0])

    def phone(self, path: str, raw: str) -> None:
        text = raw.strip()
        if text.startswith("00"):  # the international prefix of most of the world
            text = "+" + text[2:]
        # Without a country code only a region can read the number: skip the failing
        # attempt without one (a parse exception) unless there is no region to try.
        attempts: list[str | None] = [None]
        if not has_country_code(text) and self.regions:
            attempts = list(self.regions)
        for region in attempts:
            result = normalize_phone(text, region)
            if result.canonical is not None:
                break
        if result.canonical is None:
            self.warn(path, result.reason or "invalid phone number")
            return
        self.add(self.strong, f"phone:{result.canonical}")
        if result.number_type == "mobile":
            self.add(self.mobiles, f"phone:{result.canonical}")

    def handle(self, path: str, platform: str | None, raw: str) -> None:
        result = normalize_handle(platform, raw)
        if result.canonical is None or result.platform is None:
            self.warn(path, result.reason or "invalid handle")
            return
        self.add(self.strong, f"account:{result.platform}:{result.canonical}")
        self.username(result.canonical)

    def username(self, raw: str) -> None:
        folded = _ALNUM.sub("", raw.casefold())
        if len(folded) >= 4:
            self.add(self.usernames, folded)


def _is_personal_mailbox(is_freemail: bool, domain: str) -> bool:
    """A consumer mailbox: the email module's list, plus the country variants of the big
    consumer brands (hotmail.es, outlook.de) and a few ISP mailboxes it lacks."""
    return is_freemail or domain in _EXTRA_FREEMAIL or domain.split(".", 1)[0] in _MAIL_BRANDS


def _names(record: Mapping[str, Any]) -> tuple[str, str]:
    given, family = record.get("given_name") or "", record.get("family_name") or ""
    if not (given or family) and record.get("full_name"):
        given, family = split_full_name(record["full_name"])
    return name_key(given), name_key(family)


def _work(record: dict[str, Any]) -> str:
    """The employer as a name key; a domain alone stands in through its first label
    (eastfield-education.co.uk -> "eastfield education"), so CRM and LinkedIn agree."""
    company = record.get("company") or {}
    if company.get("name"):
        return company_key(company["name"])
    domain = normalize_domain(company["domain"]) if company.get("domain") else None
    return _domain_company(domain) if domain else ""


def _domain_company(domain: str) -> str:
    """The company key a domain's first label reads as ("eastfield education")."""
    return company_key(domain.split(".", 1)[0].replace("-", " "))


def _bio_work(bio: str) -> tuple[str, str]:
    """(company, title) keys from a "Title at Company" bio, the usual self-description on
    social networks ("CTO at Summit Consulting · traveller"); empty strings otherwise."""
    found = _BIO_WORK.match(bio)
    if found is None:
        return "", ""
    return company_key(found["company"]), name_key(found["title"])


def _valid_birth_date(text: str, observed_at: str) -> str | None:
    """A birth date must be a real day, after 1900 and before the record was observed."""
    from datetime import date

    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if day.year < 1900 or text > observed_at[:10]:
        return None
    return day.isoformat()


def _phone_regions(
    record: dict[str, Any], default_regions: Mapping[str, str] | None
) -> tuple[str, ...]:
    """Regions to read national numbers in: the address country, the source's configured
    default, then the country of a country-code email domain (.de, .fr, .co.uk...)."""
    regions: list[str] = []
    country = (record.get("address") or {}).get("country")
    if country:
        regions.append(country)
    if default_regions and record.get("source") in default_regions:
        regions.append(default_regions[record["source"]])
    for raw in record.get("emails") or []:
        tld = raw.rsplit(".", 1)[-1].upper()
        if len(tld) == 2 and tld.isalpha():
            regions.append("GB" if tld == "UK" else tld)
    return tuple(dict.fromkeys(regions))


def external_key(system: str, value: str) -> str:
    """The identifier key of a person's id `value` in `system`; every identity record
    carries one for itself, `external_key(source, source_id)`."""
    return f"external:{system}:{value}"


def build_profile(
    record: dict[str, Any], default_regions: Mapping[str, str] | None = None
) -> Profile:
    """Normalise one contract record into its identity profile (never raises on bad fields).

    `default_regions` maps a source to the region its national phone numbers are read in.
    """
    address = record.get("address") or {}
    country = address.get("country")
    builder = _Builder(regions=_phone_regions(record, default_regions))
    for i, raw in enumerate(record.get("emails") or []):
        builder.email(f"emails[{i}]", raw)
    for i, raw in enumerate(record.get("phones") or []):
        builder.phone(f"phones[{i}]", raw)
    for i, item in enumerate(record.get("handles") or []):
        builder.handle(f"handles[{i}]", item.get("platform"), item.get("handle", ""))
    if record.get("kind") == "social_profile" and record.get("handle"):
        builder.handle("handle", record.get("platform"), record["handle"])
    for item in record.get("external_ids") or []:
        builder.add(builder.strong, external_key(item["system"], item["value"]))
    if record.get("source") and record.get("source_id"):
        # The record is its source system's entry for this person, so its id there is an
        # external id other records cite: a purchase naming "customer C-1 of the shop"
        # ({system: shop, value: C-1}) reaches the shop's contact record C-1.
        builder.add(builder.strong, external_key(record["source"], record["source_id"]))
    if record.get("kind") == "employee" and record.get("employee_id"):
        builder.add(builder.strong, external_key(record["source"], record["employee_id"]))
    birth = ""
    if record.get("birth_date"):
        checked = _valid_birth_date(record["birth_date"], record.get("observed_at", "9999"))
        if checked is None:
            builder.warn("birth_date", "not a possible date of birth")
        else:
            birth = checked
    given, family = _names(record)
    bio = (record.get("bio") or "").strip()
    company, title = _work(record), name_key(record.get("title") or "")
    if not company and not title:
        company, title = _bio_work(bio)
    return Profile(
        key=record_key(record["source"], record["source_id"]),
        source=record["source"],
        observed_at=record.get("observed_at", ""),
        strong=tuple(sorted(builder.strong)),
        role=tuple(sorted(builder.role)),
        given=given,
        family=family,
        birth_date=birth,
        country=country or "",
        locality=name_key(address.get("locality") or ""),
        postcode=_ALNUM.sub("", (address.get("postcode") or "").casefold()),
        street=name_key(f"{address.get('street_number') or ''} {address.get('street') or ''}"),
        company=company,
        title=title,
        usernames=tuple(sorted(builder.usernames)),
        bio=bio,
        warnings=tuple(builder.warnings),
        mobiles=tuple(sorted(builder.mobiles)),
        personal_emails=tuple(sorted(builder.personal_emails)),
        work_companies=tuple(sorted(c for c in builder.work_companies if c)),
    )


def blocking_keys(profile: Profile) -> tuple[str, ...]:
    """Keys under which candidate pairs are looked for; equal keys make a candidate pair.

    Names block on (family, given initial) in both orders, so swapped fields still meet;
    usernames block on their digit runs with the family initial ("430" in nrizzo430 and
    noemirizzo430). Cost stays about linear because every record has a handful of keys.

    A name block grows with the store ("n:thomas|j" holds 1,870 records of the 1M
    benchmark world) and one over the configured maximum is never read, so full names also
    block with each employer the record names or mails from ("c:noemi|rizzo|acme", names
    in sorted order): such blocks stay small, and a full name with an employer is the
    evidence that most often still links two records when their name block is too big.
    """
    keys: set[str] = set()
    given, family = profile.given, profile.family
    if given and family:
        keys.add(f"n:{family.replace(' ', '')}|{given[0]}")
        keys.add(f"n:{given.replace(' ', '')}|{family[0]}")
        names = "|".join(sorted((given.replace(" ", ""), family.replace(" ", ""))))
        for company in {profile.company, *profile.work_companies} - {""}:
            keys.add(f"c:{names}|{company}")
    elif given or family:
        keys.add(f"o:{(given or family).replace(' ', '')}")
    initial = family[:1] or given[:1]
    for username in profile.usernames:
        keys.add(f"u:{username}")
        for run in _DIGIT_RUN.findall(username):
            if len(run) >= 3 and initial:
                keys.add(f"d:{run}|{initial}")
    return tuple(sorted(keys))


def affinity_key(record: Mapping[str, Any]) -> str | None:
    """The initials of a record's given and family names, order-free; None if it names
    nobody. Every record sharing a name block (see `blocking_keys`) shares this key.

    Records that may meet in a name block lock the same graph nodes when resolved, so
    ingest keeps records with one affinity key in the same chunks: concurrent workers then
    rarely wait on each other's locks.

    >>> affinity_key({"given_name": "Noemi", "family_name": "Rizzo"})
    'nr'
    >>> affinity_key({"full_name": "Rizzo Noemi"})
    'nr'
    """
    given, family = _names(record)
    initials = sorted({name[:1] for name in (given, family) if name})
    return "".join(initials) or None


# Fields of the other record kinds that point at a person, and the role the person plays.
# Principal roles make the record *about* that person (erasing them erases the record).
PERSON_REF_ROLES: dict[str, str] = {
    "author": "author",
    "person": "subject",
    "referrer": "referrer",
    "referee": "referee",
    "follower": "follower",
    "followed": "followed",
    "manager": "manager",
    "assignee": "assignee",
    "owner": "owner",
}
PRINCIPAL_ROLES = frozenset({"author", "subject", "referrer", "referee", "follower", "followed"})


def person_refs(record: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """(role, identifier keys) for every person a non-identity record refers to."""
    refs: list[tuple[str, dict[str, Any]]] = [
        (role, record[name])
        for name, role in PERSON_REF_ROLES.items()
        if isinstance(record.get(name), dict)
    ]
    refs += [("participant", ref) for ref in record.get("people") or []]
    refs += [("mentioned", ref) for ref in (record.get("mentions") or {}).get("people") or []]
    out: list[tuple[str, tuple[str, ...]]] = []
    for role, ref in refs:
        builder = _Builder(regions=_phone_regions(ref, None))
        for raw in ref.get("emails") or []:
            builder.email("ref", raw)
        for raw in ref.get("phones") or []:
            builder.phone("ref", raw)
        for item in ref.get("handles") or []:
            builder.handle("ref", item.get("platform"), item.get("handle", ""))
        for item in ref.get("external_ids") or []:
            builder.add(builder.strong, external_key(item["system"], item["value"]))
        keys = tuple(sorted(builder.strong + builder.role))
        if keys:
            out.append((role, keys))
    return out
