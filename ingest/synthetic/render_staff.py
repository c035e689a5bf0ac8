"""The employee directory of the operating company: staff, departments, managers."""

from __future__ import annotations

from random import Random

from ingest.synthetic.groups import staff_department, staff_manager
from ingest.synthetic.output import new_record
from ingest.synthetic.phones import format_phone
from ingest.synthetic.render_common import Context, staff_ref
from ingest.synthetic.seeds import WORLD_END, between, iso_date
from ingest.synthetic.world import PersonCore

SOURCE = "hr"


def render_staff(ctx: Context, core: PersonCore, rng: Random) -> None:
    """The directory entry of a staff member (clean data: HR types carefully)."""
    if core.staff_no is None or core.staff_email is None:
        return
    employee_id = f"E-{core.staff_no:05d}"
    record = new_record("employee", SOURCE, employee_id, WORLD_END - 86_400)
    record["given_name"] = core.given
    record["family_name"] = core.family
    record["emails"] = [core.staff_email]
    record["phones"] = [format_phone(core.mobile, "intl")]
    record["title"] = core.staff_title
    record["employee_id"] = employee_id
    record["department"] = staff_department(core.staff_no)
    refs: dict[str, str] = {}
    manager = staff_manager(core.staff_no)
    if manager is not None and manager < ctx.world.spec.staff:
        record["manager"], refs["manager"] = staff_ref(ctx.world, manager)
    record["hired_on"] = iso_date(min(core.joined, WORLD_END - between(rng, 30, 2999) * 86_400))
    ctx.out.record(record, core.key, refs=refs)
