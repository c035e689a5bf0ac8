"""The web shop: customer accounts, order lines, and reviews from its review widget."""

from __future__ import annotations

from random import Random
from typing import Any

from ingest.synthetic.catalog import PRODUCTS, Product
from ingest.synthetic.output import new_record, person_ref
from ingest.synthetic.phones import PHONE_STYLES, format_phone
from ingest.synthetic.render_common import (
    Context,
    compose,
    event_time,
    later,
    price,
    product_obj,
    shop_customer_id,
    shop_ref,
    sid,
)
from ingest.synthetic.render_referrals import referral_times
from ingest.synthetic.seeds import WORLD_END, between, iso, iso_date, pick, random_time
from ingest.synthetic.texts import REVIEW_INTENTS
from ingest.synthetic.variants import email_variant, garble
from ingest.synthetic.world import PersonCore

SOURCE = "shop"
REVIEWS = "reviews"
# Share of customers who opened a second account with another address.
SECOND_ACCOUNT_SHARE = 0.04


def render_shop(ctx: Context, core: PersonCore, rng: Random) -> None:
    """Accounts, purchases and a review of one person, if they ever bought."""
    if not core.in_shop:
        return
    account = _account(rng, ctx, core, 0)
    ctx.out.record(account, core.key)
    if rng.random() < SECOND_ACCOUNT_SHARE:
        ctx.out.record(_account(rng, ctx, core, 1), core.key)
    _purchases(rng, ctx, core)
    if core.in_reviews:
        _review(rng, ctx, core, account["emails"][0])


def _account(rng: Random, ctx: Context, core: PersonCore, account: int) -> dict[str, Any]:
    """A customer account as the customer typed it at checkout."""
    observed = random_time(rng, after=core.joined)
    record = new_record(
        "contact", SOURCE, shop_customer_id(ctx.world, core.index, account), observed
    )
    record["given_name"] = garble(rng, core.given, mess=0.7)
    record["family_name"] = garble(rng, core.family, mess=0.7)
    if account == 0 or core.work_email is None:
        email = email_variant(rng, core.personal_email, gmail=core.gmail, mess=1.5)
    else:
        email = email_variant(rng, core.work_email, gmail=False)
    record["emails"] = [email]
    record["phones"] = _phones(rng, core)
    if rng.random() < 0.9:
        record["address"] = dict(core.address._asdict())
    if rng.random() < 0.3:
        record["birth_date"] = iso_date(core.birth)
    record["consent"] = {
        "email": core.consent_email,
        "phone": core.consent_phone,
        "profiling": core.consent_profiling,
        "updated_at": iso(observed),
    }
    return record


def _phones(rng: Random, core: PersonCore) -> list[str]:
    """Household members always give the shared landline; others mostly their mobile."""
    phones = []
    if core.household is not None:
        phones.append(format_phone(core.household.landline, pick(rng, PHONE_STYLES)))
    if core.household is None or rng.random() < 0.4:
        phones.append(format_phone(core.mobile, pick(rng, PHONE_STYLES)))
    return phones


def _purchases(rng: Random, ctx: Context, core: PersonCore) -> None:
    """Order lines: a few of the person's own, plus the sale a referral brought."""
    count = {"promoter": 3, "passive": 2, "detractor": 1}[core.persona]
    for slot in range(between(rng, 1, count)):
        at = event_time(ctx.world, core, "purchase-at", slot)
        _purchase(rng, ctx, core, slot, pick(rng, PRODUCTS), at)
    if core.referred_by is not None:
        _, converted = referral_times(ctx.world, core)
        if converted is not None:
            _purchase(rng, ctx, core, 63, PRODUCTS[core.referral_product], converted)


def _purchase(
    rng: Random, ctx: Context, core: PersonCore, slot: int, product: Product, at: int
) -> None:
    order = sid(ctx.world, "shop-order", core.index, slot)
    quantity = 1 if product.subscription or rng.random() < 0.85 else between(rng, 2, 4)
    record = new_record("purchase", SOURCE, f"O-{order}-1", min(WORLD_END, at + 30))
    ref = shop_ref(ctx.world, core)
    if rng.random() < 0.4:
        ref["emails"] = [email_variant(rng, core.personal_email, gmail=core.gmail)]
    record["person"] = ref
    record["order_id"] = f"O-{order}"
    record["product"] = product_obj(product)
    record["quantity"] = quantity
    record["amount"] = price(product, core.country, quantity)
    record["type"] = "subscription" if product.subscription else "purchase"
    record["at"] = iso(at)
    ctx.out.record(record, core.key)


def _review(rng: Random, ctx: Context, core: PersonCore, email: str) -> None:
    """A product review, signed with a short display name."""
    intent = pick(rng, REVIEW_INTENTS[core.persona])
    said = compose(rng, core, intent)
    at = later(rng, event_time(ctx.world, core, "purchase-at", 0), max_seconds=30 * 86_400)
    review_id = "RV-" + sid(ctx.world, "review", core.index, 0)
    record = new_record("conversation", REVIEWS, review_id, min(WORLD_END, at + 120))
    record["channel"] = "review"
    record["author"] = person_ref(emails=[email], full_name=f"{core.given} {core.family[:1]}.")
    record["text"] = said.text
    record["at"] = iso(at)
    record["language"] = said.language
    if said.mentions:
        record["mentions"] = said.mentions
    ctx.out.record(record, core.key, sentiment=said.sentiment, intent=intent)
