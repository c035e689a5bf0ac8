"""Ground truth that no source shows directly: people, who knows whom, shared identifiers."""

from __future__ import annotations

from random import Random
from typing import Any

from ingest.synthetic.groups import person_key, staff_manager, staff_person
from ingest.synthetic.output import TRUTH_KNOWS, TRUTH_PEOPLE, TRUTH_SHARED
from ingest.synthetic.render_common import Context
from ingest.synthetic.world import PersonCore


def render_truth(ctx: Context, core: PersonCore, rng: Random) -> None:
    """The person's truth row, their relations, and the identifiers they share on purpose."""
    ctx.out.truth(TRUTH_PEOPLE, _person_row(ctx, core))
    for friend in core.friends:
        ctx.out.truth(TRUTH_KNOWS, {"a": core.key, "b": person_key(friend), "relation": "friend"})
    _groups(ctx, core)
    if core.staff_no is not None:
        manager = staff_manager(core.staff_no)
        if manager is not None and manager < ctx.world.spec.staff:
            row = {"a": core.key, "b": person_key(staff_person(manager)), "relation": "manager"}
            ctx.out.truth(TRUTH_KNOWS, row)


def _person_row(ctx: Context, core: PersonCore) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_key": core.key,
        "given_name": core.given,
        "family_name": core.family,
        "country": core.country,
        "persona": core.persona,
        "activity": core.activity,
        "email": core.personal_email,
        "phone": core.mobile.e164,
    }
    if core.company is not None:
        row["company_domain"] = ctx.world.company(core.company).domain
    if core.job_change is not None:
        row["new_company_domain"] = ctx.world.company(core.job_change.new_company).domain
    if core.staff_no is not None:
        row["staff_email"] = core.staff_email
    if core.referred_by is not None:
        row["referred_by"] = person_key(core.referred_by)
    return row


def _groups(ctx: Context, core: PersonCore) -> None:
    """Family and colleague ties; the group's first member also lists the shared identifier."""
    household, colleagues = core.household, core.colleagues
    if household is not None:
        _ties(ctx, core, household.members, "family")
        if core.index == household.members[0]:
            ctx.out.truth(
                TRUTH_SHARED,
                {
                    "type": "phone",
                    "value": household.landline.e164,
                    "person_keys": [person_key(m) for m in household.members],
                    "reason": "family_phone",
                },
            )
    if colleagues is not None:
        _ties(ctx, core, colleagues.members, "colleague")
        if core.index == colleagues.members[0]:
            domain = ctx.world.company(colleagues.company).domain
            ctx.out.truth(
                TRUTH_SHARED,
                {
                    "type": "email",
                    "value": f"{colleagues.mailbox}@{domain}",
                    "person_keys": [person_key(m) for m in colleagues.members],
                    "reason": "role_mailbox",
                },
            )


def _ties(ctx: Context, core: PersonCore, members: tuple[int, ...], relation: str) -> None:
    """One row per pair, written by the lower index of the two."""
    for other in members:
        if other > core.index:
            ctx.out.truth(
                TRUTH_KNOWS, {"a": core.key, "b": person_key(other), "relation": relation}
            )
