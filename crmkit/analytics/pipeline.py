"""Opportunity management: the pipeline and its forecast (rep activity is :mod:`crmkit.analytics.sales_reps`).

The pipeline is every open deal with its stage and amount. ``opportunities`` only shows
today's state; ``opportunity_history`` keeps every stage change, so the pipeline can be
rebuilt as it stood on any day. A weighted forecast multiplies each deal's amount by its
stage's probability; which probability depends on the CRM vendor's convention (the CRM
crosswalk), and comparing forecasts with what the deals really did shows which convention
fits these deals.
"""

from __future__ import annotations

__all__ = [
    "VENDORS", "stage_probability_map", "pipeline_as_of", "weighted_forecast", "pipeline_by_stage",
    "deal_outcomes", "forecast_error", "compare_forecasts",
]

from functools import cache

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError
from crmkit.world.ops.sales_crosswalk import crosswalk
from crmkit.world.vocabulary import terms

VENDORS = ("crmkit", "salesforce", "hubspot", "suitecrm")
OPEN_STAGES = ("prospecting", "qualification", "needs_analysis", "proposal", "negotiation")
ALL_CLOSE = "all_open_closes"  # the naive baseline: every open deal is won at its amount


def _end_of_day(as_of) -> pd.Timestamp:
    # A day means the whole day, as world.observed_until does: changes up to 23:59:59 count.
    return pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)


def stage_probability_map(vendor: str = "crmkit") -> pd.DataFrame:
    """The chance of winning a deal at each kit stage, by one CRM vendor's default convention.

    Where a vendor splits one kit stage into several of its own (Salesforce's four stages
    that fall under ``needs_analysis``), the kit stage gets the mean of their probabilities,
    as we cannot tell which of them a deal would be in.

    Parameters
    ----------
    vendor : str
        One of ``VENDORS``: ``crmkit`` (the convention the worlds are calibrated to),
        ``salesforce``, ``hubspot`` or ``suitecrm`` (see the CRM crosswalk for sources).

    Returns
    -------
    DataFrame
        ``stage`` (kit stage, vocabulary order), ``probability`` (0 to 1) and ``labels``
        (the vendor's stage names).

    Examples
    --------
    >>> stage_probability_map("hubspot").set_index("stage").probability["proposal"]
    np.float64(0.8)
    """
    stages = terms("opportunity_stage")
    probability, labels = _vendor_map(vendor)
    return pd.DataFrame({"stage": stages, "probability": [probability[s] for s in stages],
                         "labels": [labels[s] for s in stages]})


@cache
def _vendor_map(vendor: str) -> tuple[dict, dict]:
    # Read once per vendor: forecasts over many days ask for the same map again and again.
    if vendor not in VENDORS:
        raise DataError(f"vendor = {vendor!r} is not in the CRM crosswalk; allowed: {', '.join(VENDORS)}")
    cw = crosswalk()
    rows = cw[(cw.object == "opportunity_stage") & (cw.system == vendor)]
    grouped = rows.groupby("crmkit").agg(probability=("probability_pct", "mean"), labels=("label", " / ".join))
    return (grouped.probability.astype(float).div(100).to_dict(), grouped.labels.to_dict())


