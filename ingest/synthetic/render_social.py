"""Social networks (x, instagram, linkedin): profiles, posts, replies, follows, job changes."""

from __future__ import annotations

from random import Random
from typing import Any

from ingest.synthetic.catalog import BRAND, BRAND_DOMAIN
from ingest.synthetic.output import handle, new_record, person_ref
from ingest.synthetic.render_common import Context, compose, event_time, later, sid
from ingest.synthetic.seeds import WORLD_END, between, iso, pick, random_time
from ingest.synthetic.texts import HOBBIES, pick_intent
from ingest.synthetic.variants import display_name, email_variant, handle_form
from ingest.synthetic.world import PersonCore, World

PROFILE_URL = {
    "x": "https://x.com/{h}",
    "instagram": "https://www.instagram.com/{h}/",
    "linkedin": "https://www.linkedin.com/in/{h}/",
}
POST_URL = {
    "x": "https://x.com/{h}/status/{id}",
    "instagram": "https://www.instagram.com/p/{id}/",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:activity:{id}/",
}
# Record slots per person in a platform's conversation id space.
POST_SLOTS, COMMENT_SLOTS, MESSAGE_SLOT = range(0, 16), range(16, 48), 48
# Friends looked at for replies and follows (keeps the cost per person bounded).
FRIENDS_LOOKED_AT = 8
FOLLOWERS = {"creator": (500, 50_000), "contributor": (50, 2_000), "lurker": (0, 300)}


def handle_of(core: PersonCore, platform: str) -> str:
    """The person's canonical handle on `platform`."""
    return {
        "x": core.handle_x,
        "instagram": core.handle_instagram,
        "linkedin": core.handle_linkedin,
    }[platform]


def post_id(world: World, platform: str, index: int, slot: int) -> str:
    """Id of conversation `slot` of person `index` on `platform` (snowflake-like)."""
    return sid(world, f"{platform}-post", index, slot, long=True)


def render_social(ctx: Context, core: PersonCore, rng: Random) -> None:
    """Everything one person does on each network they are on."""
    for platform in core.platforms:
        friends = _friends_on(ctx.world, core, platform)
        _profile(rng, ctx, core, platform)
        _posts(rng, ctx, core, platform, friends)
        _replies(rng, ctx, core, platform, friends)
        _follows(rng, ctx, core, platform, friends)
        if platform == "x":
            _direct_message(rng, ctx, core)
        if platform == "linkedin" and core.job_change is not None:
            _job_change(rng, ctx, core)


def _friends_on(world: World, core: PersonCore, platform: str) -> list[PersonCore]:
    """Friends (and, on LinkedIn, colleagues) who are on the same network."""
    indices = list(core.friends[:FRIENDS_LOOKED_AT])
    if platform == "linkedin" and core.colleagues is not None:
        indices += [m for m in core.colleagues.members if m != core.index and m not in indices]
    people = (world.person(i) for i in indices)
    return [p for p in people if platform in p.platforms]


def _author(core: PersonCore, platform: str) -> dict[str, Any]:
    return person_ref(handles=[handle(platform, handle_of(core, platform))])


def _profile(rng: Random, ctx: Context, core: PersonCore, platform: str) -> None:
    """The profile page as the network exports it."""
    own = handle_of(core, platform)
    observed = random_time(rng, after=core.joined)
    record = new_record(
        "social_profile",
        platform,
        sid(ctx.world, f"{platform}-user", core.index, 0, long=True),
        observed,
    )
    if platform == "linkedin":
        _linkedin_identity(ctx.world, core, record)
    else:
        record["full_name"] = display_name(rng, core.given, core.family)
        if rng.random() < 0.03:
            record["emails"] = [email_variant(rng, core.personal_email, gmail=core.gmail)]
        if rng.random() < 0.3:
            record["address"] = {"locality": core.address.locality, "country": core.country}
    bio = _bio(rng, ctx.world, core)
    if bio:
        record["bio"] = bio
    shown = own[:1].upper() + own[1:] if platform != "linkedin" and rng.random() < 0.3 else own
    record["platform"] = platform
    record["handle"] = shown
    record["url"] = PROFILE_URL[platform].format(h=shown)
    low, high = FOLLOWERS[core.activity]
    record["followers_count"] = between(rng, low, high)
    record["following_count"] = between(rng, 10, 1500)
    record["verified"] = core.activity == "creator" and rng.random() < 0.05
    ctx.out.record(record, core.key)


def _linkedin_identity(world: World, core: PersonCore, record: dict[str, Any]) -> None:
    """LinkedIn shows real names and the current job (after any job change)."""
    record["given_name"] = core.given
    record["family_name"] = core.family
    record["address"] = {"locality": core.address.locality, "country": core.country}
    if core.staff_no is not None:
        record["company"] = {"name": BRAND, "domain": BRAND_DOMAIN}
        record["title"] = core.staff_title
        return
    company, title = core.company, core.title
    if core.job_change is not None:
        company, title = core.job_change.new_company, core.job_change.new_title
    if company is not None:
        info = world.company(company)
        record["company"] = {"name": info.name}
        record["title"] = title


def _bio(rng: Random, world: World, core: PersonCore) -> str | None:
    roll = rng.random()
    if roll < 0.25 and core.company is not None and core.title is not None:
        return f"{core.title} at {world.company(core.company).name} · {pick(rng, HOBBIES)}"
    if roll < 0.5:
        return f"{pick(rng, HOBBIES)} | {core.address.locality}"
    return None


