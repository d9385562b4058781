"""Small helpers shared by the plot modules."""

from __future__ import annotations

import matplotlib.pyplot as plt


def new_axes(ax=None, size: tuple[float, float] = (7, 3.5)):
    """Return ``ax``, or the axes of a new constrained-layout figure of ``size`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax
