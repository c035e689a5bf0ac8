"""Generate one chunk of people: every record every source holds about them."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from ingest.synthetic.groups import WorldSpec
from ingest.synthetic.output import ChunkOutput, Emitter
from ingest.synthetic.render_common import Context
from ingest.synthetic.render_crm import render_crm
from ingest.synthetic.render_marketing import render_marketing
from ingest.synthetic.render_referrals import render_referral
from ingest.synthetic.render_shop import render_shop
from ingest.synthetic.render_social import render_social
from ingest.synthetic.render_staff import render_staff
from ingest.synthetic.render_support import render_support
from ingest.synthetic.render_truth import render_truth
from ingest.synthetic.seeds import rng_for
from ingest.synthetic.world import PersonCore, World

Renderer = Callable[[Context, PersonCore, Random], None]

# Fixed order: the renderers share the person's random stream, so the order is part of the
# output (changing one renderer may change the bytes of those after it).
RENDERERS: tuple[Renderer, ...] = (
    render_truth,
    render_crm,
    render_support,
    render_shop,
    render_referral,
    render_staff,
    render_social,
    render_marketing,
)


def generate_chunk(spec: WorldSpec, first: int, count: int) -> ChunkOutput:
    """Records of people `first` .. `first + count - 1` (runs in a worker process)."""
    context = Context(World(spec), Emitter())
    for index in range(first, min(first + count, spec.people)):
        core = context.world.person(index)
        # One stream per person, not per source: seeding a Random costs more than using it.
        rng = rng_for(spec.seed, "render", index)
        for render in RENDERERS:
            render(context, core, rng)
    return context.out.finish(first)
