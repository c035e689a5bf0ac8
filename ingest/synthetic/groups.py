"""The structure of a world: companies, households, colleague groups, staff and hubs.

All of it follows from (seed, index) by arithmetic and hashing, so any chunk can ask who
belongs with whom without holding the world.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import NamedTuple

from ingest.synthetic.catalog import DEPARTMENTS, LEGAL_FORMS, ROLE_MAILBOXES, company_parts
from ingest.synthetic.names import COUNTRY_WEIGHTS, FAMILY
from ingest.synthetic.phones import Phone, make_phone
from ingest.synthetic.places import COMPANY_TLD, Address, make_address
from ingest.synthetic.seeds import derive_seed, pick, rng_for

# Every STAFF_STRIDE-th person (offset STAFF_OFFSET) works for the operating company.
STAFF_STRIDE = 40
STAFF_OFFSET = 7
# Direct reports per manager in the staff tree.
STAFF_SPAN = 5
# People per household block and per colleague block (groups never cross a block).
HOUSEHOLD_BLOCK = 4
COLLEAGUE_BLOCK = 8
# Percent of blocks that hold a household / a colleague group.
HOUSEHOLD_SHARE = 18
COLLEAGUE_SHARE = 12
# Customer companies scale with the world so that none grows absurdly large.
PEOPLE_PER_COMPANY = 40
MIN_COMPANIES = 25
# Every HUB_STRIDE-th person (offset HUB_OFFSET) is a hub: widely followed, mostly a creator.
HUB_STRIDE = 50
HUB_OFFSET = 13

_COUNTRIES = tuple(c for c, _ in COUNTRY_WEIGHTS)
_COUNTRY_CUMULATIVE = tuple(
    sum(w for _, w in COUNTRY_WEIGHTS[: i + 1]) for i in range(len(COUNTRY_WEIGHTS))
)
_GERMAN_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)
_PLAIN_FOLD = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "Ø": "O"})


@dataclass(frozen=True, slots=True)
class WorldSpec:
    """What a world is made from: a seed and a number of people."""

    seed: int
    people: int

    @property
    def companies(self) -> int:
        """Number of customer companies."""
        return max(MIN_COMPANIES, self.people // PEOPLE_PER_COMPANY)

    @property
    def staff(self) -> int:
        """Number of people who work for the operating company."""
        if self.people <= STAFF_OFFSET:
            return 0
        return (self.people - STAFF_OFFSET - 1) // STAFF_STRIDE + 1


class CompanyInfo(NamedTuple):
    """A customer company."""

    number: int
    name: str
    legal_name: str
    domain: str
    country: str


class Household(NamedTuple):
    """Relatives living together: one family name, one address, one shared landline."""

    members: tuple[int, ...]
    country: str
    family: str
    address: Address
    landline: Phone


class ColleagueGroup(NamedTuple):
    """Colleagues of one small company who all give its shared mailbox as their email."""

    members: tuple[int, ...]
    company: int
    mailbox: str


# --------------------------------------------------------------------------- companies


@lru_cache(maxsize=1 << 16)
def build_company(seed: int, index: int) -> CompanyInfo:
    """Company `index`: a unique name and domain, registered in some country."""
    rng = rng_for(seed, "company", index)
    country = pick_country(rng)
    prefix, industry, qualifier, overflow = company_parts(index)
    words = [w for w in (prefix, industry, qualifier) if w]
    if overflow:
        words.append(str(overflow + 1))
    name = " ".join(words)
    legal = f"{name} {pick(rng, LEGAL_FORMS[country])}"
    slug = "-".join(fold_ascii(w, german=False).replace("&", "").strip() for w in words)
    domain = f"{slug.replace(' ', '').lower()}.{COMPANY_TLD[country]}"
    return CompanyInfo(index, name, legal, domain, country)


def pick_company(rng: Random, spec: WorldSpec) -> int:
    """A company index, skewed so that low indices are big employers."""
    return int(spec.companies * rng.random() ** 2)


# --------------------------------------------------------------------------- groups


def household_of(spec: WorldSpec, index: int) -> Household | None:
    """The household `index` lives in, if it shares one with relatives."""
    block = index // HOUSEHOLD_BLOCK
    # Decide from the hash first: most blocks hold no household, and seeding a Random is slow.
    if derive_seed(spec.seed, "household?", block) % 100 >= HOUSEHOLD_SHARE:
        return None
    rng = rng_for(spec.seed, "household", block)
    size = pick(rng, (2, 2, 2, 3, 4))
    start = block * HOUSEHOLD_BLOCK
    members = tuple(j for j in range(start, start + size) if j < spec.people)
    if index not in members or len(members) < 2:
        return None
    country = pick_country(rng)
    family = pick(rng, FAMILY[country])
    address = make_address(rng, country)
    return Household(members, country, family, address, make_phone(rng, country, mobile=False))


def colleague_group_of(spec: WorldSpec, index: int) -> ColleagueGroup | None:
    """The group of colleagues sharing a role mailbox that `index` belongs to, if any."""
    block = index // COLLEAGUE_BLOCK
    if derive_seed(spec.seed, "colleagues?", block) % 100 >= COLLEAGUE_SHARE:
        return None
    rng = rng_for(spec.seed, "colleagues", block)
    size = pick(rng, (2, 3, 4))
    end = block * COLLEAGUE_BLOCK + COLLEAGUE_BLOCK
    members = tuple(j for j in range(end - size, end) if j < spec.people and not is_staff(j))
    if index not in members or len(members) < 2:
        return None
    return ColleagueGroup(members, pick_company(rng, spec), pick(rng, ROLE_MAILBOXES))


# --------------------------------------------------------------------------- staff


def is_staff(index: int) -> bool:
    """Does person `index` work for the operating company?"""
    return index % STAFF_STRIDE == STAFF_OFFSET


def staff_person(staff_no: int) -> int:
    """Person index of staff member `staff_no`."""
    return staff_no * STAFF_STRIDE + STAFF_OFFSET


def staff_department(staff_no: int) -> str:
    """Department of staff member `staff_no` (dealt round-robin)."""
    return DEPARTMENTS[staff_no % len(DEPARTMENTS)]


def staff_manager(staff_no: int) -> int | None:
    """Staff number of the manager of `staff_no`; heads report to staff 0, who reports to none."""
    departments = len(DEPARTMENTS)
    rank, department = divmod(staff_no, departments)
    if rank == 0:
        return None if staff_no == 0 else 0
    return ((rank - 1) // STAFF_SPAN) * departments + department


def random_staff(rng: Random, spec: WorldSpec, department: str) -> int | None:
    """Staff number of someone in `department`, or None if it has nobody."""
    departments = len(DEPARTMENTS)
    slot = DEPARTMENTS.index(department)
    in_department = (spec.staff - slot + departments - 1) // departments if spec.staff > slot else 0
    if in_department <= 0:
        return None
    return int(rng.random() * in_department) * departments + slot


# --------------------------------------------------------------------------- hubs


def is_hub(index: int) -> bool:
    """Is person `index` a hub, befriended from all over the world?"""
    return index % HUB_STRIDE == HUB_OFFSET


def random_hub(rng: Random, spec: WorldSpec) -> int:
    """A hub anywhere in the world (or anyone, in a world too small to have hubs)."""
    hubs = (spec.people - HUB_OFFSET + HUB_STRIDE - 1) // HUB_STRIDE
    if hubs <= 0:
        return int(rng.random() * spec.people)
    return int(rng.random() * hubs) * HUB_STRIDE + HUB_OFFSET


# --------------------------------------------------------------------------- people


def pick_country(rng: Random) -> str:
    """A country drawn by COUNTRY_WEIGHTS."""
    roll = int(rng.random() * _COUNTRY_CUMULATIVE[-1])
    for country, limit in zip(_COUNTRIES, _COUNTRY_CUMULATIVE, strict=True):
        if roll < limit:
            return country
    return _COUNTRIES[-1]


def persona_of(seed: int, index: int) -> str:
    """How person `index` feels about us: promoter, passive or detractor."""
    roll = derive_seed(seed, "persona", index) % 100
    return "promoter" if roll < 25 else "passive" if roll < 80 else "detractor"


@lru_cache(maxsize=4096)
def fold_ascii(text: str, *, german: bool) -> str:
    """`text` in lowercase ASCII letters only, as people type names into addresses."""
    text = text.translate(_GERMAN_FOLD if german else _PLAIN_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha()).lower()


def person_key(index: int) -> str:
    """The ground-truth key of person `index`."""
    return f"P{index:07d}"
