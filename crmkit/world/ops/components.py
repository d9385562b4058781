"""The registry of the world's operational components, in the order they run.

Kept apart from the components themselves so that the engine and the checks can read it
without importing each other.
"""

from crmkit.world.ops import deal_orders, finance, partners, sales, service_desk, sources, staff

# deal_orders runs after sales (it books the won deals) and before finance (which bills them).
BLOCK_COMPONENTS = (sales.simulate, deal_orders.simulate, service_desk.simulate, finance.simulate, sources.simulate)
GLOBAL_COMPONENTS = (staff.tables, partners.tables)
# Each component's own consistency checks, run by crmkit.world.validate.check_world.
CHECKS = (sales.check, service_desk.check, finance.check, sources.check)