def pipeline_as_of(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, as_of) -> pd.DataFrame:
    """Every deal that was open at the end of the day ``as_of``, as it stood then.

    Parameters
    ----------
    opportunities : DataFrame
        The ``opportunities`` table (``opportunity_id``, ``customer_id``, ``kind``,
        ``owner_staff_id``, ``created_at``).
    opportunity_history : DataFrame
        The ``opportunity_history`` table (``opportunity_id``, ``stage``, ``amount``,
        ``probability``, ``close_date``, ``changed_at``).
    as_of : date-like
        The day; changes made during it count.

    Returns
    -------
    DataFrame
        One row per open deal: ``as_of``, ``opportunity_id``, ``customer_id``, ``kind``,
        ``owner_staff_id``, ``created_at``, ``stage``, ``amount``, ``probability``,
        ``close_date`` (expected then) and ``stage_since`` (when it entered that stage).

    Examples
    --------
    >>> deals = pd.DataFrame({"opportunity_id": [1, 2], "customer_id": [7, 8], "kind": ["bulk_order"] * 2,
    ...     "owner_staff_id": [3, 3], "created_at": pd.to_datetime(["2024-01-02", "2024-02-01"])})
    >>> history = pd.DataFrame({"opportunity_id": [1, 1, 2], "stage": ["proposal", "closed_won", "proposal"],
    ...     "amount": [100.0, 90.0, 50.0], "probability": [0.6, 1.0, 0.6],
    ...     "close_date": pd.to_datetime(["2024-01-20", "2024-01-15", "2024-02-20"]),
    ...     "changed_at": pd.to_datetime(["2024-01-02 09:00", "2024-01-15 10:00", "2024-02-01 09:00"])})
    >>> pipeline_as_of(deals, history, "2024-01-14")[["opportunity_id", "stage", "amount"]].values.tolist()
    [[1, 'proposal', 100.0]]
    >>> pipeline_as_of(deals, history, "2024-01-15").empty
    True
    """
    deal_columns = ["opportunity_id", "customer_id", "kind", "owner_staff_id", "created_at"]
    require_columns(opportunities, deal_columns, "opportunities")
    require_columns(opportunity_history, ["opportunity_id", "stage", "amount", "probability", "close_date", "changed_at"],
             "opportunity_history")
    known = opportunity_history[opportunity_history.changed_at < _end_of_day(as_of)]
    order_by = ["changed_at", "history_id"] if "history_id" in known else ["changed_at"]
    ordered = known.sort_values(order_by, kind="stable")
    latest = ordered.groupby("opportunity_id").tail(1)
    latest = latest[latest.stage.astype(str).isin(OPEN_STAGES)].rename(columns={"changed_at": "stage_since"})
    state = latest[["opportunity_id", "stage", "amount", "probability", "close_date", "stage_since"]]
    table = opportunities[deal_columns].merge(state, on="opportunity_id", how="inner")
    table.insert(0, "as_of", pd.Timestamp(as_of).normalize())
    return table.sort_values("opportunity_id", ignore_index=True)


def weighted_forecast(pipeline: pd.DataFrame, vendor: str = "crmkit") -> pd.DataFrame:
    """Add each deal's probability in a vendor's convention and its weighted amount.

    Reads ``stage`` and ``amount`` of a :func:`pipeline_as_of` table and returns a copy with
    ``vendor``, ``vendor_probability`` and ``weighted_amount`` (amount times probability);
    the sum of ``weighted_amount`` is the forecast.

    >>> pipe = pd.DataFrame({"stage": ["proposal", "negotiation"], "amount": [100.0, 200.0]})
    >>> weighted_forecast(pipe, "hubspot").weighted_amount.sum()
    np.float64(260.0)
    """
    require_columns(pipeline, ["stage", "amount"], "pipeline")
    probability = _vendor_map(vendor)[0]
    out = pipeline.copy()
    out["vendor"] = vendor
    out["vendor_probability"] = out.stage.astype(str).map(probability).astype(float)
    out["weighted_amount"] = out.amount * out.vendor_probability
    return out


