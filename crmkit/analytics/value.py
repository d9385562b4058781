"""Customer value: what customers bought, and three ways to predict what they will buy.

1. **Historical value**: spend to date (or over the last period), the simplest baseline.
2. **Retention-based CLV**: a margin kept with probability r each period and discounted,
   CLV = m * sum over t = 1..N of r^t / (1 + d)^t, which for N -> infinity is
   m * r / (1 + d - r) (Gupta & Lehmann 2003, "Customers as assets", *Journal of
   Interactive Marketing* 17(1)). :func:`simple_clv` is the formula; :func:`retention_clv`
   applies it per customer, with retention estimated from the orders themselves.
3. **Probabilistic CLV**: the BG/NBD model of purchase counts (Fader, Hardie & Lee 2005,
   "'Counting your customers' the easy way: an alternative to the Pareto/NBD model",
   *Marketing Science* 24(2), 275-284) with the Gamma-Gamma model of spend per purchase
   (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value", note at
   brucehardie.com/notes/025). Both are fitted here by maximum likelihood with scipy, on
   the BTYD summary of :func:`crmkit.analytics.rfm`, in a few transparent lines.

:func:`score_value` scores any of them against the value realised in the hold-out period.
"""

from __future__ import annotations

__all__ = [
    "historical_value", "simple_clv", "retention_clv", "fit_bgnbd", "fit_gamma_gamma", "expected_purchases",
    "expected_order_value", "probabilistic_clv", "value_baselines", "top_decile_capture", "score_value",
]

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1
from scipy.stats import spearmanr

from crmkit.analytics._checks import require_columns
from crmkit.analytics.rfm import as_day, rfm
from crmkit.errors import ConfigError, DataError


def historical_value(orders: pd.DataFrame, as_of, days: int | None = None, value: str = "net_amount") -> pd.DataFrame:
    """What each customer spent up to ``as_of``, or in the last ``days`` days up to it.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``value``).
    as_of : date-like
        Last day counted (orders on that calendar day count).
    days : int, optional
        Only the last ``days`` days (``as_of`` and the ``days - 1`` days before it).
    value : str, default "net_amount"
        The money column.

    Returns
    -------
    DataFrame
        ``customer_id``, ``orders``, ``value``: one row per customer with an order in the period.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "net_amount": [10.0, 20.0, 5.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-06-30"])})
    >>> historical_value(orders, "2024-06-30", days=30)
       customer_id  orders  value
    0            1       1   20.0
    1            2       1    5.0
    """
    summary = rfm(orders, as_of, value=value) if days is None else _recent(orders, as_of, days, value)
    return summary[["customer_id", "orders", "total_spend"]].rename(columns={"total_spend": "value"})


def _recent(orders: pd.DataFrame, as_of, days: int, value: str) -> pd.DataFrame:
    if not isinstance(days, (int, np.integer)) or days < 1:
        raise ConfigError(f"days: {days!r} is not allowed; give a whole number of days, at least 1")
    start = pd.Timestamp(as_day(as_of) - days + 1, unit="D")
    return rfm(orders[orders["ordered_at"] >= start], as_of, value=value)


def simple_clv(margin, retention_rate, discount_rate, periods: int | None = None):
    """Customer lifetime value from a margin per period, a retention rate and a discount rate.

    CLV = m * sum over t = 1..N of r^t / (1 + d)^t: the margin of each future period,
    counted if the customer is still there (probability r^t) and discounted. Without
    ``periods`` (N infinite) this is m * r / (1 + d - r). Works on numbers or arrays.

    Parameters
    ----------
    margin : float or array
        Margin per customer per period (e.g. a year), in money.
    retention_rate : float or array
        Share of customers who stay from one period to the next, from 0 to 1 (below 1 when N is infinite).
    discount_rate : float or array
        Discount rate per period (0.1 is 10 %).
    periods : int, optional
        Number of future periods; all of them when not given.

    Examples
    --------
    >>> round(simple_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(simple_clv(100, 0.8, 0.1, periods=2), 2)
    125.62
    """
    m, r, d = (np.asarray(x, dtype="float64") for x in (margin, retention_rate, discount_rate))
    if np.any((r < 0) | (r > 1)):
        raise ConfigError(f"retention_rate: {retention_rate!r} is not allowed; give a share from 0 to 1")
    if np.any(d <= -1):
        raise ConfigError(f"discount_rate: {discount_rate!r} is not allowed; give a rate above -1 (0.1 is 10 %)")
    kept = r / (1 + d)
    if periods is None:
        if np.any(kept >= 1):
            raise ConfigError("retention_rate: with no end to the periods it must be below 1 + discount_rate")
        value = m * kept / (1 - kept)
    else:
        value = m * np.where(kept == 1, periods, kept * (1 - kept**periods) / np.where(kept == 1, 1, 1 - kept))
    return value.item() if value.ndim == 0 else value


def retention_clv(orders: pd.DataFrame, as_of, period_days: int = 365, discount_rate: float = 0.0,
                  periods: int = 1, margin: float = 1.0) -> pd.DataFrame:
    """Per-customer CLV from :func:`simple_clv`, with retention measured on the orders.

    A customer's margin per period is ``margin`` times their average spend per period
    since their first order. Whether they stay for the next period depends on whether
    they bought in the last one: the *active* rate is the share of customers who bought in
    the period before last and bought again in the last period; the *lapsed* rate is the
    share of earlier buyers, idle in the period before last, who came back in the last
    one. After the first period the active rate applies. CLV = m * p * sum over
    t = 1..N of r^(t-1) / (1 + d)^t, with p the customer's rate and r the active rate.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``net_amount``).
    as_of : date-like
        Last day of the data.
    period_days : int, default 365
        Length of one period (use the hold-out length when scoring).
    discount_rate : float, default 0
        Discount rate per period.
    periods : int, default 1
        Number of future periods valued.
    margin : float, default 1
        Share of spend that is margin (1 values revenue).

    Returns
    -------
    DataFrame
        ``customer_id``, ``margin_per_period``, ``retention`` (chance of buying next
        period) and ``clv`` (the value of the next ``periods`` periods).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3], "net_amount": [50.0] * 5,
    ...     "ordered_at": pd.to_datetime(["2022-03-01", "2023-03-01", "2022-05-01", "2023-06-01", "2021-02-01"])})
    >>> retention_clv(orders, "2023-12-31")[["customer_id", "retention", "clv"]].round(2)
       customer_id  retention    clv
    0            1        1.0  54.40
    1            2        1.0  59.84
    2            3        0.0   0.00
    """
    if not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ConfigError(f"periods: {periods!r} is not allowed; give a whole number, at least 1")
    summary = rfm(orders, as_of)
    active = summary["days_since_last_order"] < period_days
    was_active = _active_before(orders, as_of, period_days, summary)
    lapsed = ~was_active & (summary["T"] >= 2 * period_days)  # bought before the period before last, then idle
    rate_active, rate_lapsed = _share(active[was_active]), _share(active[lapsed])
    per_period = margin * summary["total_spend"] / np.maximum(summary["T"] + 1, period_days) * period_days
    retention = np.where(active, rate_active, rate_lapsed)
    later = simple_clv(1.0, rate_active, discount_rate, periods - 1) if periods > 1 else 0.0
    clv = per_period * retention / (1 + discount_rate) * (1 + later)
    return pd.DataFrame({"customer_id": summary["customer_id"], "margin_per_period": per_period,
                         "retention": retention, "clv": clv})


def _active_before(orders, as_of, period_days, summary) -> pd.Series:
    """Whether each customer of ``summary`` bought in the period before the last one."""
    before = rfm(orders, pd.Timestamp(as_day(as_of) - period_days, unit="D"))
    recent = before.loc[before["days_since_last_order"] < period_days, "customer_id"]
    return summary["customer_id"].isin(recent)


def _share(flags: pd.Series) -> float:
    return float(flags.mean()) if len(flags) else 0.0


def _summary_arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    require_columns(summary, ["frequency", "recency", "T"], "summary")
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    if len(x) == 0 or np.any(x < 0) or np.any(t_x > T) or np.isnan(x + t_x + T).any():
        raise DataError("summary: need rows with frequency >= 0 and recency <= T, as made by rfm()")
    return x, t_x, T


def _bgnbd_loglik(log_params, x, t_x, T, weight) -> float:
    """Minus the BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6), summed over customers."""
    r, alpha, a, b = np.exp(log_params)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    still_alive = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):  # the "died after the last purchase" term exists only when x > 0
        died = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -np.sum(weight * (common + np.logaddexp(still_alive, died)))


def _fit(loglik, data, start) -> np.ndarray:
    found = minimize(loglik, np.log(start), args=data, method="Nelder-Mead",
                     options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-9})
    found = minimize(loglik, found.x, args=data, method="L-BFGS-B")  # polish near the optimum
    return np.exp(found.x)


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

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0.0, 1, 2, 5, 0, 3, 8, 1], "recency": [0.0, 30, 60, 200, 0, 150, 300, 10],
    ...                         "T": [100.0, 200, 150, 250, 300, 200, 320, 365]})
    >>> params = fit_bgnbd(summary)  # a real fit needs hundreds of customers; this shows the shape
    >>> params.index.tolist(), bool((params > 0).all())
    (['r', 'alpha', 'a', 'b'], True)
    """
    x, t_x, T = _summary_arrays(summary)
    rows, weight = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    scale = T.max() / 10  # fit time in tenths of the longest T, so alpha starts near 1; scale it back after
    r, alpha, a, b = _fit(_bgnbd_loglik, (rows[:, 0], rows[:, 1] / scale, rows[:, 2] / scale, weight), [1, 1, 1, 1])
    return pd.Series({"r": r, "alpha": alpha * scale, "a": a, "b": b}, name="bgnbd")


def _gamma_gamma_loglik(log_params, x, m) -> float:
    """Minus the Gamma-Gamma log-likelihood of mean spends (Fader & Hardie 2013, eq. 3)."""
    p, q, v = np.exp(log_params)
    px = p * x
    return -np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m)
                   + px * np.log(x) - (px + q) * np.log(x * m + v))


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
    p, q, v = _fit(_gamma_gamma_loglik, (x, m / scale), [1, 2, 1])
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
    buyers = rfm(orders, as_of)[["customer_id"]]
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
