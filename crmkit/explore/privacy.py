"""Privacy on a world, drawn: how big the groups are that a shared extract hides each customer in.

The computations live in :mod:`crmkit.analytics.privacy_sharing` (consent reach, the partner
extract, its generalised forms, k-anonymity of one way of sharing it, what purchases reveal);
they are imported here too, where the lessons first found them. :func:`draw_anonymity` draws
one way of sharing and :func:`anonymity_explorer` lets a learner try combinations (every
generalised column is prepared once, so an update only groups 3,000 rows).
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.privacy_sharing import (  # noqa: F401  (the computations, imported from here by lessons)
    BIRTH_BANDS, LOCATIONS, OTHER_QUASI_IDENTIFIERS, AnonymityView, anonymity_view, consent_reach, partner_extract,
    prepare_extract, purchase_inference,
)
from crmkit.explore._base import explorer

__all__ = ["BIRTH_BANDS", "LOCATIONS", "OTHER_QUASI_IDENTIFIERS", "consent_reach", "partner_extract",
           "prepare_extract", "AnonymityView", "anonymity_view", "draw_anonymity", "anonymity_explorer",
           "purchase_inference"]


def _label(column: str) -> str:
    """How a shared column reads in a title: ``birth_10`` is the birth year in 10-year bands."""
    if column.startswith("birth_"):
        width = int(column.split("_")[1])
        return "birth year" if width == 1 else f"birth year ({width}-year band)"
    return column.replace("_", " ")


def draw_anonymity(prepared: pd.DataFrame, birth: str = "exact year", location: str = "city", others=(),
                   target: int = 5, ax=None) -> AnonymityView:
    """Bars of the rows by the size of the group they hide in, red below the target k."""
    from crmkit.plots._base import new_axes

    view = anonymity_view(prepared, birth, location, others, target)
    ax = new_axes(ax, (8, 3.8))
    colours = ["#cb181d" if low < target else "#2171b5" for low in view.sizes["low"]]
    ax.bar(view.sizes["group_size"], view.sizes["rows"], color=colours)
    shared = ", ".join(_label(c) for c in view.quasi_identifiers) or "no quasi-identifier"
    ax.set(xlabel="rows sharing the same quasi-identifiers (group size)", ylabel="rows",
           title=f"Shared: {shared}. k = {view.k}; "
                 f"{view.rows_at_risk:,} rows ({view.share_at_risk:.0%}) in groups under {target} (synthetic data)")
    ax.title.set_fontsize(9)
    return view


def anonymity_explorer(world, birth: str = "exact year", location: str = "city", others=(), target: int = 5,
                       secret: str = "crmkit-lesson-secret-key"):
    """Choose how to share the birth year, the location and other columns; see k and the rows at risk.

    ``widget.result`` is the current :class:`AnonymityView`; controls ``birth``, ``location``,
    one tick box per column of :data:`OTHER_QUASI_IDENTIFIERS` (``loyalty_tier``,
    ``acquisition_source``, ``signup_year``: shared or not) and ``target`` (the k wanted).
    The extract and all its generalised columns are prepared once (``widget.extract``).
    """
    import ipywidgets as widgets

    prepared = prepare_extract(partner_extract(world, secret))

    def draw(ax, birth, location, target, **ticked):
        shared = tuple(column for column in OTHER_QUASI_IDENTIFIERS if ticked[column])
        return draw_anonymity(prepared, birth, location, shared, target, ax=ax)

    boxes = {column: widgets.Checkbox(value=column in others, description=f"share {_label(column)}")
             for column in OTHER_QUASI_IDENTIFIERS}
    widget = explorer(draw, figsize=(8, 3.8),
                      birth=widgets.Dropdown(options=list(BIRTH_BANDS), value=birth, description="birth year"),
                      location=widgets.Dropdown(options=list(LOCATIONS), value=location, description="location"),
                      target=widgets.IntSlider(value=target, min=2, max=20, description="k wanted"), **boxes)
    widget.extract = prepared  # the precomputed data, for the next cell and the tests
    return widget
