"""How real a customer base looks: the matched-cohort statistics of the realism benchmark.

The same few numbers are computed for a real data set (CDNOW, which ``lifetimes`` ships) and
for a world, on the same kind of cohort: customers whose first purchase falls in the first
``cohort_weeks`` weeks, followed for ``window_weeks`` weeks from the start (CDNOW: the 1997
Q1 cohort, 78 weeks; Fader, Hardie & Lee 2005). Purchases on the same day count as one, as
in ``lifetimes.utils.summary_data_from_transaction_data`` with days as the unit.

* one-time share: buyers with no repeat purchase in the window;
* repeat-count mean and variance (the NBD's over-dispersion shows in variance / mean);
* top-20% revenue share: the share of the cohort's revenue that its best fifth brings;
* spend skew: the skewness of spend per purchase (per customer-day);
* BG/NBD parameters (r, alpha, a, b; weeks) fitted with ``lifetimes.BetaGeoFitter``, and the
  mean dropout per purchase a / (a + b);
* Gamma-Gamma parameters (p, q, v) fitted with ``lifetimes.GammaGammaFitter`` on repeaters.
"""

from __future__ import annotations

__all__ = ["STATISTICS", "cohort_purchases", "cohort_summary", "realism_statistics", "world_realism"]

import warnings

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns

# The statistics :func:`realism_statistics` returns, in the order the benchmark prints them.
STATISTICS = ("customers", "one_time_share", "repeat_mean", "repeat_var", "top20_share", "spend_mean",
              "spend_skew", "bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "dropout", "gg_p", "gg_q", "gg_v")


def cohort_purchases(orders: pd.DataFrame, start, cohort_weeks: int = 12, window_weeks: int = 78,
                     customer: str = "customer_id", time: str = "ordered_at", value: str = "net_amount") -> pd.DataFrame:
    """Purchases (one row per customer and day) of the customers who first bought in the cohort weeks.

    Parameters
    ----------
    orders : DataFrame
        One row per order, with a customer, a timestamp and an amount.
    start : date-like
        The first day of the cohort (and of the window).
    cohort_weeks, window_weeks : int
        Length of the cohort's entry period and of the whole window, in weeks.

    Returns
    -------
    DataFrame
        ``customer_id``, ``day`` (days since ``start``) and ``amount``, within the window.
    """
    require_columns(orders, [customer, time, value], "orders")
    start = pd.Timestamp(start)
    day = (pd.to_datetime(orders[time]) - start).dt.days.to_numpy()
    keep = (day >= 0) & (day < 7 * window_weeks)
    frame = pd.DataFrame({"customer_id": orders[customer].to_numpy()[keep], "day": day[keep],
                          "amount": orders[value].to_numpy(dtype=float)[keep]})
    daily = frame.groupby(["customer_id", "day"], as_index=False, sort=True)["amount"].sum()
    first = daily.groupby("customer_id")["day"].transform("min")
    return daily[first < 7 * cohort_weeks].reset_index(drop=True)


def cohort_summary(purchases: pd.DataFrame, window_weeks: int = 78) -> pd.DataFrame:
    """The BTYD summary of a cohort in weeks: frequency (repeats), recency, T, repeat spend, revenue."""
    g = purchases.groupby("customer_id", sort=True)
    first, last = g["day"].min(), g["day"].max()
    count, revenue, first_spend = g["day"].size(), g["amount"].sum(), g["amount"].first()
    repeats = count - 1
    repeat_spend = (revenue - first_spend) / repeats.where(repeats > 0)
    return pd.DataFrame({
        "frequency": repeats.astype(float), "recency": (last - first) / 7.0,
        "T": (7 * window_weeks - first) / 7.0, "monetary_value": repeat_spend.fillna(0.0), "revenue": revenue,
    })


def _fits(summary: pd.DataFrame) -> dict[str, float]:
    with warnings.catch_warnings():  # lifetimes warns about its own pandas idioms
        warnings.simplefilter("ignore")
        from lifetimes import (  # only the fits need lifetimes
            BetaGeoFitter,
            GammaGammaFitter,
        )

        bg = BetaGeoFitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"])
        repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        gg = GammaGammaFitter(penalizer_coef=0.0).fit(repeaters["frequency"], repeaters["monetary_value"])
    b, g = bg.params_, gg.params_
    return {"bgnbd_r": b["r"], "bgnbd_alpha": b["alpha"], "bgnbd_a": b["a"], "bgnbd_b": b["b"],
            "dropout": b["a"] / (b["a"] + b["b"]), "gg_p": g["p"], "gg_q": g["q"], "gg_v": g["v"]}


def _skew(x: np.ndarray) -> float:
    d = x - x.mean()
    return float((d ** 3).mean() / (d ** 2).mean() ** 1.5)


def realism_statistics(purchases: pd.DataFrame, window_weeks: int = 78, fit: bool = True) -> dict[str, float]:
    """The realism statistics of a cohort's purchases (see the module docstring).

    Parameters
    ----------
    purchases : DataFrame
        As returned by :func:`cohort_purchases`.
    fit : bool
        Also fit BG/NBD and Gamma-Gamma (about a second for 20,000 customers).

    Returns
    -------
    dict
        Statistic name to value; the keys are :data:`STATISTICS` (without the fits when
        ``fit`` is false).
    """
    summary = cohort_summary(purchases, window_weeks)
    repeats = summary["frequency"].to_numpy()
    revenue = np.sort(summary["revenue"].to_numpy())[::-1]
    top = int(np.ceil(0.2 * len(revenue)))
    amounts = purchases["amount"].to_numpy(dtype=float)
    out = {
        "customers": float(len(summary)), "one_time_share": float((repeats == 0).mean()),
        "repeat_mean": float(repeats.mean()), "repeat_var": float(repeats.var()),
        "top20_share": float(revenue[:top].sum() / revenue.sum()),
        "spend_mean": float(amounts.mean()), "spend_skew": _skew(amounts),
    }
    if fit:
        out.update(_fits(summary))
    return {k: float(out[k]) for k in STATISTICS if k in out}


def world_realism(world, cohort_weeks: int = 12, window_weeks: int = 78, fit: bool = True) -> dict[str, float]:
    """The realism statistics of a world's first-weeks cohort (from its observed orders).

    The case's ``realism`` section, when it has one, sets the cohort and window weeks.
    """
    targets = getattr(world.config, "realism", None)
    if targets is not None:  # the case's own cohort, if it states one
        cohort_weeks, window_weeks = targets.cohort_weeks, targets.window_weeks
    start = world.config.calendar.start_date
    purchases = cohort_purchases(world.tables["orders"], start, cohort_weeks, window_weeks)
    return realism_statistics(purchases, window_weeks, fit)
