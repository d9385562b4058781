"""How good is a value prediction? Naive baselines, and scores against the hold-out truth.

:func:`value_baselines` gives two naive predictions of next-period value to beat;
:func:`score_value` scores any predictions (:func:`crmkit.analytics.historical_value`,
:func:`~crmkit.analytics.retention_clv`, :func:`~crmkit.analytics.probabilistic_clv` or a
baseline) against what customers really bought in the hold-out period: rank agreement,
mean absolute error and :func:`top_decile_capture`.
"""

from __future__ import annotations

__all__ = ["value_baselines", "top_decile_capture", "score_value"]

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from crmkit.analytics._checks import require_columns
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.analytics.value import historical_value


def value_baselines(orders: pd.DataFrame, as_of, horizon_days: int) -> pd.DataFrame:
    """Two naive predictions of next-period value for every customer who bought by ``as_of``.

    ``average``: everyone's value is the average spend per customer over the last
    ``horizon_days``; ``last_period``: each customer's own spend over the last ``horizon_days``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``average``, ``last_period``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "net_amount": [10.0, 20.0, 5.0],
    ...     "ordered_at": pd.to_datetime(["2023-01-01", "2024-06-01", "2023-06-30"])})
    >>> value_baselines(orders, "2024-06-30", horizon_days=365)
       customer_id  average  last_period
    0            1     10.0         20.0
    1            2     10.0          0.0
    """
    buyers = rfm_fast(orders, as_of)[["customer_id"]]
    last = historical_value(orders, as_of, days=horizon_days).set_index("customer_id")["value"]
    buyers["last_period"] = buyers["customer_id"].map(last).fillna(0.0)
    buyers["average"] = buyers["last_period"].mean()
    return buyers[["customer_id", "average", "last_period"]]


def top_decile_capture(predicted: np.ndarray, actual: np.ndarray, share: float = 0.1) -> float:
    """Share of all actual value bought by the top ``share`` of customers by prediction.

    Ties at the cut share its places equally, so a constant prediction captures ``share``
    of the value (what a random pick gets on average).

    Examples
    --------
    >>> actual = np.array([0.0, 0, 0, 0, 0, 0, 0, 0, 10, 90])
    >>> top_decile_capture(np.arange(10.0), actual), top_decile_capture(np.ones(10), actual)
    (0.9, 0.1)
    """
    order = np.argsort(-predicted, kind="stable")
    ranked_pred, ranked_actual = predicted[order], actual[order]
    _, start, size = np.unique(-ranked_pred, return_index=True, return_counts=True)
    tie_value = np.add.reduceat(ranked_actual, start)
    places = share * len(predicted)
    taken = np.clip((places - start) / size, 0, 1)
    return float((tie_value * taken).sum() / actual.sum())


def score_value(predictions: pd.DataFrame, truth_customers: pd.DataFrame, actual: str = "holdout_value") -> pd.DataFrame:
    """Score value predictions against what customers really bought in the hold-out period.

    Parameters
    ----------
    predictions : DataFrame
        ``customer_id`` and one numeric column per prediction (model or baseline).
    truth_customers : DataFrame
        ``truth.customers`` (columns ``customer_id`` and ``actual``).

    Returns
    -------
    DataFrame
        One row per prediction column: ``spearman`` (rank agreement; 0 for a constant
        prediction), ``mae`` (mean absolute error), ``top_decile_capture`` (share of the
        actual value bought by the 10 % predicted highest), ``customers``.

    Examples
    --------
    >>> truth = pd.DataFrame({"customer_id": range(1, 11), "holdout_value": [0.0] * 8 + [10, 90]})
    >>> guesses = pd.DataFrame({"customer_id": range(1, 11), "average": 10.0, "model": range(10)})
    >>> score_value(guesses, truth)[["prediction", "mae", "top_decile_capture"]]
      prediction   mae  top_decile_capture
    0    average  16.0                 0.1
    1      model  11.1                 0.9
    """
    require_columns(predictions, ["customer_id"], "predictions")
    require_columns(truth_customers, ["customer_id", actual], "truth_customers")
    merged = predictions.merge(truth_customers[["customer_id", actual]], on="customer_id", how="inner")
    truth = merged[actual].to_numpy(float)
    rows = []
    for column in predictions.columns.drop("customer_id"):  # one row per model: a few columns
        guess = merged[column].to_numpy(float)
        rho = 0.0 if np.ptp(guess) == 0 else float(spearmanr(guess, truth).statistic)
        rows.append({"prediction": column, "spearman": rho, "mae": float(np.abs(guess - truth).mean()),
                     "top_decile_capture": top_decile_capture(guess, truth), "customers": len(merged)})
    return pd.DataFrame(rows)
