"""Customer profitability: which customers earn less than they cost to serve (the whale curve).

Reads the world's ``customer_costs`` table: revenue, margin, refunds and write-offs, and
the cost to serve each customer (delivery, service, payment, marketing and returns).
"""

from __future__ import annotations

__all__ = ["customer_profitability", "profitability_summary", "cost_to_serve_concentration"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import ConfigError


COST_TO_SERVE = ("delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost")


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


def cost_to_serve_concentration(customer_costs: pd.DataFrame, top: float = 0.05) -> float:
    """Share of the buyers' total cost to serve absorbed by the ``top`` share of buyers who cost
    most to serve (Buttle's "cost magnets"); cost to serve is the sum of :data:`COST_TO_SERVE`.

    >>> costs = pd.DataFrame({"orders": [1, 1, 1, 0], "delivery_cost": [90.0, 5.0, 5.0, 0.0], "service_cost": 0.0,
    ...                       "payment_cost": 0.0, "marketing_cost": [0.0, 0.0, 0.0, 1.0], "returns_cost": 0.0})
    >>> cost_to_serve_concentration(costs, top=0.34)
    0.9
    """
    require_columns(customer_costs, ["orders", *COST_TO_SERVE], "customer_costs")
    if not 0 < top <= 1:
        raise ConfigError(f"top = {top!r}: must be a share above 0 and at most 1")
    buyers = customer_costs[customer_costs["orders"] > 0]
    cost = buyers[list(COST_TO_SERVE)].sum(axis=1).sort_values(ascending=False)
    return float(cost.iloc[: max(int(top * len(cost)), 1)].sum() / cost.sum())
