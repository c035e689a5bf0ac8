"""Helpers the per-source renderers share: ids, references to other people, utterances."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import Any, NamedTuple

from ingest.synthetic.catalog import BRAND, BRAND_DOMAIN, COMPETITORS, PRODUCTS, Product
from ingest.synthetic.groups import WorldSpec, staff_person
from ingest.synthetic.output import Emitter, external_id, money, person_ref
from ingest.synthetic.places import CURRENCY, EUR_RATE
from ingest.synthetic.seeds import SLOTS, WORLD_END, between, derive_seed, pick
from ingest.synthetic.texts import pick_template
from ingest.synthetic.world import PersonCore, World

# Language people of each country sometimes post in (English otherwise).
LANGUAGE: dict[str, str] = {"US": "en", "GB": "en", "DE": "de", "FR": "fr", "ES": "es", "IT": "it"}


@dataclass(slots=True)
class Context:
    """What a renderer needs: the world (to look people up) and where to write."""

    world: World
    out: Emitter


def sid(world: World, space: str, index: int, slot: int, *, long: bool = False) -> str:
    """A source id, unique within `space`, for record `slot` of person `index`."""
    if not 0 <= slot < SLOTS:
        raise ValueError(f"slot {slot} outside 0..{SLOTS - 1}")
    return str(world.ids(space, long=long)(index * SLOTS + slot))


def shop_customer_id(world: World, index: int, account: int = 0) -> str:
    """The shop's customer number of person `index`."""
    return "C-" + sid(world, "shop-customer", index, account)


def crm_contact_id(world: World, index: int, copy: int = 0) -> str:
    """The CRM id of person `index` (copy > 0 for duplicates)."""
    return "CRM-" + sid(world, "crm-contact", index, copy)


def staff_ref(world: World, staff_no: int) -> tuple[dict[str, Any], str]:
    """A reference to a staff member by company email, and their person key."""
    email, name, key = _staff_card(world.spec, staff_no)
    return person_ref(emails=[email], full_name=name), key


@lru_cache(maxsize=1 << 15)
def _staff_card(spec: WorldSpec, staff_no: int) -> tuple[str, str, str]:
    """Email, name and key of a staff member, kept for the whole process.

    Cases and deals pick staff from the whole company, so a chunk-local cache would rebuild
    a staff member for nearly every case.
    """
    staff = World(spec).person(staff_person(staff_no))
    assert staff.staff_email is not None  # staff always have one (see world._add_staff_role)
    return staff.staff_email, f"{staff.given} {staff.family}", staff.key


def shop_ref(world: World, core: PersonCore) -> dict[str, Any]:
    """How the shop's own systems refer to a customer."""
    return person_ref(external_ids=[external_id("shop", shop_customer_id(world, core.index))])


def price(product: Product, country: str, quantity: int = 1) -> dict[str, Any]:
    """What `quantity` of `product` cost in the currency of `country`."""
    currency = CURRENCY[country]
    return money(product.price_eur * EUR_RATE[currency] * quantity, currency)


def product_obj(product: Product, *, named: bool = True) -> dict[str, str]:
    """A contract Product."""
    return {"sku": product.sku, "name": product.name} if named else {"sku": product.sku}


def later(rng: Random, start: int, *, max_seconds: int) -> int:
    """A time after `start`, never after the end of the world."""
    return min(WORLD_END - 1, start + between(rng, 60, max(60, max_seconds)))


def event_time(world: World, core: PersonCore, stream: str, slot: int) -> int:
    """A time after the person joined, fixed by (person, stream, slot) alone.

    Pure, so a friend replying to a post can compute when that post was written.
    """
    span = max(1, WORLD_END - core.joined - 86_400)
    return core.joined + derive_seed(world.seed, stream, core.index * SLOTS + slot) % span


class Utterance(NamedTuple):
    """Words a person wrote, with the truth behind them and what they mention."""

    text: str
    sentiment: str
    language: str
    mentions: dict[str, Any]


def compose(
    rng: Random, core: PersonCore, intent: str, *, mention: tuple[str, str] | None = None
) -> Utterance:
    """Fill a template of `intent`; `mention` is (platform, handle) of someone to tag."""
    template = pick_template(rng, intent, LANGUAGE[core.country])
    product = pick(rng, PRODUCTS)
    competitor = pick(rng, COMPETITORS)
    tagged = mention is not None and "{mention}" in template.text
    text = template.text.format(
        product=product.name,
        brand=BRAND,
        competitor=competitor,
        days=between(rng, 3, 30),
        mention=f"@{mention[1]} " if tagged and mention else "",
    )
    mentions: dict[str, Any] = {}
    if tagged and mention:
        mentions["people"] = [
            person_ref(handles=[{"platform": mention[0], "handle": "@" + mention[1]}])
        ]
    if "{product}" in template.text:
        mentions["products"] = [product_obj(product)]
    companies = []
    if "{brand}" in template.text:
        companies.append({"name": BRAND, "domain": BRAND_DOMAIN})
    if "{competitor}" in template.text:
        companies.append({"name": competitor})
    if companies:
        mentions["companies"] = companies
    return Utterance(text, template.sentiment, template.language, mentions)
