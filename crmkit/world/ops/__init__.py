"""Operational CRM in the world: staff and partners (global), then, block by block, the
sales pipeline, the service desk and feedback, billing, and the messy source systems.

Each block component is a function ``simulate(context) -> {table name: DataFrame}`` that
reads a :class:`crmkit.world.context.BlockContext` and returns tables with local 0-based
ids (-1 for none) and a ``_customer`` column; it returns nothing when its config section
is absent. They run in the order of :mod:`crmkit.world.ops.components` (the registry), so a
later one may read an earlier one's tables.
"""
