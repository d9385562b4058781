"""Service and complaints: service levels, complaint rates, and the link from service to retention.

:func:`service_levels` measures the service desk by month, origin or priority: time to
close, share closed within target, first-contact resolution, escalation, satisfaction.
:func:`complaint_rates` counts complaints by recorded reason. :func:`complaint_outcomes`
judges from what the CRM recorded whether each complaint was put right.
:func:`service_and_retention` estimates how service experience (no complaint, complaint
resolved well, complaint resolved badly) goes with later buying. It compares *orders*,
not customers: frequent buyers have more orders, so more chances of a problem, and a
comparison of customers would show complainers as the most loyal. Whether one order goes
wrong is (nearly) luck, so orders with and without a complaint are comparable.
:func:`true_service_and_retention` computes the same table from a simulated world's truth.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_TARGET_DAYS", "service_levels", "complaint_rates", "complaint_outcomes",
    "retention_after_orders", "service_and_retention", "true_service_and_retention",
    "compare_service_and_retention",
]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

# Invented, typical service-level targets (days to close) by priority.
DEFAULT_TARGET_DAYS = {"urgent": 1.0, "high": 2.0, "medium": 4.0, "low": 7.0}
EXPERIENCES = ("no_complaint", "resolved_well", "resolved_badly")
CASE_COLUMNS = ("case_id", "opened_at", "closed_at", "priority", "escalated", "first_contact_resolution", "csat")


def _group_key(df: pd.DataFrame, by: str, time_column: str, table: str) -> pd.Series:
    """The grouping column: calendar month of ``time_column`` for ``by="month"``, else ``df[by]``."""
    if by == "month":
        return df[time_column].dt.to_period("M").dt.to_timestamp().rename("month")
    if by not in df.columns:
        raise DataError(f"{table}: by = {by!r} is not a column; use 'month' or one of: {', '.join(map(str, df.columns))}")
    return df[by]


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.total_seconds() / 86400


def service_levels(cases: pd.DataFrame, by: str = "month", target_days=None, as_of=None) -> pd.DataFrame:
    """Service-desk performance per month (or per origin, priority, reason...).

    Parameters
    ----------
    cases : DataFrame
        The ``cases`` table (columns ``case_id``, ``opened_at``, ``closed_at``, ``priority``,
        ``escalated``, ``first_contact_resolution``, ``csat``, and ``by``).
    by : str, default "month"
        ``"month"`` (when the case was opened) or a column of ``cases``.
    target_days : float or dict, optional
        Days allowed to close a case, one number or one per priority
        (default :data:`DEFAULT_TARGET_DAYS`, an invented but typical target).
    as_of : date, optional
        The end of the data (default: the latest time in ``opened_at``/``closed_at``). A
        case still open past its target by then counts as missed; one not yet due is left out.

    Returns
    -------
    DataFrame
        One row per group: ``cases``, ``median_days_to_close`` (closed cases),
        ``within_target`` (share of due cases closed in time), ``first_contact_resolution``
        and ``escalation_rate`` (shares of cases), ``mean_csat`` and ``csat_responses``.

    Examples
    --------
    >>> cases = pd.DataFrame({"case_id": [1, 2, 3], "priority": ["high", "low", "low"],
    ...     "opened_at": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-02-01"]),
    ...     "closed_at": pd.to_datetime(["2024-01-03", "2024-01-20", None]),
    ...     "escalated": [False, True, False], "first_contact_resolution": [True, False, False],
    ...     "csat": pd.array([5, 2, None], dtype="Int64")})
    >>> service_levels(cases, by="priority", as_of="2024-03-01")[["priority", "cases", "within_target", "mean_csat"]]
      priority  cases  within_target  mean_csat
    0     high      1            1.0        5.0
    1      low      2            0.0        2.0
    """
    require_columns(cases, CASE_COLUMNS, "cases")
    end = pd.Timestamp(as_of) if as_of is not None else pd.concat([cases.opened_at, cases.closed_at]).max()
    target = _target_days(cases.priority, target_days)
    days = _days(cases.closed_at, cases.opened_at)
    due = cases.closed_at.notna() | (_days(pd.Series(end, index=cases.index), cases.opened_at) > target)
    parts = pd.DataFrame({
        "key": _group_key(cases, by, "opened_at", "cases"), "days": days,
        "due": due, "in_time": days.le(target) & due,
        "fcr": cases.first_contact_resolution.astype(float), "escalated": cases.escalated.astype(float),
        "csat": cases.csat.astype("Float64").astype(float),
    })
    g = parts.groupby("key", observed=True, sort=True)
    out = pd.DataFrame({
        "cases": g.size(), "median_days_to_close": g.days.median(),
        "within_target": g.in_time.sum() / g.due.sum().replace(0, np.nan),
        "first_contact_resolution": g.fcr.mean(), "escalation_rate": g.escalated.mean(),
        "mean_csat": g.csat.mean(), "csat_responses": g.csat.count(),
    })
    return out.rename_axis(by).reset_index()


def _target_days(priority: pd.Series, target_days) -> pd.Series:
    if target_days is None:
        target_days = DEFAULT_TARGET_DAYS
    if not isinstance(target_days, dict):
        if not isinstance(target_days, (int, float)) or target_days <= 0:
            raise DataError(f"target_days = {target_days!r}: give a positive number of days or a dict by priority")
        return pd.Series(float(target_days), index=priority.index)
    unknown = sorted(set(priority.dropna().astype(str)) - set(target_days))
    if unknown:
        raise DataError(f"target_days has no target for priority {unknown[0]!r}; it has: {', '.join(target_days)}")
    return priority.astype(str).map(target_days).astype(float)


def complaint_rates(cases: pd.DataFrame, orders: pd.DataFrame | None = None, by: str = "reason") -> pd.DataFrame:
    """Complaints per recorded reason (or month...), their share and their rate per 1,000 orders.

    Parameters
    ----------
    cases : DataFrame
        The ``cases`` table (columns ``is_complaint``, ``opened_at``, ``escalated``,
        ``first_contact_resolution``, ``csat`` and ``by``).
    orders : DataFrame, optional
        The ``orders`` table (column ``ordered_at``); gives ``per_1000_orders`` (per month's
        orders when ``by="month"``, else per all orders).
    by : str, default "reason"
        A column of ``cases`` or ``"month"``. Remember the recorded reason is the agent's
        coding, not always the true cause.

    Returns
    -------
    DataFrame
        One row per group with complaints: ``complaints``, ``share_of_complaints``,
        ``per_1000_orders`` (with ``orders``), ``escalation_rate``,
        ``first_contact_resolution`` and ``mean_csat``; most complaints first.

    Examples
    --------
    >>> cases = pd.DataFrame({"reason": ["late_delivery", "late_delivery", "billing", "wrong_item"],
    ...     "is_complaint": [True, True, False, True], "opened_at": pd.to_datetime(["2024-01-02"] * 4),
    ...     "escalated": [True, False, False, False], "first_contact_resolution": [False, True, True, True],
    ...     "csat": pd.array([1, 4, 5, None], dtype="Int64")})
    >>> orders = pd.DataFrame({"ordered_at": pd.to_datetime(["2024-01-01"] * 200)})
    >>> complaint_rates(cases, orders)[["reason", "complaints", "share_of_complaints", "per_1000_orders"]]
              reason  complaints  share_of_complaints  per_1000_orders
    0  late_delivery           2             0.666667             10.0
    1     wrong_item           1             0.333333              5.0
    """
    require_columns(cases, ("is_complaint", "opened_at", "escalated", "first_contact_resolution", "csat"), "cases")
    complaints = cases[cases.is_complaint.astype(bool)]
    key = _group_key(complaints, by, "opened_at", "cases")
    parts = pd.DataFrame({"key": key, "escalated": complaints.escalated.astype(float),
                          "fcr": complaints.first_contact_resolution.astype(float),
                          "csat": complaints.csat.astype("Float64").astype(float)})
    g = parts.groupby("key", observed=True)
    out = pd.DataFrame({"complaints": g.size()})
    out["share_of_complaints"] = out.complaints / max(len(complaints), 1)
    if orders is not None:
        require_columns(orders, ("ordered_at",), "orders")
        base = _group_key(orders, "month", "ordered_at", "orders").value_counts() if by == "month" else len(orders)
        out["per_1000_orders"] = 1000 * out.complaints / (base.reindex(out.index) if by == "month" else max(base, 1))
    out = out.assign(escalation_rate=g.escalated.mean(), first_contact_resolution=g.fcr.mean(), mean_csat=g.csat.mean())
    out = out.rename_axis(by).reset_index()
    return out.sort_values("complaints", ascending=False, kind="stable").reset_index(drop=True)


def complaint_outcomes(cases: pd.DataFrame, target_days=None) -> pd.DataFrame:
    """Judge from the CRM's records whether each complaint was put right.

    The rule, first match wins: a satisfaction score of 4-5 means resolved well, 1-3
    badly; else solved at the first contact means well; escalated or still open means
    badly; else closed within the service-level target means well, later means badly
    (a problem not put right drags on).

    Parameters
    ----------
    cases : DataFrame
        The ``cases`` table (``case_id``, ``customer_id``, ``order_id``, ``is_complaint``,
        ``opened_at``, ``closed_at``, ``priority``, ``escalated``, ``first_contact_resolution``, ``csat``).
    target_days : float or dict, optional
        Days to close by priority (default :data:`DEFAULT_TARGET_DAYS`), as in :func:`service_levels`.

    Returns
    -------
    DataFrame
        One row per complaint: ``case_id``, ``customer_id``, ``order_id``, ``opened_at``,
        ``resolved_well`` (bool) and ``evidence`` (which rule decided).

    Examples
    --------
    >>> cases = pd.DataFrame({"case_id": [1, 2, 3], "customer_id": [7, 8, 9], "order_id": [10, 11, 12],
    ...     "is_complaint": True, "opened_at": pd.to_datetime(["2024-01-01"] * 3), "priority": "medium",
    ...     "closed_at": pd.to_datetime(["2024-01-02 00:00", "2024-01-09 00:00", "2024-01-01 00:10"]),
    ...     "escalated": [False, False, False], "first_contact_resolution": [False, False, True],
    ...     "csat": pd.array([2, None, None], dtype="Int64")})
    >>> complaint_outcomes(cases)[["case_id", "resolved_well", "evidence"]]
       case_id  resolved_well       evidence
    0        1          False           csat
    1        2          False  time_to_close
    2        3           True  first_contact
    """
    require_columns(cases, ("customer_id", "order_id", "is_complaint", *CASE_COLUMNS), "cases")
    c = cases[cases.is_complaint.astype(bool)]
    csat = c.csat.astype("Float64").astype(float)
    fcr, escalated = c.first_contact_resolution.astype(bool), c.escalated.astype(bool)
    still_open = c.closed_at.isna()
    fast = _days(c.closed_at, c.opened_at) <= _target_days(c.priority, target_days)
    rules = [("csat", csat.notna(), csat >= 4), ("first_contact", fcr, True), ("escalated", escalated, False),
             ("still_open", still_open, False), ("time_to_close", True, fast)]
    conditions = [np.broadcast_to(np.asarray(cond, dtype=bool), len(c)) for _, cond, _ in rules]
    well = np.select(conditions, [np.broadcast_to(np.asarray(v, dtype=bool), len(c)) for *_, v in rules], False)
    evidence = np.select(conditions, [name for name, *_ in rules], "time_to_close")
    return pd.DataFrame({"case_id": c.case_id.to_numpy(), "customer_id": c.customer_id.to_numpy(),
                         "order_id": c.order_id.to_numpy(), "opened_at": c.opened_at.to_numpy(),
                         "resolved_well": well.astype(bool), "evidence": evidence})


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
