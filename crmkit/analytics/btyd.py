"""Probabilistic customer value: the "buy till you die" (BTYD) models.

The BG/NBD model of purchase counts (Fader, Hardie & Lee 2005, "'Counting your customers'
the easy way: an alternative to the Pareto/NBD model", *Marketing Science* 24(2), 275-284)
with the Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The Gamma-Gamma
model of monetary value", note at brucehardie.com/notes/025). Both are fitted here by
maximum likelihood with scipy, on the BTYD summary of :func:`crmkit.analytics.rfm`, in a few
transparent lines; :func:`probabilistic_clv` fits both and predicts each customer's value.

:func:`btyd_summary` is what the models read: per customer ``frequency`` (the number of
*repeat purchase days*, days with at least one order after the first), ``recency`` (days
from the first to the last purchase day), ``T`` (days from the first purchase day to
``as_of``) and ``monetary_value`` (the mean spend of the repeat purchase days). These are the
conventions of ``lifetimes.utils.summary_data_from_transaction_data`` with days as the unit,
so both give the same numbers on the same orders; :func:`crmkit.analytics.rfm` gives them
beside the marketer's R, F and M.
"""

from __future__ import annotations

__all__ = ["btyd_summary", "fit_bgnbd", "fit_gamma_gamma", "expected_purchases", "expected_order_value", "probabilistic_clv"]

import numpy as np
import pandas as pd
from scipy.special import hyp2f1

from crmkit.analytics._btyd_fit import (bgnbd_data, bgnbd_loglik, bgnbd_loglik_and_gradient, distinct_rows, fit,
                                        gamma_gamma_data, gamma_gamma_loglik, gamma_gamma_loglik_and_gradient,
                                        sample_rows)
from crmkit.analytics._checks import require_columns
from crmkit.analytics.order_days import as_day, order_days
from crmkit.errors import DataError


