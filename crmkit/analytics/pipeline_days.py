"""The open pipeline on many days at once and each vendor's weighted forecast of it.

:func:`pipeline_snapshots` rebuilds the open pipeline on many days at once (the same deals and
amounts as :func:`crmkit.analytics.pipeline_as_of` gives day by day) and
:func:`snapshot_forecasts` weighs it with each vendor's stage probabilities
(:func:`crmkit.analytics.stage_probability_map`) beside the amount the deals were finally won
for (the same figures as :func:`crmkit.analytics.forecast_error`, without a loop over days).
:class:`PipelineForecasts` is the prepared form a widget reads: everything computed once, and
one call per day and vendor that only looks figures up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.pipeline import OPEN_STAGES, VENDORS, deal_outcomes, stage_probability_map
from crmkit.errors import ConfigError, describe_allowed

__all__ = ["vendor_probabilities", "pipeline_snapshots", "snapshot_forecasts", "PipelineForecasts"]


def vendor_probabilities(vendors=VENDORS) -> pd.DataFrame:
    """The chance of winning a deal at each open stage, one column per vendor's convention.

    >>> vendor_probabilities().loc["proposal"].tolist()
    [0.6, 0.75, 0.8, 0.65]
    """
    columns = {vendor: stage_probability_map(vendor).set_index("stage")["probability"] for vendor in vendors}
    return pd.DataFrame(columns).loc[list(OPEN_STAGES)].rename_axis("stage")


def _day_ends(dates) -> np.ndarray:
    # A day means the whole day, as in pipeline_as_of: changes made during it count.
    return (pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize() + pd.Timedelta(days=1)).to_numpy("datetime64[s]")


def pipeline_snapshots(opportunity_history: pd.DataFrame, dates) -> pd.DataFrame:
    """Every deal open at the end of each day of ``dates``, with its stage and amount then.

    A history row is a deal's state from its ``changed_at`` until the deal's next change, so
    each row is expanded over the days it was the latest one (no loop over days or deals).

    Parameters
    ----------
    opportunity_history : DataFrame
        ``opportunity_id``, ``stage``, ``amount``, ``changed_at`` (and ``history_id``, which
        orders changes made at the same moment).
    dates : sequence of date-like
        The days, in increasing order.

    Returns
    -------
    DataFrame
        ``as_of`` (the day), ``opportunity_id``, ``stage`` (text) and ``amount``; open deals only.

    Examples
    --------
    >>> history = pd.DataFrame({"opportunity_id": [1, 1, 2], "stage": ["proposal", "closed_won", "proposal"],
    ...     "amount": [100.0, 90.0, 50.0],
    ...     "changed_at": pd.to_datetime(["2024-01-02 09:00", "2024-01-15 10:00", "2024-02-01 09:00"])})
    >>> snaps = pipeline_snapshots(history, ["2024-01-14", "2024-01-15", "2024-02-01"])
    >>> snaps[["as_of", "opportunity_id"]].astype(str).values.tolist()
    [['2024-01-14', '1'], ['2024-02-01', '2']]
    """
    require_columns(opportunity_history, ["opportunity_id", "stage", "amount", "changed_at"], "opportunity_history")
    days = pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize()
    if not days.is_monotonic_increasing:
        raise ConfigError("dates: give the days in increasing order")
    order_by = ["changed_at", "history_id"] if "history_id" in opportunity_history else ["changed_at"]
    rows = opportunity_history.sort_values(order_by, kind="stable")
    until = rows.groupby("opportunity_id")["changed_at"].shift(-1)  # the moment the row stops being the latest
    ends = _day_ends(days)
    first = np.searchsorted(ends, rows["changed_at"].to_numpy("datetime64[s]"), side="right")
    stop = np.where(until.isna(), len(ends),
                    np.searchsorted(ends, until.fillna(pd.Timestamp(0)).to_numpy("datetime64[s]"), side="right"))
    spans = np.maximum(stop - first, 0)
    taken = np.repeat(np.arange(len(rows)), spans)
    day = np.repeat(first, spans) + (np.arange(len(taken)) - np.repeat(np.cumsum(spans) - spans, spans))
    table = pd.DataFrame({"as_of": days[day], "opportunity_id": rows["opportunity_id"].to_numpy()[taken],
                          "stage": rows["stage"].astype(str).to_numpy()[taken],
                          "amount": rows["amount"].to_numpy(float)[taken]})
    table = table[table["stage"].isin(OPEN_STAGES)]
    return table.sort_values(["as_of", "opportunity_id"], ignore_index=True)


def snapshot_forecasts(snapshots: pd.DataFrame, outcomes: pd.DataFrame, vendors=VENDORS) -> pd.DataFrame:
    """Each vendor's weighted forecast of each day's pipeline, beside what those deals really won.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`pipeline_snapshots`.
    outcomes : DataFrame
        From :func:`crmkit.analytics.deal_outcomes` (``opportunity_id``, ``outcome``, ``won_amount``).

    Returns
    -------
    DataFrame
        One row per day and method (each vendor, then ``all_open_closes``, the naive baseline):
        ``as_of``, ``method``, ``open_deals`` and ``unresolved_deals`` (outcome unknown, left out),
        ``forecast``, ``actual`` (amount the resolved deals were won for), ``error`` and
        ``abs_pct_error``, as :func:`crmkit.analytics.forecast_error` gives them.
    """
    require_columns(outcomes, ["opportunity_id", "outcome", "won_amount"], "outcomes")
    known = outcomes.set_index("opportunity_id")
    outcome = snapshots["opportunity_id"].map(known["outcome"])
    resolved = snapshots[outcome.notna().to_numpy() & outcome.ne("open").to_numpy()]
    won = resolved["opportunity_id"].map(known["won_amount"]).to_numpy(float)
    weights = vendor_probabilities(vendors).assign(all_open_closes=1.0)
    parts = {"actual": pd.Series(won, index=resolved.index)}
    for method in weights.columns:
        parts[method] = resolved["amount"] * resolved["stage"].map(weights[method])
    sums = pd.DataFrame(parts).groupby(resolved["as_of"].to_numpy()).sum()
    days = pd.DatetimeIndex(snapshots["as_of"].unique())
    sums = sums.reindex(days, fill_value=0.0)
    deals = snapshots.groupby("as_of").size().reindex(days, fill_value=0)
    settled = resolved.groupby("as_of").size().reindex(days, fill_value=0)
    table = sums.drop(columns="actual").rename_axis("as_of").reset_index().melt(
        id_vars="as_of", var_name="method", value_name="forecast")
    table["open_deals"] = table["as_of"].map(settled).to_numpy()
    table["unresolved_deals"] = (table["as_of"].map(deals) - table["open_deals"]).to_numpy()
    table["actual"] = table["as_of"].map(sums["actual"]).to_numpy()
    table["error"] = table["forecast"] - table["actual"]
    table["abs_pct_error"] = table["error"].abs() / table["actual"].where(table["actual"] > 0)
    order = {method: i for i, method in enumerate(weights.columns)}
    table = table.sort_values(["as_of", "method"], key=lambda c: c.map(order) if c.name == "method" else c)
    return table[["as_of", "method", "open_deals", "unresolved_deals", "forecast", "actual", "error",
                  "abs_pct_error"]].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class PipelineForecasts:
    """Every day's pipeline and forecasts, computed once (by :meth:`build`): the ``snapshots`` of
    every day of ``days``, their ``forecasts``, the amount each stage held per day (``by_stage``)
    and the vendors' stage ``probabilities``. Calling it with a day and a vendor only looks up
    that day's figures, so a widget can redraw on every move of a slider."""

    days: pd.DatetimeIndex
    snapshots: pd.DataFrame
    forecasts: pd.DataFrame
    by_stage: pd.DataFrame
    probabilities: pd.DataFrame

    @classmethod
    def build(cls, opportunity_history: pd.DataFrame, days, truth_opportunities=None) -> "PipelineForecasts":
        days = pd.DatetimeIndex(days)
        snapshots = pipeline_snapshots(opportunity_history, days)
        outcomes = deal_outcomes(opportunity_history, truth_opportunities)
        forecasts = snapshot_forecasts(snapshots, outcomes)
        by_stage = snapshots.pivot_table(index="as_of", columns="stage", values="amount", aggfunc="sum")
        by_stage = by_stage.reindex(index=days, columns=list(OPEN_STAGES)).fillna(0.0)
        return cls(days, snapshots, forecasts.set_index(["as_of", "method"]), by_stage, vendor_probabilities())

    def nearest_day(self, as_of) -> pd.Timestamp:
        """The last day of :attr:`days` on or before ``as_of`` (the first day if none)."""
        at = np.searchsorted(self.days.to_numpy(), pd.Timestamp(as_of).to_datetime64(), side="right") - 1
        return self.days[max(at, 0)]

    def stage_amounts(self, as_of, vendor: str = "crmkit") -> pd.DataFrame:
        """The open amount of each open stage on the day of ``as_of`` (see :meth:`nearest_day`)
        and that amount weighted by ``vendor``'s stage probabilities: ``open`` and ``weighted``."""
        _check_vendor(vendor)
        amounts = self.by_stage.loc[self.nearest_day(as_of)]
        return pd.DataFrame({"open": amounts, "weighted": amounts * self.probabilities[vendor]})

    def __call__(self, as_of, vendor: str = "crmkit") -> pd.Series:
        """The figures of the day of ``as_of`` (see :meth:`nearest_day`) for ``vendor``: ``as_of``,
        ``vendor``, ``forecast``, ``actual``, ``error``, ``abs_pct_error``, ``open_deals``,
        ``unresolved_deals`` and ``all_open_closes`` (the forecast if every open deal closed)."""
        _check_vendor(vendor)
        day = self.nearest_day(as_of)
        figures = self.forecasts.loc[(day, vendor)]
        everything = self.forecasts.loc[(day, "all_open_closes"), "forecast"]
        return pd.Series({"as_of": day, "vendor": vendor, **figures.to_dict(), "open_deals": int(figures["open_deals"]),
                          "unresolved_deals": int(figures["unresolved_deals"]), "all_open_closes": everything})


def _check_vendor(vendor: str) -> None:
    if vendor not in VENDORS:
        raise ConfigError(f"vendor = {vendor!r}: {describe_allowed(VENDORS)}")
