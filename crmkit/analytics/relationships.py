"""Loyalty management's two measures of a relationship: its duration and its intensity.

A relationship's **duration** is how long the customer has been a customer: from the sign-up
to the day the data ends (a relationship still running is not over at the last order).
Its **intensity** is how much happens in it per unit of that time: orders (purchase frequency)
and spend per year. :func:`relationship_strength` measures both for every customer;
:func:`duration_and_intensity` sums them up per group (by default the loyalty tier), where
intensity is the group's orders divided by the years its customers have been customers: a
rate per customer-year, so that a customer who signed up last week and bought once does not
count as buying fifty times a year.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics._checks import require_columns

__all__ = ["DAYS_PER_YEAR", "relationship_strength", "duration_and_intensity"]

DAYS_PER_YEAR = 365.25  # a year of the calendar on average, leap years included


def relationship_strength(customers: pd.DataFrame, orders: pd.DataFrame, as_of) -> pd.DataFrame:
    """Every customer's relationship: how long it has lasted and what it holds.

    Parameters
    ----------
    customers : DataFrame
        customer_id, signup_date and any columns to carry along (loyalty_tier, region...).
    orders : DataFrame
        customer_id, ordered_at, net_amount.
    as_of : timestamp
        The day the data ends; only orders up to the end of that day count.

    Returns
    -------
    DataFrame
        One row per customer: the customers' columns, then duration_years (years from sign-up
        to ``as_of``), orders and revenue (sum of net_amount; 0 for a customer who never bought).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01", "2025-01-01"])})
    >>> orders = pd.DataFrame({"customer_id": [1, 1], "ordered_at": pd.to_datetime(["2024-02-01", "2025-03-01"]),
    ...                        "net_amount": [20.0, 30.0]})
    >>> relationship_strength(customers, orders, "2026-01-01")[["duration_years", "orders", "revenue"]].round(2).values.tolist()
    [[2.0, 2.0, 50.0], [1.0, 0.0, 0.0]]
    """
    require_columns(customers, ("customer_id", "signup_date"), "customers")
    require_columns(orders, ("customer_id", "ordered_at", "net_amount"), "orders")
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    kept = orders[orders["ordered_at"] < end]
    bought = kept.groupby("customer_id")["net_amount"].agg(["size", "sum"]).rename(columns={"size": "orders", "sum": "revenue"})
    table = customers.reset_index(drop=True).copy()
    table["duration_years"] = (pd.Timestamp(as_of) - table["signup_date"]).dt.days / DAYS_PER_YEAR
    table = table.join(bought.astype(float), on="customer_id")
    return table.fillna({"orders": 0.0, "revenue": 0.0})


def duration_and_intensity(strength: pd.DataFrame, by: str = "loyalty_tier") -> pd.DataFrame:
    """Duration and intensity of the relationships per group.

    Parameters
    ----------
    strength : DataFrame
        From :func:`relationship_strength`: duration_years, orders, revenue and the column ``by``.
    by : str
        The column that forms the groups (the loyalty tier by default).

    Returns
    -------
    DataFrame
        One row per group present (index named ``by``, as text): customers, duration_years (the
        mean), orders_per_year and spend_per_year (the group's orders and revenue divided by
        the sum of its customers' years).

    Examples
    --------
    >>> strength = pd.DataFrame({"loyalty_tier": ["gold", "gold", "none"], "duration_years": [2.0, 1.0, 0.5],
    ...                          "orders": [9.0, 3.0, 1.0], "revenue": [300.0, 60.0, 20.0]})
    >>> duration_and_intensity(strength)[["duration_years", "orders_per_year"]].values.tolist()
    [[1.5, 4.0], [0.5, 2.0]]
    """
    require_columns(strength, (by, "duration_years", "orders", "revenue"), "strength")
    groups = strength.groupby(strength[by].astype(str).rename(by))
    years = groups["duration_years"].sum()
    return pd.DataFrame({
        "customers": groups.size().astype(float),
        "duration_years": groups["duration_years"].mean(),
        "orders_per_year": groups["orders"].sum() / years,
        "spend_per_year": groups["revenue"].sum() / years,
    })
