"""The CRM export: contacts typed in by sales (duplicates, stale employers) and deals."""

from __future__ import annotations

from random import Random
from typing import Any

from ingest.synthetic.catalog import PRODUCTS
from ingest.synthetic.groups import random_staff
from ingest.synthetic.output import external_id, handle, new_record, person_ref
from ingest.synthetic.phones import PHONE_STYLES, format_phone
from ingest.synthetic.render_common import (
    Context,
    crm_contact_id,
    price,
    product_obj,
    shop_customer_id,
    sid,
    staff_ref,
)
from ingest.synthetic.seeds import WORLD_END, iso, iso_date, pick, random_time
from ingest.synthetic.variants import email_variant, full_name, garble, handle_form, nickname
from ingest.synthetic.world import PersonCore, World

SOURCE = "crm"
# Share of CRM people entered twice by different salespeople.
DUPLICATE_SHARE = 0.06
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")


def render_crm(ctx: Context, core: PersonCore, rng: Random) -> None:
    """Contacts and deals of one person, if the CRM knows them."""
    if not core.in_crm:
        return
    copies = 2 if rng.random() < DUPLICATE_SHARE else 1
    for copy in range(copies):
        record = _contact(rng, ctx.world, core, copy)
        ctx.out.record(record, core.key)
    if core.company is not None and rng.random() < 0.1:
        _deal(rng, ctx, core)


def _contact(rng: Random, world: World, core: PersonCore, copy: int) -> dict[str, Any]:
    """One CRM contact; a duplicate (copy > 0) is sparser and messier."""
    mess = 1.0 if copy == 0 else 2.0
    observed = random_time(rng, after=core.joined)
    record = new_record("contact", SOURCE, crm_contact_id(world, core.index, copy), observed)
    given = nickname(rng, core.given) if rng.random() < 0.05 * mess else core.given
    if rng.random() < 0.02:  # first and last name typed into each other's fields
        record["given_name"], record["family_name"] = core.family, given
    else:
        record["given_name"] = garble(rng, given, mess=mess)
        record["family_name"] = garble(rng, core.family, mess=mess)
    if rng.random() < 0.3:
        record["full_name"] = full_name(rng, given, core.family)
    record["emails"] = _emails(rng, world, core, copy)
    phones = _phones(rng, core)
    if phones:
        record["phones"] = phones
    _add_work(rng, world, core, record)
    if copy == 0:
        _add_extras(rng, world, core, record, observed)
    return record


def _emails(rng: Random, world: World, core: PersonCore, copy: int) -> list[str]:
    """Role mailbox for colleague groups, the work address, sometimes the personal one."""
    emails: list[str] = []
    group = core.colleagues
    if group is not None and copy == 0:
        emails.append(f"{group.mailbox}@{world.company(group.company).domain}")
    elif core.work_email is not None:
        emails.append(email_variant(rng, core.work_email, gmail=False))
    if not emails or rng.random() < 0.35:
        emails.append(email_variant(rng, core.personal_email, gmail=core.gmail))
    return emails


def _phones(rng: Random, core: PersonCore) -> list[str]:
    phones = []
    if rng.random() < 0.7:
        phones.append(format_phone(core.mobile, pick(rng, PHONE_STYLES)))
    if core.landline is not None and rng.random() < 0.2:
        phones.append(format_phone(core.landline, pick(rng, PHONE_STYLES)))
    return phones


def _add_work(rng: Random, world: World, core: PersonCore, record: dict[str, Any]) -> None:
    """The employer as the CRM last heard of it (a later job change is not reflected)."""
    if core.company is None:
        return
    company = world.company(core.company)
    name = company.legal_name if rng.random() < 0.5 else company.name
    record["company"] = {"name": name, "domain": company.domain}
    if core.title is not None:
        record["title"] = core.title


def _add_extras(
    rng: Random, world: World, core: PersonCore, record: dict[str, Any], observed: int
) -> None:
    """Address, handles, ids of other systems and consent: only on the main copy."""
    if rng.random() < 0.5:
        record["address"] = dict(core.address._asdict())
    if rng.random() < 0.1:
        record["birth_date"] = iso_date(core.birth)
    handles = []
    if "linkedin" in core.platforms and rng.random() < 0.25:
        handles.append(
            handle("linkedin", handle_form(rng, "linkedin", core.handle_linkedin, url_share=0.8))
        )
    if "x" in core.platforms and rng.random() < 0.15:
        platform = "twitter" if rng.random() < 0.3 else "x"
        handles.append(handle(platform, handle_form(rng, "x", core.handle_x)))
    if "instagram" in core.platforms and rng.random() < 0.12:
        form = handle_form(rng, "instagram", core.handle_instagram, url_share=0.6)
        handles.append(handle("instagram", form))
    if handles:
        record["handles"] = handles
    if core.in_shop and rng.random() < 0.25:
        record["external_ids"] = [external_id("shop", shop_customer_id(world, core.index))]
    if rng.random() < 0.6:
        record["consent"] = {
            "email": core.consent_email,
            "phone": core.consent_phone,
            "updated_at": iso(observed),
        }


def _deal(rng: Random, ctx: Context, core: PersonCore) -> None:
    """A sales opportunity with the person's company, owned by a salesperson."""
    world = ctx.world
    assert core.company is not None and core.work_email is not None
    company = world.company(core.company)
    product = pick(rng, PRODUCTS)
    seats = pick(rng, (5, 10, 20, 40, 100))
    at = random_time(rng, after=core.joined)
    deal_id = "D-" + sid(world, "crm-deal", core.index, 0)
    record = new_record("deal", SOURCE, deal_id, min(WORLD_END, at + 3600))
    record["deal_id"] = deal_id
    record["name"] = f"{company.name} - {seats} x {product.name}"
    record["people"] = [person_ref(emails=[email_variant(rng, core.work_email, gmail=False)])]
    record["company"] = {"name": company.legal_name, "domain": company.domain}
    record["stage"] = pick(rng, DEAL_STAGES)
    record["amount"] = price(product, company.country, seats)
    refs: dict[str, str] = {}
    owner = random_staff(rng, world.spec, "Sales")
    if owner is not None:
        record["owner"], refs["owner"] = staff_ref(world, owner)
    record["products"] = [product_obj(product, named=False)]
    record["at"] = iso(at)
    ctx.out.record(record, core.key, refs=refs)
