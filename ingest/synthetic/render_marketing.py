"""Marketing automation: campaign touches (sent, open, click, convert) and opt-outs."""

from __future__ import annotations

from random import Random

from ingest.synthetic.catalog import CAMPAIGNS, Campaign
from ingest.synthetic.output import new_record, person_ref
from ingest.synthetic.render_common import Context, later, sid
from ingest.synthetic.seeds import WORLD_END, iso, pick, random_time
from ingest.synthetic.variants import email_variant
from ingest.synthetic.world import PersonCore

SOURCE = "marketing"
# Each step happens only if the previous one did, with these chances.
FUNNEL = (("sent", 1.0), ("open", 0.5), ("click", 0.4), ("convert", 0.2))
# Chance that a given campaign reached a given customer.
CAMPAIGN_REACH = 0.12
OPT_OUT_SHARE = 0.06
OPT_OUT_REASONS = ("too many emails", "not relevant", "never signed up", "moving to competitor")


def render_marketing(ctx: Context, core: PersonCore, rng: Random) -> None:
    """Campaigns that reached a known customer, and a possible opt-out."""
    if not (core.in_crm or core.in_shop):
        return
    address = core.work_email if core.work_email and rng.random() < 0.4 else core.personal_email
    email = email_variant(rng, address, gmail=core.gmail and address == core.personal_email)
    for slot, campaign in enumerate(CAMPAIGNS):
        start = WORLD_END - campaign.days_before_end * 86_400
        if start < core.joined or rng.random() >= CAMPAIGN_REACH:
            continue
        if campaign.channel == "email" and not core.consent_email:
            continue
        _funnel(rng, ctx, core, slot, campaign, start, email)
    if rng.random() < OPT_OUT_SHARE:
        _opt_out(rng, ctx, core, email)


def _funnel(
    rng: Random,
    ctx: Context,
    core: PersonCore,
    slot: int,
    campaign: Campaign,
    start: int,
    email: str,
) -> None:
    at = start + int(rng.random() * 3600)
    for step, (action, chance) in enumerate(FUNNEL):
        if rng.random() >= chance:
            return
        touch_id = "CT-" + sid(ctx.world, "touch", core.index, slot * 4 + step)
        record = new_record("campaign_touch", SOURCE, touch_id, min(WORLD_END, at + 60))
        record["campaign_id"] = campaign.campaign_id
        record["campaign_name"] = campaign.name
        record["person"] = person_ref(emails=[email])
        record["channel"] = campaign.channel
        record["action"] = action
        record["at"] = iso(at)
        ctx.out.record(record, core.key)
        at = later(rng, at, max_seconds=2 * 86_400)


def _opt_out(rng: Random, ctx: Context, core: PersonCore, email: str) -> None:
    at = random_time(rng, after=core.joined)
    record = new_record(
        "consent_change",
        SOURCE,
        "CC-" + sid(ctx.world, "consent", core.index, 0),
        min(WORLD_END, at + 5),
    )
    record["person"] = person_ref(emails=[email])
    record["channel"] = pick(rng, ("email", "email", "all", "profiling"))
    record["granted"] = False
    record["at"] = iso(at)
    record["reason"] = pick(rng, OPT_OUT_REASONS)
    ctx.out.record(record, core.key)
