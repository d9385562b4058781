"""Service and complaints: service levels, complaint rates, and whether complaints were put right.

:func:`service_levels` measures the service desk by month, origin or priority: time to
close, share closed within target, first-contact resolution, escalation, satisfaction.
:func:`complaint_rates` counts complaints by recorded reason. :func:`complaint_outcomes`
judges from what the CRM recorded whether each complaint was put right; how that goes with
later buying is :mod:`crmkit.analytics.service_retention`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_TARGET_DAYS", "service_levels", "complaint_rates", "complaint_outcomes"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.grouping import group_key
from crmkit.errors import DataError

# Invented, typical service-level targets (days to close) by priority.
DEFAULT_TARGET_DAYS = {"urgent": 1.0, "high": 2.0, "medium": 4.0, "low": 7.0}
CASE_COLUMNS = ("case_id", "opened_at", "closed_at", "priority", "escalated", "first_contact_resolution", "csat")


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
        "key": group_key(cases, by, "opened_at", "cases"), "days": days,
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
    key = group_key(complaints, by, "opened_at", "cases")
    parts = pd.DataFrame({"key": key, "escalated": complaints.escalated.astype(float),
                          "fcr": complaints.first_contact_resolution.astype(float),
                          "csat": complaints.csat.astype("Float64").astype(float)})
    g = parts.groupby("key", observed=True)
    out = pd.DataFrame({"complaints": g.size()})
    out["share_of_complaints"] = out.complaints / max(len(complaints), 1)
    if orders is not None:
        require_columns(orders, ("ordered_at",), "orders")
        base = group_key(orders, "month", "ordered_at", "orders").value_counts() if by == "month" else len(orders)
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


