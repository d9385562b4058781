"""Operational CRM in the world: staff and partners (global), then, block by block, the
sales pipeline, the service desk and feedback, billing, and the messy source systems.

Each block component is a function ``simulate(context) -> {table name: DataFrame}`` that
reads a :class:`crmkit.world.context.BlockContext` and returns tables with local 0-based
ids (-1 for none) and a ``_customer`` column; it returns nothing when its config section
is absent. They run in this order, so a later one may read an earlier one's tables.
"""

from crmkit.world.ops import finance, partners, sales, service_desk, sources, staff

BLOCK_COMPONENTS = (sales.simulate, service_desk.simulate, finance.simulate, sources.simulate)
GLOBAL_COMPONENTS = (staff.tables, partners.tables)
# Each component's own consistency checks, run by crmkit.world.validate.check_world.
CHECKS = (sales.check, service_desk.check, finance.check, sources.check)
