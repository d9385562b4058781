"""Placeholder: this component is being built (see its issue); it makes no tables yet."""

from __future__ import annotations

import pandas as pd

from crmkit.world.sections import Remark, Section


class SalesConfig(Section):
    remark: Remark


def simulate(context) -> dict[str, pd.DataFrame]:
    """No tables yet."""
    return {}


def check(world) -> list[str]:
    """Breaches of this component's consistency rules, in words (none yet)."""
    return []