def pipeline_by_stage(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Deals, amount and (if present) weighted amount per open stage, in stage order.

    >>> pipe = pd.DataFrame({"stage": ["proposal", "proposal", "negotiation"], "amount": [1.0, 2.0, 4.0]})
    >>> pipeline_by_stage(pipe).amount.tolist()
    [0.0, 0.0, 0.0, 3.0, 4.0]
    """
    require_columns(pipeline, ["stage", "amount"], "pipeline")
    sums = {"deals": ("amount", "size"), "amount": ("amount", "sum")}
    if "weighted_amount" in pipeline:
        sums["weighted_amount"] = ("weighted_amount", "sum")
    table = pipeline.groupby(pipeline.stage.astype(str)).agg(**sums).reindex(list(OPEN_STAGES), fill_value=0)
    return table.rename_axis("stage").reset_index()


def deal_outcomes(opportunity_history: pd.DataFrame, truth_opportunities: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each deal really did: won or lost, when, and the amount won.

    Deals closed during the observation window take their outcome from their closing row
    in ``opportunity_history``; deals still open at its end take it from
    ``truth.opportunities`` when given (the hold-out period), else stay ``open``.

    Returns ``opportunity_id``, ``outcome`` (won, lost or open), ``won_amount`` (0 unless
    won), ``closed_at`` and ``known_from`` (observed, truth or none).

    >>> history = pd.DataFrame({"opportunity_id": [1, 1, 2], "stage": ["proposal", "closed_won", "proposal"],
    ...     "amount": [100.0, 90.0, 50.0], "changed_at": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-03"])})
    >>> deal_outcomes(history)[["outcome", "won_amount"]].values.tolist()
    [['won', 90.0], ['open', 0.0]]
    """
    require_columns(opportunity_history, ["opportunity_id", "stage", "amount", "changed_at"], "opportunity_history")
    last = opportunity_history.sort_values("changed_at", kind="stable").groupby("opportunity_id").tail(1)
    stage = last.stage.astype(str)
    out = pd.DataFrame({"opportunity_id": last.opportunity_id.to_numpy(),
                        "outcome": stage.map({"closed_won": "won", "closed_lost": "lost"}).fillna("open").to_numpy(),
                        "amount": last.amount.to_numpy(), "closed_at": last.changed_at.to_numpy()})
    out["known_from"] = out.outcome.map(lambda outcome: "none" if outcome == "open" else "observed")
    if truth_opportunities is not None:
        require_columns(truth_opportunities, ["opportunity_id", "is_won", "closed_at", "final_amount"],
                 "truth_opportunities")
        truth = truth_opportunities.set_index("opportunity_id")
        still_open = out.outcome.eq("open") & out.opportunity_id.isin(truth.index)
        ids = out.opportunity_id[still_open]
        out.loc[still_open, "outcome"] = truth.is_won.reindex(ids).map({True: "won", False: "lost"}).to_numpy()
        out.loc[still_open, "amount"] = truth.final_amount.reindex(ids).to_numpy()
        out.loc[still_open, "closed_at"] = truth.closed_at.reindex(ids).to_numpy()
        out.loc[still_open, "known_from"] = "truth"
    out.loc[out.outcome.eq("open"), "closed_at"] = pd.NaT
    out["won_amount"] = out.amount.where(out.outcome.eq("won"), 0.0)
    return out[["opportunity_id", "outcome", "won_amount", "closed_at", "known_from"]].sort_values(
        "opportunity_id", ignore_index=True)


def forecast_error(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, as_of_dates,
                   truth_opportunities: pd.DataFrame | None = None, vendors=VENDORS) -> pd.DataFrame:
    """Each vendor's weighted forecast of the open pipeline against what those deals really won.

    For every day of ``as_of_dates`` the pipeline is rebuilt (:func:`pipeline_as_of`); each
    vendor's forecast is its weighted amount, the naive baseline ``all_open_closes`` is the
    whole open amount, and the actual is the amount those same deals were finally won for
    (:func:`deal_outcomes`). Deals whose outcome is unknown are left out and counted.

    Returns
    -------
    DataFrame
        One row per day and method: ``as_of``, ``method``, ``open_deals``, ``unresolved_deals``,
        ``forecast``, ``actual``, ``error`` (forecast minus actual) and ``abs_pct_error``.
    """
    outcomes = deal_outcomes(opportunity_history, truth_opportunities).set_index("opportunity_id")
    rows = []
    for day in pd.to_datetime(pd.Series(list(as_of_dates))):
        pipe = pipeline_as_of(opportunities, opportunity_history, day)
        outcome = outcomes.reindex(pipe.opportunity_id)
        resolved = pipe[outcome.outcome.ne("open").to_numpy() & outcome.outcome.notna().to_numpy()]
        actual = float(outcomes.won_amount.reindex(resolved.opportunity_id).sum())
        stage = resolved.stage.astype(str)
        forecasts = {v: (resolved.amount * stage.map(_vendor_map(v)[0])).sum() for v in vendors}
        forecasts[ALL_CLOSE] = resolved.amount.sum()
        for method, forecast in forecasts.items():
            rows.append({"as_of": day.normalize(), "method": method, "open_deals": len(resolved),
                         "unresolved_deals": len(pipe) - len(resolved), "forecast": float(forecast),
                         "actual": actual})
    table = pd.DataFrame(rows)
    table["error"] = table.forecast - table.actual
    table["abs_pct_error"] = table.error.abs() / table.actual.where(table.actual > 0)
    return table


def compare_forecasts(errors: pd.DataFrame) -> pd.DataFrame:
    """Summarise :func:`forecast_error` per method: ``mean_error`` (bias), ``mean_abs_error``
    and ``wape`` (total absolute error over total actual); best (lowest wape) first.

    >>> errors = pd.DataFrame({"method": ["a", "a", "b", "b"], "error": [10.0, -10.0, 30.0, 10.0],
    ...     "actual": [100.0, 100.0, 100.0, 100.0]})
    >>> compare_forecasts(errors)[["method", "wape"]].values.tolist()
    [['a', 0.1], ['b', 0.2]]
    """
    require_columns(errors, ["method", "error", "actual"], "errors")
    grouped = errors.assign(abs_error=errors.error.abs()).groupby("method")
    table = grouped.agg(mean_error=("error", "mean"), mean_abs_error=("abs_error", "mean"),
                        total_abs_error=("abs_error", "sum"), total_actual=("actual", "sum"))
    table["wape"] = table.total_abs_error / table.total_actual
    table = table.drop(columns=["total_abs_error", "total_actual"]).sort_values("wape")
    return table.reset_index()


