"""Retention: cohorts, churn, survival, and the economics of keeping customers.

In a shop nobody cancels a contract: a customer who stops buying just goes quiet. So
churn is *inferred* here from silence (no order for ``inactive_days``), and a lifetime
runs from the first order to the last one (if the customer went quiet) or to ``as_of``
(still buying: the lifetime is censored, not over). Kaplan-Meier (Kaplan & Meier 1958)
turns such lifetimes into survival curves without pretending censored customers churned.

The economics functions are the formulas behind the retention sliders: what a few points
more retention are worth, how the base grows, what acquisition costs next to retention,
and which customers earn less than they cost to serve.
"""

from __future__ import annotations

__all__ = [
    "cohort_retention", "churn_flags", "score_churn_flags", "customer_lifetimes", "kaplan_meier",
    "survival_by_group", "survival_at", "retention_economics", "customer_base_projection",
    "acquisition_vs_retention", "customer_profitability", "profitability_summary",
]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.rfm import as_day, day_numbers, rfm
from crmkit.analytics.value import simple_clv
from crmkit.errors import ConfigError, DataError

COST_TO_SERVE = ("delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost")


def _months(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").view("int64")


def cohort_retention(orders: pd.DataFrame, as_of, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each monthly cohort that ordered in each later month.

    The cohort is the month of a customer's first order (so month 0 is 100 %), or, when
    ``customers`` is given, the month of their ``signup_date`` (so never-buyers count too).

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``); orders after ``as_of`` are left out.
    as_of : date-like
        Last day counted.
    customers : DataFrame, optional
        The ``customers`` table (``customer_id``, ``signup_date``).

    Returns
    -------
    DataFrame
        ``cohort`` (first day of the month), ``months_since``, ``cohort_size``,
        ``active_customers``, ``retention`` (active / size); every month up to ``as_of``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-02-07", "2024-01-20", "2024-02-02"])})
    >>> cohort_retention(orders, "2024-02-29")[["cohort", "months_since", "active_customers", "retention"]]
          cohort  months_since  active_customers  retention
    0 2024-01-01             0                 2        1.0
    1 2024-01-01             1                 1        0.5
    2 2024-02-01             0                 1        1.0
    """
    require_columns(orders, ["customer_id", "ordered_at"], "orders")
    end = as_day(as_of)
    day = day_numbers(orders["ordered_at"], "ordered_at")
    bought = pd.DataFrame({"customer_id": orders["customer_id"].to_numpy()[day <= end], "month": _months(day[day <= end])})
    bought = bought.drop_duplicates()
    if customers is None:
        cohort_of = bought.groupby("customer_id")["month"].min()
    else:
        require_columns(customers, ["customer_id", "signup_date"], "customers")
        signup = day_numbers(customers["signup_date"], "signup_date")
        cohort_of = pd.Series(_months(signup[signup <= end]), index=customers["customer_id"].to_numpy()[signup <= end])
    bought["cohort"] = bought["customer_id"].map(cohort_of)
    bought = bought.dropna(subset=["cohort"])
    active = bought.groupby([bought["cohort"].astype("int64"), bought["month"] - bought["cohort"].astype("int64")]).size()
    sizes = cohort_of.value_counts().sort_index()
    last = _months(np.array([end]))[0]
    grid = pd.DataFrame({"cohort": np.repeat(sizes.index, last - sizes.index + 1)})
    grid["months_since"] = grid.groupby("cohort").cumcount()
    grid["cohort_size"] = grid["cohort"].map(sizes).astype("int64")
    index = pd.MultiIndex.from_frame(grid[["cohort", "months_since"]])
    grid["active_customers"] = active.reindex(index, fill_value=0).to_numpy().astype("int64")
    grid["retention"] = grid["active_customers"] / grid["cohort_size"]
    grid["cohort"] = grid["cohort"].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    return grid


def churn_flags(orders: pd.DataFrame, as_of, inactive_days: int = 180) -> pd.DataFrame:
    """Flag as churned every customer with no order in the last ``inactive_days`` days.

    Returns
    -------
    DataFrame
        ``customer_id``, ``last_order_date``, ``days_since_last_order``, ``churned``
        (``days_since_last_order >= inactive_days``), for customers who bought by ``as_of``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 2], "net_amount": [10.0, 10.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-06-01"])})
    >>> churn_flags(orders, "2024-06-30", inactive_days=90)["churned"].tolist()
    [True, False]
    """
    return _activity(orders, as_of, inactive_days)[["customer_id", "last_order_date", "days_since_last_order", "churned"]]


def _activity(orders: pd.DataFrame, as_of, inactive_days: int) -> pd.DataFrame:
    """:func:`rfm` of the orders (amounts not needed) with the ``churned`` flag added."""
    if not isinstance(inactive_days, (int, np.integer)) or inactive_days < 1:
        raise ConfigError(f"inactive_days: {inactive_days!r} is not allowed; give a whole number of days, at least 1")
    summary = rfm(orders[["customer_id", "ordered_at"]].assign(_one=1.0), as_of, value="_one")
    summary["churned"] = summary["days_since_last_order"] >= inactive_days
    return summary


def score_churn_flags(flags: pd.DataFrame, truth_customers: pd.DataFrame) -> pd.DataFrame:
    """Compare churn flags with the truth (``not alive_at_end``) and with random flags.

    Meaningful when the flags were made as of the end of the observation window, the
    moment ``alive_at_end`` describes. The random baseline flags the same share of
    customers at random; its scores are the expected ones.

    Returns
    -------
    DataFrame
        Rows ``flags`` and ``random``: ``flagged_share``, ``precision``, ``recall``,
        ``f1``, ``accuracy``, ``customers``.

    Examples
    --------
    >>> flags = pd.DataFrame({"customer_id": [1, 2, 3, 4], "churned": [True, True, False, False]})
    >>> truth = pd.DataFrame({"customer_id": [1, 2, 3, 4], "alive_at_end": [False, True, True, True]})
    >>> score_churn_flags(flags, truth)[["rule", "precision", "recall", "accuracy"]]
         rule  precision  recall  accuracy
    0   flags       0.50     1.0      0.75
    1  random       0.25     0.5      0.50
    """
    require_columns(flags, ["customer_id", "churned"], "flags")
    require_columns(truth_customers, ["customer_id", "alive_at_end"], "truth_customers")
    merged = flags.merge(truth_customers[["customer_id", "alive_at_end"]], on="customer_id", how="inner")
    flagged, churned = merged["churned"].to_numpy(bool), ~merged["alive_at_end"].to_numpy(bool)
    q, p = flagged.mean(), churned.mean()
    hits = (flagged & churned).mean()
    precision, recall = hits / max(q, 1e-12), hits / max(p, 1e-12)
    rows = [("flags", q, precision, recall, (flagged == churned).mean()),
            ("random", q, p, q, p * q + (1 - p) * (1 - q))]
    table = pd.DataFrame(rows, columns=["rule", "flagged_share", "precision", "recall", "accuracy"])
    table.insert(4, "f1", 2 * table.precision * table.recall / (table.precision + table.recall).clip(lower=1e-12))
    table["customers"] = len(merged)
    return table


def customer_lifetimes(orders: pd.DataFrame, as_of, inactive_days: int = 180) -> pd.DataFrame:
    """Each buyer's observed lifetime: first order to last order if churned, else to ``as_of``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``duration_days``, ``churned`` (False means censored: still buying).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"])})
    >>> customer_lifetimes(orders, "2024-06-30", inactive_days=90)
       customer_id  duration_days  churned
    0            1           31.0     True
    1            2           60.0    False
    """
    summary = _activity(orders, as_of, inactive_days)
    end = np.where(summary["churned"], summary["recency"], summary["T"])
    return pd.DataFrame({"customer_id": summary["customer_id"], "duration_days": end, "churned": summary["churned"]})


def kaplan_meier(durations, churned) -> pd.DataFrame:
    """Kaplan-Meier survival curve: S(t) = product over event times s <= t of (1 - d_s / n_s).

    Parameters
    ----------
    durations : array-like
        Time each customer was observed (e.g. days).
    churned : array-like of bool
        True when the duration ended in churn, False when it was cut off (censored).

    Returns
    -------
    DataFrame
        One row per distinct duration: ``time``, ``at_risk`` (n), ``churned`` (d), ``survival``.

    Examples
    --------
    >>> kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False]).survival.round(3).tolist()
    [0.8, 0.6, 0.3, 0.3]
    """
    time = np.asarray(durations, dtype="float64")
    event = np.asarray(churned, dtype=bool)
    if time.shape != event.shape or len(time) == 0 or np.isnan(time).any() or (time < 0).any():
        raise DataError("durations: need as many non-negative durations as churn flags, at least one")
    times, where = np.unique(time, return_inverse=True)
    leaving = np.bincount(where, minlength=len(times))
    deaths = np.bincount(where, weights=event, minlength=len(times))
    at_risk = len(time) - np.r_[0, np.cumsum(leaving)[:-1]]
    return pd.DataFrame({"time": times, "at_risk": at_risk, "churned": deaths.astype("int64"),
                         "survival": np.cumprod(1 - deaths / at_risk)})


def survival_by_group(lifetimes: pd.DataFrame, by: str, duration: str = "duration_days",
                      event: str = "churned") -> pd.DataFrame:
    """Kaplan-Meier curves, one per value of ``by`` (e.g. persona or acquisition source).

    Returns
    -------
    DataFrame
        ``by``, ``time``, ``at_risk``, ``churned``, ``survival`` (see :func:`kaplan_meier`).

    Examples
    --------
    >>> lives = pd.DataFrame({"tier": ["gold", "gold", "none", "none"], "duration_days": [300, 400, 20, 90],
    ...                       "churned": [False, True, True, True]})
    >>> survival_by_group(lives, "tier")[["tier", "time", "survival"]]
       tier   time  survival
    0  gold  300.0       1.0
    1  gold  400.0       0.0
    2  none   20.0       0.5
    3  none   90.0       0.0
    """
    require_columns(lifetimes, [by, duration, event], "lifetimes")
    curves = [kaplan_meier(group[duration], group[event]).assign(**{by: value})  # a few groups, not customers
              for value, group in lifetimes.groupby(by, observed=True, sort=True)]
    return pd.concat(curves, ignore_index=True)[[by, "time", "at_risk", "churned", "survival"]]


def survival_at(curves: pd.DataFrame, days: float, by: str) -> pd.Series:
    """Each group's survival at ``days`` (the step curve's value there), indexed by group.

    Examples
    --------
    >>> curves = pd.DataFrame({"tier": ["gold", "none", "none"], "time": [400.0, 20.0, 90.0], "survival": [0.5, 0.5, 0.0]})
    >>> survival_at(curves, 60, "tier").to_dict()
    {'gold': 1.0, 'none': 0.5}
    """
    require_columns(curves, [by, "time", "survival"], "curves")
    upto = curves[curves["time"] <= days]
    value = upto.groupby(by, observed=True)["survival"].last()
    return value.reindex(curves[by].unique(), fill_value=1.0).rename(f"survival_at_{days:g}")


def retention_economics(margin: float, retention_rate: float, discount_rate: float, extra_points: float = 5.0,
                        periods: int | None = None) -> pd.DataFrame:
    """What ``extra_points`` more retention is worth, with :func:`crmkit.analytics.simple_clv`.

    Returns
    -------
    DataFrame
        Rows ``current`` and ``improved``: ``retention_rate``, ``expected_periods``
        (average tenure 1 / (1 - r)), ``clv``, ``clv_change_pct``.

    Examples
    --------
    >>> retention_economics(100, 0.80, 0.10, extra_points=5).round(1)["clv"].tolist()
    [266.7, 340.0]
    """
    improved = retention_rate + extra_points / 100
    if not 0 <= retention_rate <= improved < 1:
        raise ConfigError(f"retention_rate + extra_points/100: {improved!r} is not allowed; it must stay below 1")
    rates = np.array([retention_rate, improved])
    clv = simple_clv(margin, rates, discount_rate, periods)
    return pd.DataFrame({"scenario": ["current", "improved"], "retention_rate": rates,
                         "expected_periods": 1 / (1 - rates), "clv": clv,
                         "clv_change_pct": 100 * (clv / clv[0] - 1) if clv[0] else np.nan})


def customer_base_projection(new_customers: float, retention_rate: float, periods: int = 10,
                             start_customers: float = 0.0) -> pd.DataFrame:
    """Customers at the end of each period: base(t) = retention_rate * base(t-1) + new_customers.

    The base levels off at new_customers / (1 - retention_rate): retention sets the ceiling.

    Examples
    --------
    >>> customer_base_projection(100, 0.5, periods=3)["customers"].tolist()
    [100.0, 150.0, 175.0]
    """
    if not 0 <= retention_rate <= 1:
        raise ConfigError(f"retention_rate: {retention_rate!r} is not allowed; give a share from 0 to 1")
    t = np.arange(1, periods + 1)
    kept = retention_rate**t
    grown = new_customers * (t if retention_rate == 1 else (1 - kept) / (1 - retention_rate))
    return pd.DataFrame({"period": t, "customers": start_customers * kept + grown})


def acquisition_vs_retention(customers: float, acquisition_cost: float, retention_cost: float, margin: float,
                             retention_rate: float, discount_rate: float, extra_points: float = 5.0) -> pd.Series:
    """Spend ``retention_cost`` per customer per period to keep ``extra_points`` more of them?

    Returns
    -------
    Series
        ``customers_lost`` (per period at the current rate), ``replacement_cost`` (winning
        that many new ones), ``programme_cost``, ``customers_saved``, ``cost_per_saved_customer``,
        ``acquisition_multiple`` (acquisition cost / cost per saved customer),
        ``value_of_saved`` (their CLV at the improved rate) and ``net_benefit``.

    Examples
    --------
    >>> float(acquisition_vs_retention(1000, 200, 2, 100, 0.8, 0.1)["acquisition_multiple"])
    5.0
    """
    saved = customers * extra_points / 100
    programme = customers * retention_cost
    per_saved = programme / saved if saved else np.inf
    value = saved * (margin + simple_clv(margin, retention_rate + extra_points / 100, discount_rate))
    return pd.Series({
        "customers_lost": customers * (1 - retention_rate), "replacement_cost": customers * (1 - retention_rate) * acquisition_cost,
        "programme_cost": programme, "customers_saved": saved, "cost_per_saved_customer": per_saved,
        "acquisition_multiple": acquisition_cost / per_saved if per_saved else np.inf,
        "value_of_saved": value, "net_benefit": value - programme,
    })


def customer_profitability(customer_costs: pd.DataFrame, buyers_only: bool = True) -> pd.DataFrame:
    """Profit after cost-to-serve per customer, most profitable first: the "whale curve".

    Parameters
    ----------
    customer_costs : DataFrame
        The ``customer_costs`` table (``customer_id``, ``orders``, ``revenue``, ``gross_margin``,
        ``refunds``, ``written_off``, ``contribution`` and the cost columns of ``COST_TO_SERVE``).
    buyers_only : bool, default True
        Leave out customers without an order.

    Returns
    -------
    DataFrame
        ``customer_id``, ``revenue``, ``gross_margin``, ``refunds``, ``written_off``,
        ``cost_to_serve``, ``contribution``, ``profitable`` (contribution above 0),
        ``share_of_customers`` and
        ``cumulative_share_of_profit`` (of the total contribution; above 1 before the
        unprofitable customers pull it back down).

    Examples
    --------
    >>> costs = pd.DataFrame({"customer_id": [1, 2, 3], "orders": [4, 1, 0], "revenue": [400.0, 50, 0],
    ...     "gross_margin": [240.0, 30, 0], "refunds": [0.0, 20, 0], "written_off": 0.0,
    ...     "contribution": [220.0, -5, -1], **dict.fromkeys(COST_TO_SERVE, 0.0)})
    >>> costs["delivery_cost"], costs["marketing_cost"] = [20.0, 15, 0], [0.0, 0, 1]
    >>> customer_profitability(costs)[["customer_id", "cost_to_serve", "contribution", "cumulative_share_of_profit"]]
       customer_id  cost_to_serve  contribution  cumulative_share_of_profit
    0            1           20.0         220.0                    1.023256
    1            2           15.0          -5.0                    1.000000
    """
    columns = ["customer_id", "orders", "revenue", "gross_margin", "refunds", "written_off", "contribution", *COST_TO_SERVE]
    require_columns(customer_costs, columns, "customer_costs")
    table = customer_costs[customer_costs["orders"] > 0] if buyers_only else customer_costs
    table = table.assign(cost_to_serve=table[list(COST_TO_SERVE)].sum(axis=1))
    table = table.sort_values(["contribution", "customer_id"], ascending=[False, True], ignore_index=True)
    table = table[["customer_id", "revenue", "gross_margin", "refunds", "written_off", "cost_to_serve", "contribution"]]
    table["profitable"] = table["contribution"] > 0
    table["share_of_customers"] = np.arange(1, len(table) + 1) / max(len(table), 1)
    table["cumulative_share_of_profit"] = table["contribution"].cumsum() / table["contribution"].sum()
    return table


def profitability_summary(profitability: pd.DataFrame) -> pd.Series:
    """Headline figures of :func:`customer_profitability`.

    Returns
    -------
    Series
        ``customers``, ``unprofitable_share`` (contribution below 0), ``total_contribution``,
        ``peak_share_of_profit`` (the whale curve's top: e.g. 1.3 means the profitable
        customers earn 130 % of the total) and ``top_20pct_share_of_profit``.

    Examples
    --------
    >>> table = pd.DataFrame({"contribution": [300.0, 100, -50, -50], "profitable": [True, True, False, False]})
    >>> table["cumulative_share_of_profit"] = table.contribution.cumsum() / table.contribution.sum()
    >>> profitability_summary(table)[["unprofitable_share", "peak_share_of_profit"]].tolist()
    [0.5, 1.3333333333333333]
    """
    require_columns(profitability, ["contribution", "profitable", "cumulative_share_of_profit"], "profitability")
    top = profitability["cumulative_share_of_profit"].iloc[: max(int(0.2 * len(profitability)), 1)]
    return pd.Series({"customers": len(profitability), "unprofitable_share": (profitability["contribution"] < 0).mean(),
                      "total_contribution": profitability["contribution"].sum(),
                      "peak_share_of_profit": profitability["cumulative_share_of_profit"].max(),
                      "top_20pct_share_of_profit": top.iloc[-1]})
