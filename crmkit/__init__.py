"""crmkit: a Jupyter kit for teaching Customer Relationship Management.

The kit simulates synthetic CRM worlds (customers living a relationship over time, across
touchpoints, with the hidden truth of what really happened) and builds lessons on them.

>>> import crmkit as ck
>>> "pschse" in ck.cases()
True

Importing the package does nothing visible: heavy or styling libraries (seaborn,
ipywidgets, Faker) load only when a function first needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["simulate", "load_world", "load_dataset", "dataset_names", "cases", "World", "load_config"]


def __getattr__(name: str):
    # Lazy public API: keeps `import crmkit` fast and free of side effects.
    if name in ("simulate",):
        from crmkit.world.engine import simulate

        return simulate
    if name in ("World", "load_world"):
        from crmkit.world import world

        return getattr(world, name)
    if name in ("load_dataset", "dataset_names"):
        from crmkit.world import datasets

        return getattr(datasets, name)
    if name in ("cases", "load_config"):
        from crmkit.world import cases

        return getattr(cases, name)
    if name in ("planning", "analytics", "plots", "frameworks", "explore", "teach"):
        import importlib

        return importlib.import_module(f"crmkit.{name}")
    raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
