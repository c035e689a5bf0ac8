"""The help desk: requesters, cases with satisfaction, and the messages of each case."""

from __future__ import annotations

from random import Random
from typing import Any, NamedTuple

from ingest.synthetic.catalog import PRODUCTS
from ingest.synthetic.groups import random_staff
from ingest.synthetic.output import handle, new_record, person_ref
from ingest.synthetic.phones import format_phone
from ingest.synthetic.render_common import (
    Context,
    Utterance,
    compose,
    later,
    product_obj,
    sid,
    staff_ref,
)
from ingest.synthetic.seeds import WORLD_END, between, iso, pick, random_time
from ingest.synthetic.texts import AGENT_REPLIES, PRIVATE_NOTES, SUPPORT_SUBJECTS
from ingest.synthetic.variants import email_variant, garble, handle_form, nickname
from ingest.synthetic.world import PersonCore

SOURCE = "support"
# Case departments and how often each handles a case.
CASE_DEPARTMENTS = ("Customer Service", "Customer Service", "Technical Support", "Finance")
# Stars a requester of each persona gives a solved case.
SATISFACTION = {"promoter": (4, 5, 5), "passive": (3, 4, 4, 5), "detractor": (1, 1, 2, 3)}
_NATIONAL_STYLES = ("national", "national_dash", "compact", "intl")


def render_support(ctx: Context, core: PersonCore, rng: Random) -> None:
    """The requester record and every case of one person, if they ever asked for help."""
    if not core.in_support:
        return
    requester = _requester(rng, ctx, core)
    ctx.out.record(requester, core.key)
    cases = between(rng, 1, 3) if core.persona == "detractor" else between(rng, 1, 2)
    for case in range(cases):
        _case(rng, ctx, core, case, requester["emails"][0])


def _requester(rng: Random, ctx: Context, core: PersonCore) -> dict[str, Any]:
    """The help desk's user: a typed name, the personal address, maybe a phone or handle."""
    observed = random_time(rng, after=core.joined)
    record = new_record(
        "contact", SOURCE, "U-" + sid(ctx.world, "support-user", core.index, 0), observed
    )
    given = nickname(rng, core.given) if rng.random() < 0.2 else core.given
    record["full_name"] = garble(rng, f"{given} {core.family}", mess=1.5)
    email = (
        core.personal_email if core.work_email is None or rng.random() < 0.8 else core.work_email
    )
    record["emails"] = [
        email_variant(rng, email, gmail=core.gmail and email == core.personal_email)
    ]
    if rng.random() < 0.5:
        record["phones"] = [format_phone(core.mobile, pick(rng, _NATIONAL_STYLES))]
    if "x" in core.platforms and rng.random() < 0.1:
        record["handles"] = [handle("x", handle_form(rng, "x", core.handle_x, url_share=0.2))]
    return record


def _case(rng: Random, ctx: Context, core: PersonCore, case: int, email: str) -> None:
    """One case record and its message thread."""
    world = ctx.world
    case_no = sid(world, "support-case", core.index, case)
    opened = random_time(rng, after=core.joined)
    department = pick(rng, CASE_DEPARTMENTS)
    product = pick(rng, PRODUCTS)
    closed = later(rng, opened, max_seconds=10 * 86_400) if rng.random() < 0.8 else None
    record = new_record(
        "support_case", SOURCE, "T-" + case_no, min(WORLD_END, (closed or opened) + 600)
    )
    record["case_id"] = case_no
    record["person"] = person_ref(emails=[email])
    record["status"] = pick(rng, ("solved", "closed")) if closed else pick(rng, ("open", "pending"))
    record["priority"] = pick(rng, ("low", "normal", "normal", "high", "urgent"))
    if closed and rng.random() < 0.7:
        record["satisfaction"] = pick(rng, SATISFACTION[core.persona])
    record["subject"] = pick(rng, SUPPORT_SUBJECTS).format(product=product.name)
    if rng.random() < 0.3:
        record["private_notes"] = pick(rng, PRIVATE_NOTES)
    record["department"] = department
    refs: dict[str, str] = {}
    assignee = random_staff(rng, world.spec, department)
    if assignee is not None:
        record["assignee"], refs["assignee"] = staff_ref(world, assignee)
    record["product"] = product_obj(product, named=False)
    record["opened_at"] = iso(opened)
    if closed:
        record["closed_at"] = iso(closed)
    ctx.out.record(record, core.key, refs=refs)
    channel = pick(rng, ("support_message", "email_thread"))
    thread = Thread(case, case_no, channel, email, department, assignee)
    _messages(rng, ctx, core, thread, opened)


class Thread(NamedTuple):
    """What every message of one case shares."""

    case: int
    case_no: str
    channel: str
    email: str
    department: str
    assignee: int | None


def _messages(rng: Random, ctx: Context, core: PersonCore, thread: Thread, opened: int) -> None:
    """The thread: the requester writes, the agent answers, alternating."""
    at, previous = opened, None
    for turn in range(between(rng, 1, 4)):
        if turn % 2 == 1 and thread.assignee is None:
            break
        previous = _message(rng, ctx, core, thread, turn, at, previous)
        at = later(rng, at, max_seconds=86_400)


def _message(
    rng: Random,
    ctx: Context,
    core: PersonCore,
    thread: Thread,
    turn: int,
    at: int,
    previous: str | None,
) -> str:
    """One message of the thread; returns its id for the next one to answer."""
    inbound = turn % 2 == 0
    message_id = "M-" + sid(ctx.world, "support-msg", core.index, thread.case * 8 + turn)
    record = new_record("conversation", SOURCE, message_id, min(WORLD_END, at + 5))
    record["channel"] = thread.channel
    if inbound or thread.assignee is None:
        intent = _inbound_intent(rng, core, turn)
        said = compose(rng, core, intent)
        record["author"], key = person_ref(emails=[thread.email]), core.key
    else:
        intent, said = "other", _agent_reply(rng)
        record["author"], key = staff_ref(ctx.world, thread.assignee)
    record["text"] = said.text
    record["at"] = iso(at)
    if previous:
        record["in_reply_to"] = previous
    record["thread_id"] = record["case_id"] = thread.case_no
    record["direction"] = "inbound" if inbound else "outbound"
    record["department"] = thread.department
    record["language"] = said.language
    if said.mentions:
        record["mentions"] = said.mentions
    ctx.out.record(record, key, sentiment=said.sentiment, intent=intent)
    return message_id


def _inbound_intent(rng: Random, core: PersonCore, turn: int) -> str:
    """Why someone writes to support: mostly questions and complaints."""
    if core.persona == "detractor":
        return pick(rng, ("complaint", "complaint", "churn_risk", "question"))
    if turn > 0 and core.persona == "promoter":
        return "praise"
    return pick(rng, ("question", "question", "complaint", "purchase_intent"))


def _agent_reply(rng: Random) -> Utterance:
    """An agent's answer, in the company's language."""
    template = pick(rng, AGENT_REPLIES)
    product = pick(rng, PRODUCTS)
    text = template.text.format(product=product.name, days=between(rng, 3, 10))
    mentions = {"products": [product_obj(product)]} if "{product}" in template.text else {}
    return Utterance(text, template.sentiment, "en", mentions)
