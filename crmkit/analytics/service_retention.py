"""Service and retention: how service experience goes with later buying.

:func:`service_and_retention` estimates how service experience (no complaint, complaint
resolved well, complaint resolved badly) goes with later buying. It compares *orders*,
not customers: frequent buyers have more orders, so more chances of a problem, and a
comparison of customers would show complainers as the most loyal. Whether one order goes
wrong is (nearly) luck, so orders with and without a complaint are comparable.
:func:`true_service_and_retention` computes the same table from a simulated world's truth.
"""

from __future__ import annotations

__all__ = ["retention_after_orders", "service_and_retention", "true_service_and_retention",
           "compare_service_and_retention"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.service import complaint_outcomes
from crmkit.errors import DataError


EXPERIENCES = ("no_complaint", "resolved_well", "resolved_badly")


def _bought_again(orders: pd.DataFrame, from_days: float, to_days: float) -> np.ndarray:
    """For each order: did the same customer order again more than ``from_days`` and at
    most ``to_days`` after it? (One binary search over (customer, time), no loop.)"""
    codes = pd.factorize(orders.customer_id)[0].astype(np.int64)
    seconds = (orders.ordered_at - orders.ordered_at.min()).dt.total_seconds().to_numpy().astype(np.int64)
    span = int(seconds.max(initial=0)) + int(to_days * 86400) + 2
    key = codes * span + seconds
    ordered = np.sort(key)
    first_after = np.searchsorted(ordered, key + int(from_days * 86400), side="right")
    nxt = ordered[np.minimum(first_after, len(ordered) - 1)]
    return (first_after < len(ordered)) & (nxt <= key + int(to_days * 86400))


def _check_window(from_days: float, to_days: float) -> None:
    if not 0 <= from_days < to_days:
        raise DataError(f"from_days = {from_days!r}, to_days = {to_days!r}: need 0 <= from_days < to_days")


def retention_after_orders(orders: pd.DataFrame, cases: pd.DataFrame, from_days: float = 180, to_days: float = 365,
                           as_of=None, target_days=None) -> pd.DataFrame:
    """Each order's service experience and whether its customer still bought months later.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``order_id``, ``customer_id``, ``ordered_at``).
    cases : DataFrame
        The ``cases`` table (see :func:`complaint_outcomes`).
    from_days, to_days : float, default 180 and 365
        The customer counts as retained after an order when they ordered again in this
        window after it (a purchase 6-12 months later shows the relationship survived).
    as_of : date, optional
        The end of the data (default: the latest order); only orders at least ``to_days``
        before it are kept, so each has its whole window.
    target_days : float or dict, optional
        Passed to :func:`complaint_outcomes`.

    Returns
    -------
    DataFrame
        One row per kept order: ``order_id``, ``customer_id``, ``ordered_at``, ``experience``
        (no_complaint, resolved_well, resolved_badly) and ``retained`` (bool).
    """
    require_columns(orders, ("order_id", "customer_id", "ordered_at"), "orders")
    _check_window(from_days, to_days)
    end = pd.Timestamp(as_of) if as_of is not None else orders.ordered_at.max()
    again = _bought_again(orders, from_days, to_days)
    outcome = complaint_outcomes(cases, target_days).groupby("order_id").resolved_well.min()  # worst complaint counts
    judged = orders.order_id.map(outcome)
    well = judged.fillna(0).astype(bool)
    experience = np.where(judged.isna(), "no_complaint", np.where(well, "resolved_well", "resolved_badly"))
    out = pd.DataFrame({"order_id": orders.order_id.to_numpy(), "customer_id": orders.customer_id.to_numpy(),
                        "ordered_at": orders.ordered_at.to_numpy(),
                        "experience": pd.Categorical(experience, categories=EXPERIENCES), "retained": again})
    return out[out.ordered_at <= end - pd.Timedelta(days=to_days)].reset_index(drop=True)


def _summarise(experience: pd.Series, retained: pd.Series) -> pd.DataFrame:
    g = pd.DataFrame({"experience": experience, "retained": retained.astype(float)}).groupby("experience", observed=False)
    out = pd.DataFrame({"orders": g.size(), "retained": g.retained.sum().astype(int)})
    out["retention_rate"] = out.retained / out.orders.replace(0, np.nan)
    base = out.loc["no_complaint"]
    out["difference"] = out.retention_rate - base.retention_rate
    # 95% normal-approximation interval of a difference of two independent proportions
    p, n = out.retention_rate, out.orders.replace(0, np.nan)
    se = np.sqrt(p * (1 - p) / n + base.retention_rate * (1 - base.retention_rate) / max(base.orders, 1))
    out["ci_low"], out["ci_high"] = out.difference - 1.96 * se, out.difference + 1.96 * se
    out.loc["no_complaint", ["ci_low", "ci_high"]] = 0.0
    return out.reset_index()


def service_and_retention(orders: pd.DataFrame, cases: pd.DataFrame, from_days: float = 180, to_days: float = 365,
                          as_of=None, target_days=None) -> pd.DataFrame:
    """How service experience goes with retention, estimated from observed data only.

    Takes :func:`retention_after_orders` and compares the retention after orders with a
    complaint resolved well or badly to that after orders without a complaint.

    Returns
    -------
    DataFrame
        One row per experience (no_complaint, resolved_well, resolved_badly): ``orders``,
        ``retained``, ``retention_rate``, ``difference`` (vs no_complaint) and a 95%
        interval ``ci_low``-``ci_high`` of the difference.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": [1, 1, 2, 3],
    ...     "ordered_at": pd.to_datetime(["2023-01-01", "2023-09-01", "2023-01-01", "2024-06-01"])})
    >>> cases = pd.DataFrame({"case_id": [1], "customer_id": [2], "order_id": [3], "is_complaint": [True],
    ...     "opened_at": pd.to_datetime(["2023-01-03"]), "closed_at": pd.to_datetime(["2023-01-20"]),
    ...     "priority": ["high"], "escalated": [True], "first_contact_resolution": [False],
    ...     "csat": pd.array([1], dtype="Int64")})
    >>> service_and_retention(orders, cases)[["experience", "orders", "retention_rate"]]
           experience  orders  retention_rate
    0    no_complaint       1             1.0
    1   resolved_well       0             NaN
    2  resolved_badly       1             0.0
    """
    r = retention_after_orders(orders, cases, from_days, to_days, as_of, target_days)
    return _summarise(r.experience, r.retained)


def true_service_and_retention(orders: pd.DataFrame, cases: pd.DataFrame, truth_cases: pd.DataFrame,
                               phases: pd.DataFrame, to_days: float = 365, as_of=None) -> pd.DataFrame:
    """The same table from a simulated world's truth (for checking :func:`service_and_retention`).

    Complaints are judged by ``truth.cases.resolved_well``; an order counts as retained
    when its customer's relationship did not dissolve within ``to_days`` after it (from
    ``truth.phases``). Same columns as :func:`service_and_retention`.
    """
    require_columns(truth_cases, ("case_id", "resolved_well"), "truth.cases")
    require_columns(phases, ("customer_id", "phase", "started_at"), "truth.phases")
    true_cases = cases.drop(columns="csat").merge(truth_cases[["case_id", "resolved_well"]], on="case_id")
    # Feed the truth through the observed rule: a csat of 5 or 1 says well or badly outright.
    true_cases["csat"] = pd.array(np.where(true_cases.resolved_well, 5, 1), dtype="Int64")
    r = retention_after_orders(orders, true_cases, 0, to_days, as_of)
    ends = phases[phases.phase.astype(str) == "dissolution"][["customer_id", "started_at"]]
    pairs = r[["order_id", "customer_id", "ordered_at"]].merge(ends, on="customer_id")
    dissolved = pairs[(pairs.started_at > pairs.ordered_at) & (pairs.started_at <= pairs.ordered_at + pd.Timedelta(days=to_days))]
    return _summarise(r.experience, ~r.order_id.isin(dissolved.order_id))


def compare_service_and_retention(estimate: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Estimated and true differences in retention side by side, with the error.

    Examples
    --------
    >>> est = pd.DataFrame({"experience": ["no_complaint", "resolved_badly"], "difference": [0.0, -0.12]})
    >>> true = pd.DataFrame({"experience": ["no_complaint", "resolved_badly"], "difference": [0.0, -0.1]})
    >>> compare_service_and_retention(est, true).round(2).to_dict("list")["error"]
    [0.0, -0.02]
    """
    both = estimate[["experience", "difference"]].merge(truth[["experience", "difference"]], on="experience",
                                                        suffixes=("_estimated", "_true"))
    both = both.rename(columns={"difference_estimated": "estimated_difference", "difference_true": "true_difference"})
    return both.assign(error=both.estimated_difference - both.true_difference)
