"""Exercises of the start-here lesson (notebooks/00_start_here.ipynb): first steps with the tables."""

from __future__ import annotations

import pandas as pd

from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES"]


def _last_year(w) -> pd.DataFrame:
    orders = w.orders
    return orders[orders["ordered_at"].dt.year == w.observed_until.year]


SIGNUPS = Exercise(
    "signups_last_year",
    "How many customers **signed up** in the last calendar year of the observation window "
    "(the year of `world.observed_until`)? Count rows of `customers` by `signup_date`.",
    reference=lambda w: int((w.customers["signup_date"].dt.year == w.observed_until.year).sum()),
    mistakes=[
        Mistake("all_customers", "You counted every customer. Keep only those whose signup_date falls in the "
                "year of world.observed_until.", answer=lambda w: len(w.customers)),
        Mistake("buyers", "You counted the customers who ordered in that year (from orders). The question is "
                "about sign-ups: use customers.signup_date.",
                answer=lambda w: int(_last_year(w)["customer_id"].nunique())),
        Mistake("first_year", "You counted the sign-ups of the first year of the window; use the year of "
                "world.observed_until, the last one.",
                answer=lambda w: int((w.customers["signup_date"].dt.year == w.customers["signup_date"].min().year).sum())),
    ])

AVERAGE_ORDER = Exercise(
    "average_order_last_year",
    "What was the **average net amount of an order** (`net_amount`) placed in the last calendar year "
    "of the window?",
    reference=lambda w: float(_last_year(w)["net_amount"].mean()),
    mistakes=[
        Mistake("sum", "You added the amounts up. The average is the sum divided by the number of orders: "
                "use .mean().", answer=lambda w: float(_last_year(w)["net_amount"].sum())),
        Mistake("gross", "You averaged gross_amount (before discounts). The question asks for net_amount, "
                "what the customer paid.", answer=lambda w: float(_last_year(w)["gross_amount"].mean())),
        Mistake("every_year", "You averaged the orders of the whole window. Keep the orders placed in the year "
                "of world.observed_until first.", answer=lambda w: float(w.orders["net_amount"].mean())),
    ])

EXERCISES = [SIGNUPS, AVERAGE_ORDER]