def _posts(
    rng: Random, ctx: Context, core: PersonCore, platform: str, friends: list[PersonCore]
) -> None:
    """The person's own posts, sometimes tagging a friend."""
    for slot in range(min(core.posts.get(platform, 0), len(POST_SLOTS))):
        friend = pick(rng, friends) if friends and rng.random() < 0.5 else None
        at = event_time(ctx.world, core, f"{platform}-post", slot)
        _conversation(rng, ctx, core, platform, slot, at, friend=friend, parent=None)


def _replies(
    rng: Random, ctx: Context, core: PersonCore, platform: str, friends: list[PersonCore]
) -> None:
    """Comments under friends' posts: the strongest who-knows-whom signal on a network."""
    slots = iter(COMMENT_SLOTS)
    for friend in friends:
        posts = friend.posts.get(platform, 0)
        if posts == 0 or core.activity == "lurker" or rng.random() >= 0.35:
            continue
        parent = int(rng.random() * min(posts, len(POST_SLOTS)))
        parent_at = event_time(ctx.world, friend, f"{platform}-post", parent)
        at = later(rng, parent_at, max_seconds=3 * 86_400)
        slot = next(slots, None)
        if slot is None:
            return
        _conversation(rng, ctx, core, platform, slot, at, friend=friend, parent=(friend, parent))


def _conversation(
    rng: Random,
    ctx: Context,
    core: PersonCore,
    platform: str,
    slot: int,
    at: int,
    *,
    friend: PersonCore | None,
    parent: tuple[PersonCore, int] | None,
) -> None:
    """One post (parent None) or comment, with its truth: sentiment, intent, who is named."""
    intent = pick_intent(rng, core.persona)
    mention = (platform, handle_of(friend, platform)) if friend is not None else None
    said = compose(rng, core, intent, mention=mention)
    conversation_id = post_id(ctx.world, platform, core.index, slot)
    record = new_record("conversation", platform, conversation_id, min(WORLD_END, at + 90))
    record["channel"] = "post" if parent is None else "comment"
    record["platform"] = platform
    record["author"] = _author(core, platform)
    record["text"] = said.text
    record["at"] = iso(at)
    refs: dict[str, Any] = {}
    if parent is not None:
        record["in_reply_to"] = post_id(ctx.world, platform, parent[0].index, parent[1])
        refs["in_reply_to_author"] = parent[0].key
    record["url"] = POST_URL[platform].format(h=handle_of(core, platform), id=conversation_id)
    record["language"] = said.language
    if said.mentions:
        record["mentions"] = said.mentions
    if "people" in said.mentions and friend is not None:
        refs["mentions"] = [friend.key]
    ctx.out.record(record, core.key, sentiment=said.sentiment, intent=intent, refs=refs)


def _follows(
    rng: Random, ctx: Context, core: PersonCore, platform: str, friends: list[PersonCore]
) -> None:
    """Follows (x, instagram) or connections (linkedin) to friends on the network."""
    relation = "connection" if platform == "linkedin" else "follow"
    for slot, friend in enumerate(friends):
        if rng.random() >= 0.7:
            continue
        since = random_time(rng, after=max(core.joined, friend.joined))
        follow_id = sid(ctx.world, f"{platform}-follow", core.index, slot)
        record = new_record(
            "follow", platform, f"{platform[:2]}-f-{follow_id}", min(WORLD_END, since + 60)
        )
        record["follower"] = _author(core, platform)
        followed = handle_form(rng, platform, handle_of(friend, platform), url_share=0.0)
        record["followed"] = person_ref(handles=[handle(platform, followed)])
        record["platform"] = platform
        record["relation"] = relation
        record["at"] = iso(since)
        ctx.out.record(record, core.key, refs={"followed": friend.key})


def _direct_message(rng: Random, ctx: Context, core: PersonCore) -> None:
    """A private message to the brand's account, typically a complaint or a question."""
    if rng.random() >= (0.3 if core.persona == "detractor" else 0.04):
        return
    intent = (
        "complaint" if core.persona == "detractor" else pick(rng, ("question", "purchase_intent"))
    )
    said = compose(rng, core, intent)
    at = random_time(rng, after=core.joined)
    message_id = post_id(ctx.world, "x", core.index, MESSAGE_SLOT)
    record = new_record("conversation", "x", message_id, min(WORLD_END, at + 30))
    record["channel"] = "direct_message"
    record["platform"] = "x"
    record["author"] = _author(core, "x")
    record["text"] = said.text
    record["at"] = iso(at)
    record["direction"] = "inbound"
    record["department"] = "Customer Service"
    record["language"] = said.language
    if said.mentions:
        record["mentions"] = said.mentions
    ctx.out.record(record, core.key, sentiment=said.sentiment, intent=intent)


def _job_change(rng: Random, ctx: Context, core: PersonCore) -> None:
    """The announcement of a new job, as LinkedIn exports it."""
    change = core.job_change
    assert change is not None and core.company is not None
    old, new = ctx.world.company(core.company), ctx.world.company(change.new_company)
    record = new_record(
        "job_change",
        "linkedin",
        "li-job-" + sid(ctx.world, "linkedin-job", core.index, 0),
        min(WORLD_END, change.at + 3600),
    )
    linkedin = handle_form(rng, "linkedin", core.handle_linkedin, url_share=0.5)
    record["person"] = person_ref(handles=[handle("linkedin", linkedin)])
    record["old_company"] = {"name": old.name, "domain": old.domain}
    if core.title is not None:
        record["old_title"] = core.title
    record["new_company"] = {"name": new.name, "domain": new.domain}
    record["new_title"] = change.new_title
    record["at"] = iso(change.at)
    ctx.out.record(record, core.key)
