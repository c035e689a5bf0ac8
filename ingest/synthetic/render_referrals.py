"""The referral program: who recommended us to whom, and whether it turned into a sale."""

from __future__ import annotations

from random import Random
from typing import Any

from ingest.synthetic.catalog import PRODUCTS
from ingest.synthetic.output import new_record, person_ref
from ingest.synthetic.render_common import (
    Context,
    event_time,
    later,
    price,
    product_obj,
    shop_ref,
    sid,
)
from ingest.synthetic.seeds import WORLD_END, iso, rng_for
from ingest.synthetic.variants import email_variant, full_name
from ingest.synthetic.world import PersonCore, World

SOURCE = "referrals"


def referral_times(world: World, core: PersonCore) -> tuple[int, int | None]:
    """When the referee was referred and, if they bought, when (pure, shared with the shop)."""
    at = event_time(world, core, "referral-at", 0)
    if not core.referral_converted:
        return at, None
    return at, later(
        rng_for(world.seed, "referral-convert", core.index), at, max_seconds=14 * 86_400
    )


def render_referral(ctx: Context, core: PersonCore, rng: Random) -> None:
    """The referral that brought `core` in, written from the referee's side."""
    if core.referred_by is None:
        return
    referrer = ctx.world.person(core.referred_by)
    at, converted = referral_times(ctx.world, core)
    product = PRODUCTS[core.referral_product]
    referral_id = "R-" + sid(ctx.world, "referral", core.index, 0)
    record = new_record("referral", SOURCE, referral_id, min(WORLD_END, (converted or at) + 60))
    record["referrer"] = _referrer_ref(rng, ctx, referrer)
    record["referee"] = person_ref(
        emails=[email_variant(rng, core.personal_email, gmail=core.gmail)],
        full_name=full_name(rng, core.given, core.family),
    )
    record["product"] = product_obj(product)
    record["code"] = f"{referrer.ascii_given[:4].upper()}-{referral_id[-4:]}"
    record["at"] = iso(at)
    record["converted"] = converted is not None
    if converted is not None:
        record["converted_at"] = iso(converted)
        record["revenue"] = price(product, core.country)
    refs = {"referrer": referrer.key, "referee": core.key}
    ctx.out.record(record, referrer.key, refs=refs)


def _referrer_ref(rng: Random, ctx: Context, referrer: PersonCore) -> dict[str, Any]:
    """The program knows referrers by shop customer number or by email."""
    if referrer.in_shop and rng.random() < 0.5:
        return shop_ref(ctx.world, referrer)
    return person_ref(emails=[email_variant(rng, referrer.personal_email, gmail=referrer.gmail)])
