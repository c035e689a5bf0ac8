"""The latent world: who each person really is, computed from (seed, index) alone.

Any person can be rebuilt anywhere from their index, so a chunk can refer to a friend, a
referrer or a colleague in another chunk without the world ever being held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import NamedTuple

from ingest.synthetic.catalog import BRAND_DOMAIN, DEPARTMENTS, JOB_TITLES, PRODUCTS, STAFF_TITLES
from ingest.synthetic.groups import (
    STAFF_STRIDE,
    ColleagueGroup,
    CompanyInfo,
    Household,
    WorldSpec,
    build_company,
    colleague_group_of,
    fold_ascii,
    household_of,
    is_hub,
    is_staff,
    person_key,
    persona_of,
    pick_company,
    pick_country,
    random_hub,
    staff_department,
)
from ingest.synthetic.names import FAMILY, FEMALE, MALE
from ingest.synthetic.phones import Phone, make_phone
from ingest.synthetic.places import MAIL_PROVIDERS, Address, make_address
from ingest.synthetic.seeds import (
    HISTORY,
    WORLD_END,
    DigitTag,
    IdScrambler,
    between,
    pick,
    random_time,
    rng_for,
)

# How far (in index) a "local" friend may live: people near in index form communities.
NEIGHBOURHOOD = 64
# Share of friends drawn from the neighbourhood; the others are hubs anywhere in the world.
LOCAL_FRIEND_SHARE = 0.8
# X refuses handles longer than this (identity.handles enforces the same rule).
X_HANDLE_MAX = 15


class JobChange(NamedTuple):
    """A move to a new company, announced at `at`."""

    new_company: int
    new_title: str
    at: int


@dataclass(slots=True)
class PersonCore:
    """Who a person really is; the renderers write messy views of it."""

    index: int
    key: str
    country: str
    female: bool
    given: str
    family: str
    ascii_given: str
    ascii_family: str
    birth: int
    address: Address
    personal_email: str
    gmail: bool
    company: int | None
    title: str | None
    work_email: str | None
    mobile: Phone
    landline: Phone | None
    handle_x: str
    handle_instagram: str
    handle_linkedin: str
    persona: str
    activity: str
    joined: int
    in_crm: bool
    in_support: bool
    in_shop: bool
    in_reviews: bool
    platforms: tuple[str, ...]
    posts: dict[str, int]
    friends: tuple[int, ...]
    household: Household | None
    colleagues: ColleagueGroup | None
    referred_by: int | None
    referral_product: int
    referral_converted: bool
    job_change: JobChange | None
    consent_email: bool
    consent_phone: bool
    consent_profiling: bool
    staff_no: int | None = None
    staff_email: str | None = None
    staff_title: str | None = None


class World:
    """A world spec plus the per-process helpers derived from it (tags, id spaces, caches)."""

    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.seed = spec.seed
        self.people = spec.people
        self.email_tag = DigitTag(spec.seed, "email-tag", spec.people)
        self.work_tag = DigitTag(spec.seed, "work-tag", spec.people)
        self.handle_tag = DigitTag(spec.seed, "handle-tag", spec.people)
        self._ids: dict[str, IdScrambler] = {}
        self._companies: dict[int, CompanyInfo] = {}
        self._people: dict[int, PersonCore] = {}

    def ids(self, space: str, *, long: bool = False) -> IdScrambler:
        """The id scrambler of one id space."""
        scrambler = self._ids.get(space)
        if scrambler is None:
            scrambler = self._ids[space] = IdScrambler(self.seed, space, long=long)
        return scrambler

    def company(self, index: int) -> CompanyInfo:
        """Customer company `index`."""
        info = self._companies.get(index)
        if info is None:
            info = self._companies[index] = build_company(self.seed, index)
        return info

    def person(self, index: int) -> PersonCore:
        """Person `index`, built once per World (a chunk's working set)."""
        core = self._people.get(index)
        if core is None:
            # Hubs are met from everywhere; the process-wide cache saves rebuilding them.
            core = hub_person(self.spec, index) if is_hub(index) else build_person(self, index)
            self._people[index] = core
        return core


@lru_cache(maxsize=1 << 15)
def hub_person(spec: WorldSpec, index: int) -> PersonCore:
    """Hub `index`, cached for the whole process (renderers never modify a core)."""
    return build_person(World(spec), index)


def build_person(world: World, index: int) -> PersonCore:
    """Person `index` of the world, from their own random stream."""
    spec = world.spec
    rng = rng_for(spec.seed, "core", index)
    household = household_of(spec, index)
    colleagues = colleague_group_of(spec, index)
    country = household.country if household else pick_country(rng)
    female = rng.random() < 0.5
    given = pick(rng, (FEMALE if female else MALE)[country])
    family = household.family if household else pick(rng, FAMILY[country])
    german = country == "DE" and rng.random() < 0.7
    ascii_given, ascii_family = fold_ascii(given, german=german), fold_ascii(family, german=german)
    company, title = (None, None) if is_staff(index) else _employment(rng, spec, colleagues)
    core = PersonCore(
        index=index,
        key=person_key(index),
        country=country,
        female=female,
        given=given,
        family=family,
        ascii_given=ascii_given,
        ascii_family=ascii_family,
        birth=between(rng, -631_152_000, 1_104_537_599),  # born 1950 to 2004
        address=household.address if household else make_address(rng, country),
        personal_email="",
        gmail=False,
        company=company,
        title=title,
        work_email=None,
        mobile=make_phone(rng, country, mobile=True),
        landline=_landline(rng, household, country),
        handle_x="",
        handle_instagram="",
        handle_linkedin="",
        persona=persona_of(spec.seed, index),
        activity=_activity(rng, index),
        joined=random_time(rng, before=WORLD_END - HISTORY // 3),
        in_crm=colleagues is not None or rng.random() < 0.55,
        in_support=rng.random() < 0.28,
        in_shop=household is not None or rng.random() < 0.5,
        in_reviews=rng.random() < 0.25,
        platforms=(),
        posts={},
        friends=(),
        household=household,
        colleagues=colleagues,
        referred_by=None,
        referral_product=int(rng.random() * len(PRODUCTS)),
        referral_converted=rng.random() < 0.6,
        job_change=None,
        consent_email=rng.random() < 0.7,
        consent_phone=rng.random() < 0.4,
        consent_profiling=rng.random() < 0.6,
    )
    _add_addresses(rng, world, core)
    _add_social(rng, world, core)
    _add_relations(rng, spec, core)
    _add_staff_role(world, core)
    return core


def _activity(rng: Random, index: int) -> str:
    """How much someone posts: creators, contributors, lurkers (hubs mostly create)."""
    if is_hub(index) and rng.random() < 0.7:
        return "creator"
    return pick(rng, ("creator", "contributor", "contributor", "lurker", "lurker", "lurker"))


def _employment(
    rng: Random, spec: WorldSpec, colleagues: ColleagueGroup | None
) -> tuple[int | None, str | None]:
    if colleagues is not None:
        return colleagues.company, pick(rng, JOB_TITLES)
    if rng.random() < 0.7:
        return pick_company(rng, spec), pick(rng, JOB_TITLES)
    return None, None


def _landline(rng: Random, household: Household | None, country: str) -> Phone | None:
    if household is not None:
        return household.landline
    return make_phone(rng, country, mobile=False) if rng.random() < 0.2 else None


def _add_addresses(rng: Random, world: World, core: PersonCore) -> None:
    """Personal and work email addresses, unique per person thanks to digit tags."""
    provider = pick(rng, MAIL_PROVIDERS[core.country])
    core.gmail = provider == "gmail.com"
    first, last = core.ascii_given, core.ascii_family
    patterns: tuple[str, ...] = (
        f"{first}.{last}",
        f"{first}{last}",
        f"{first[:1]}{last}",
        f"{last}.{first}",
        f"{first}.{last[:1]}",
    )
    if not core.gmail:
        patterns += (f"{first}_{last}", f"{first}-{last}")
    core.personal_email = f"{pick(rng, patterns)}{world.email_tag(core.index)}@{provider}"
    if core.company is not None:
        domain = world.company(core.company).domain
        core.work_email = f"{first}.{last}{world.work_tag(core.index)}@{domain}"


def _add_social(rng: Random, world: World, core: PersonCore) -> None:
    """Handles, network presence and how much the person posts."""
    first, last = core.ascii_given, core.ascii_family
    # The same digits as the personal email: people reuse "their number" everywhere.
    tag = world.email_tag(core.index)
    core.handle_x = _x_handle(f"{pick(rng, (first, first[:1]))}{pick(rng, ('', '_'))}{last}", tag)
    core.handle_instagram = f"{first}{pick(rng, ('', '.', '_'))}{last}{tag}"
    core.handle_linkedin = f"{first}-{last}-{world.handle_tag(core.index)}"
    chances = {"x": 0.35, "instagram": 0.4, "linkedin": 0.7 if core.company is not None else 0.3}
    core.platforms = tuple(p for p, chance in chances.items() if rng.random() < chance)
    low, high = {"creator": (3, 8), "contributor": (1, 3), "lurker": (0, 0)}[core.activity]
    core.posts = {p: between(rng, low, high) for p in core.platforms}


def _x_handle(name: str, tag: str) -> str:
    """An X handle within X's 15 characters: people whose name and number do not fit
    shorten the name and keep their number (jonathan_lee7833 -> jonathan_le7833)."""
    return name[: X_HANDLE_MAX - len(tag)] + tag


def _add_relations(rng: Random, spec: WorldSpec, core: PersonCore) -> None:
    """Friends, who referred this person, and a job change."""
    friends: list[int] = []
    for _ in range(between(rng, 1, 8)):
        if rng.random() < LOCAL_FRIEND_SHARE:
            other = core.index + between(rng, -NEIGHBOURHOOD, NEIGHBOURHOOD)
        else:
            other = random_hub(rng, spec)
        if 0 <= other < spec.people and other != core.index and other not in friends:
            friends.append(other)
    core.friends = tuple(friends)
    if rng.random() < 0.2:
        core.referred_by = next(
            (f for f in friends if persona_of(spec.seed, f) != "detractor"), None
        )
        # A converted referee bought in the shop, so the shop must know them.
        core.in_shop = core.in_shop or (core.referred_by is not None and core.referral_converted)
    if core.company is not None and rng.random() < 0.06:
        new_company = (core.company + 1 + int(rng.random() * (spec.companies - 1))) % spec.companies
        core.job_change = JobChange(
            new_company, pick(rng, JOB_TITLES), random_time(rng, after=WORLD_END - HISTORY // 2)
        )


def _add_staff_role(world: World, core: PersonCore) -> None:
    """Staff of the operating company get a department title and a company address."""
    if not is_staff(core.index):
        return
    staff_no = core.index // STAFF_STRIDE
    head, member = STAFF_TITLES[staff_department(staff_no)]
    core.staff_no = staff_no
    core.staff_title = head if staff_no < len(DEPARTMENTS) else member
    tag = world.work_tag(core.index)
    core.staff_email = f"{core.ascii_given}.{core.ascii_family}{tag}@{BRAND_DOMAIN}"