def btyd_summary(orders: pd.DataFrame, as_of, value: str = "net_amount", refunds: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """The BTYD summary of every customer who bought by ``as_of`` (see the module's text).

    Reads ``orders`` (``customer_id``, ``ordered_at``, ``value``; with ``refunds``, also
    ``order_id``: money refunded by ``as_of`` is taken off its order). Returns
    ``customer_id``, ``frequency``, ``recency``, ``T`` and ``monetary_value`` (0 without a
    repeat purchase day), all in days and floats, sorted by ``customer_id``.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "ordered_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-11 10:00", "2024-01-11 18:00", "2024-01-20 12:00"]),
    ...     "net_amount": [10.0, 20.0, 30.0, 5.0]})
    >>> btyd_summary(orders, as_of="2024-01-31")
       customer_id  frequency  recency     T  monetary_value
    0            1        1.0     10.0  30.0            50.0
    1            2        0.0      0.0  11.0             0.0
    """
    days = order_days(orders, as_of, value, refunds)
    spend_per_day = days.groupby(["customer_id", "day"], sort=True)["amount"].sum().reset_index()
    first_day = spend_per_day.groupby("customer_id")["day"].transform("min")
    repeat_days = spend_per_day[spend_per_day["day"] > first_day]
    per_customer = spend_per_day.groupby("customer_id", sort=True)["day"].agg(["size", "min", "max"])
    summary = pd.DataFrame({
        "customer_id": per_customer.index.to_numpy(),
        "frequency": (per_customer["size"] - 1).to_numpy(dtype="float64"),
        "recency": (per_customer["max"] - per_customer["min"]).to_numpy(dtype="float64"),
        "T": (as_day(as_of) - per_customer["min"]).to_numpy(dtype="float64"),
    })
    repeat_spend = repeat_days.groupby("customer_id")["amount"].sum()
    spend = summary["customer_id"].map(repeat_spend).fillna(0.0).to_numpy(dtype="float64")
    summary["monetary_value"] = np.where(summary["frequency"] > 0, spend / summary["frequency"].clip(lower=1), 0.0)
    return summary


def _summary_arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    require_columns(summary, ["frequency", "recency", "T"], "summary")
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    if len(x) == 0 or np.any(x < 0) or np.any(t_x > T) or np.isnan(x + t_x + T).any():
        raise DataError("summary: need rows with frequency >= 0 and recency <= T, as made by rfm()")
    return x, t_x, T


def fit_bgnbd(summary: pd.DataFrame) -> pd.Series:
    """Fit the BG/NBD model to a BTYD summary by maximum likelihood.

    Purchases follow a Poisson process with a rate drawn from Gamma(r, alpha); after each
    purchase the customer drops out with a probability drawn from Beta(a, b).

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmkit.analytics.rfm` (columns ``frequency``, ``recency``, ``T`` in days).

    Returns
    -------
    Series
        The parameters ``r``, ``alpha`` (in days), ``a``, ``b``.

    Notes
    -----
    Every row counts in the fit, however large the table. Above 20,000 rows the search for
    the optimum starts on a seeded sample and ends on all rows with the likelihood's exact
    gradient (:mod:`crmkit.analytics._btyd_fit`): on 300,000 customers of a pschse world
    this takes under a second, and the parameters and predicted values stay within 2e-5
    (relative) of the earlier, 14 times slower fit.

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0.0, 1, 2, 5, 0, 3, 8, 1], "recency": [0.0, 30, 60, 200, 0, 150, 300, 10],
    ...                         "T": [100.0, 200, 150, 250, 300, 200, 320, 365]})
    >>> params = fit_bgnbd(summary)  # a real fit needs hundreds of customers; this shows the shape
    >>> params.index.tolist(), bool((params > 0).all())
    (['r', 'alpha', 'a', 'b'], True)
    """
    x, t_x, T = _summary_arrays(summary)
    scale = T.max() / 10  # fit time in tenths of the longest T, so alpha starts near 1; scale it back after

    def data(rows):  # customers with the same (x, t_x, T) count once, with their number as weight
        unique, weight = distinct_rows(x[rows], t_x[rows], T[rows])
        return bgnbd_data(unique[:, 0], unique[:, 1] / scale, unique[:, 2] / scale, weight.astype(float))

    sample = sample_rows(len(x))
    r, alpha, a, b = fit(bgnbd_loglik, data(slice(None)), [1, 1, 1, 1], None if sample is None else data(sample),
                         bgnbd_loglik_and_gradient)
    return pd.Series({"r": r, "alpha": alpha * scale, "a": a, "b": b}, name="bgnbd")


def fit_gamma_gamma(summary: pd.DataFrame) -> pd.Series:
    """Fit the Gamma-Gamma model of spend per purchase to customers with repeat purchases.

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmkit.analytics.rfm` (columns ``frequency``, ``monetary_value``).

    Returns
    -------
    Series
        The parameters ``p``, ``q``, ``v`` (``v`` in money).

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0.0, 1, 2, 5, 3, 8], "monetary_value": [0.0, 40, 55, 80, 35, 120]})
    >>> fit_gamma_gamma(summary).index.tolist()
    ['p', 'q', 'v']
    """
    require_columns(summary, ["frequency", "monetary_value"], "summary")
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(repeat) < 3:
        raise DataError("summary: the Gamma-Gamma model needs at least 3 customers with repeat purchases")
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    scale = m.mean()  # fit spends in units of their mean, then scale v back
    sample = sample_rows(len(x))
    p, q, v = fit(gamma_gamma_loglik, gamma_gamma_data(x, m / scale), [1, 2, 1],
                  None if sample is None else gamma_gamma_data(x[sample], m[sample] / scale),
                  gamma_gamma_loglik_and_gradient)
    return pd.Series({"p": p, "q": q, "v": v * scale}, name="gamma_gamma")


def expected_purchases(summary: pd.DataFrame, params: pd.Series, horizon_days: float) -> pd.DataFrame:
    """BG/NBD expected purchase days in the next ``horizon_days``, and the chance of being alive.

    Uses eq. 10 of Fader, Hardie & Lee (2005) for the expectation and their P(alive).
    BG/NBD lets a customer drop out only after a repeat purchase, so P(alive) is 1 for
    every customer with ``frequency`` 0, however long ago they bought.

    Parameters
    ----------
    summary : DataFrame
        ``customer_id``, ``frequency``, ``recency``, ``T`` (days), as made by :func:`crmkit.analytics.rfm`.
    params : Series
        From :func:`fit_bgnbd`.
    horizon_days : float
        Length of the period to predict.

    Returns
    -------
    DataFrame
        ``customer_id``, ``p_alive``, ``expected_purchases``.

    Examples
    --------
    >>> params = pd.Series({"r": 0.5, "alpha": 50.0, "a": 0.5, "b": 2.0})
    >>> twins = pd.DataFrame({"customer_id": [1, 2], "frequency": [5.0, 5.0], "recency": [300.0, 30.0], "T": [310.0, 310.0]})
    >>> expected_purchases(twins, params, 365).round(2)  # same purchases, but 2 has been quiet for 280 days
       customer_id  p_alive  expected_purchases
    0            1     0.91                4.29
    1            2     0.00                0.01
    """
    x, t_x, T = _summary_arrays(summary)
    r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    odds_dead = np.where(x > 0, a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    t = float(horizon_days)
    tail = ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    expected = (a + b + x - 1) / (a - 1) * (1 - tail) / (1 + odds_dead)
    return pd.DataFrame({"customer_id": summary["customer_id"].to_numpy(), "p_alive": 1 / (1 + odds_dead),
                         "expected_purchases": expected})


def expected_order_value(summary: pd.DataFrame, params: pd.Series) -> pd.Series:
    """Gamma-Gamma expected spend per purchase day: p (v + x m) / (p x + q - 1).

    A weighted mean of the population's mean spend, p v / (q - 1), and the customer's own
    mean ``m`` over ``x`` repeat purchase days: the more purchases, the more their own counts.

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0.0, 4.0], "monetary_value": [0.0, 50.0]})
    >>> expected_order_value(summary, pd.Series({"p": 2.0, "q": 5.0, "v": 200.0})).round(2).tolist()
    [100.0, 66.67]
    """
    p, q, v = (float(params[k]) for k in ("p", "q", "v"))
    x, m = summary["frequency"].to_numpy(float), summary["monetary_value"].to_numpy(float)
    return pd.Series(p * (v + x * m) / (p * x + q - 1), index=summary.index, name="expected_order_value")


def probabilistic_clv(summary: pd.DataFrame, horizon_days: float) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma to ``summary`` and predict each customer's value over the horizon.

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmkit.analytics.rfm` (``customer_id``, ``frequency``, ``recency``, ``T``, ``monetary_value``).
    horizon_days : float
        Length of the period to predict (the hold-out period when scoring).

    Returns
    -------
    DataFrame
        ``customer_id``, ``p_alive``, ``expected_purchases``, ``expected_order_value``,
        ``predicted_value`` (purchases times value per purchase, not discounted).

    Examples
    --------
    >>> summary = pd.DataFrame({"customer_id": range(1, 9), "frequency": [0.0, 1, 2, 5, 0, 3, 8, 1],
    ...     "recency": [0.0, 30, 60, 200, 0, 150, 300, 10], "T": [100.0, 200, 150, 250, 300, 200, 320, 365],
    ...     "monetary_value": [0.0, 40, 55, 80, 0, 35, 120, 60]})
    >>> probabilistic_clv(summary, 365).columns.tolist()[-2:]
    ['expected_order_value', 'predicted_value']
    """
    predicted = expected_purchases(summary, fit_bgnbd(summary), horizon_days)
    predicted["expected_order_value"] = expected_order_value(summary, fit_gamma_gamma(summary)).to_numpy()
    predicted["predicted_value"] = predicted["expected_purchases"] * predicted["expected_order_value"]
    return predicted
