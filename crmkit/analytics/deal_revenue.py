"""From forecast to revenue: reconcile the weighted pipeline with what the won deals booked.

A forecast made on one day says what the open deals should bring. Later, each of them has
been won (and booked as an order, then invoiced and paid), lost, or is still open. The
reconciliation puts these side by side, stage by stage, so a sales manager sees where the
forecast went: into booked revenue, into lost deals, or into deals that slipped.
"""

from __future__ import annotations

__all__ = ["deal_revenue", "reconcile_forecast"]

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.pipeline import OPEN_STAGES, pipeline_as_of, weighted_forecast


def _day_after(day) -> pd.Timestamp:
    return pd.Timestamp(day).normalize() + pd.Timedelta(days=1)


def deal_revenue(orders: pd.DataFrame, invoices: pd.DataFrame | None = None, until=None) -> pd.DataFrame:
    """What each won deal booked: its orders' net amount, and (with invoices) billed and paid.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``order_id``, ``opportunity_id``, ``ordered_at``, ``net_amount``);
        orders without a deal are left out.
    invoices : DataFrame, optional
        The ``invoices`` table (``order_id``, ``amount``, ``amount_paid``): adds ``invoiced``
        and ``paid`` (as of the end of the window, whatever ``until`` says).
    until : date-like, optional
        Count only orders placed up to the end of this day.

    Returns
    -------
    DataFrame
        One row per deal with an order: ``opportunity_id``, ``orders``, ``booked`` and, with
        invoices, ``invoiced`` and ``paid``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "opportunity_id": [None, 7, 7],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01"]), "net_amount": [5.0, 90.0, 10.0]})
    >>> deal_revenue(orders, until="2024-02-01").to_dict("records")
    [{'opportunity_id': 7, 'orders': 1, 'booked': 90.0}]
    """
    require_columns(orders, ["order_id", "opportunity_id", "ordered_at", "net_amount"], "orders")
    booked = orders[orders.opportunity_id.notna()]
    if until is not None:
        booked = booked[booked.ordered_at < _day_after(until)]
    out = booked.groupby(booked.opportunity_id.astype("int64")).agg(orders=("order_id", "size"), booked=("net_amount", "sum"))
    if invoices is not None:
        require_columns(invoices, ["order_id", "amount", "amount_paid"], "invoices")
        billed = invoices.loc[invoices.order_id.isin(booked.order_id), ["order_id", "amount", "amount_paid"]].merge(booked[["order_id", "opportunity_id"]], on="order_id")
        sums = billed.groupby(billed.opportunity_id.astype("int64"))[["amount", "amount_paid"]].sum()
        out = out.join(sums.rename(columns={"amount": "invoiced", "amount_paid": "paid"})).fillna(0.0)
    return out.rename_axis("opportunity_id").reset_index()


def reconcile_forecast(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, orders: pd.DataFrame,
                       as_of, until, invoices: pd.DataFrame | None = None, vendor: str = "crmkit") -> pd.DataFrame:
    """The weighted forecast of the pipeline on ``as_of`` against what its deals did by ``until``.

    Parameters
    ----------
    opportunities, opportunity_history : DataFrame
        The deals and their stage changes (see :func:`crmkit.analytics.pipeline.pipeline_as_of`).
    orders : DataFrame
        The ``orders`` table with ``opportunity_id``: a won deal's revenue is the orders it booked.
    as_of, until : date-like
        The day of the forecast and the day (inclusive) of the reckoning.
    invoices : DataFrame, optional
        Adds ``invoiced`` and ``paid`` for the booked orders.
    vendor : str
        Whose stage probabilities weight the forecast (see ``pipeline.VENDORS``).

    Returns
    -------
    DataFrame
        One row per open stage on ``as_of`` and a ``total`` row: ``deals``, ``pipeline``
        (their amount then), ``forecast`` (weighted), ``won``, ``lost`` and ``still_open``
        (deals by their state on ``until``), ``booked`` (net amount of the orders the won
        deals booked by then), ``gap`` (booked minus forecast) and, with invoices,
        ``invoiced`` and ``paid``.
    """
    pipe = weighted_forecast(pipeline_as_of(opportunities, opportunity_history, as_of), vendor)
    later = opportunity_history[opportunity_history.changed_at < _day_after(until)]
    state = later.sort_values("changed_at", kind="stable").groupby("opportunity_id").stage.last().astype(str)
    state = state.reindex(pipe.opportunity_id).to_numpy()
    revenue = deal_revenue(orders, invoices, until).set_index("opportunity_id").reindex(pipe.opportunity_id).fillna(0.0)
    per_deal = pd.DataFrame({
        "stage": pipe.stage.astype(str).to_numpy(), "deals": 1, "pipeline": pipe.amount.to_numpy(),
        "forecast": pipe.weighted_amount.to_numpy(), "won": state == "closed_won", "lost": state == "closed_lost",
        "still_open": ~pd.Series(state).isin(["closed_won", "closed_lost"]).to_numpy(),
        **{c: revenue[c].to_numpy() for c in revenue.columns if c != "orders"},
    })
    table = per_deal.groupby("stage").sum(numeric_only=True).reindex(list(OPEN_STAGES), fill_value=0)
    table.loc["total"] = table.sum()
    for column in ("deals", "won", "lost", "still_open"):
        table[column] = table[column].astype("int64")
    table["gap"] = table.booked - table.forecast
    return table.rename_axis("stage").reset_index()
