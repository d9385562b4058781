"""Campaigns on a world, prepared once: response of the contacted against the control group,
uplift, ROI and the channels credited with the sales.

:meth:`CampaignData.from_world` computes once, for every campaign, its results
(:func:`crmkit.analytics.campaign_results`), its true average uplift where the world keeps its
truth, and the sales of its people credited to each channel under every attribution model
and window (:func:`credit_by_channel`). Calling it with a campaign, a model and a window
reads one :class:`CampaignView` (no computing).
"""

from __future__ import annotations

__all__ = ["ATTRIBUTION_WINDOWS", "NUMBERS", "CampaignData", "CampaignView", "campaign_data", "campaign_view",
           "credit_by_channel"]

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.campaigns import MODELS, campaign_results, order_touchpoints, uplift_vs_truth

#: The attribution windows (days before an order) the explorer offers.
ATTRIBUTION_WINDOWS = (7, 14, 30, 60, 90)
NUMBERS = ("treated", "control", "responders", "response_rate", "control_response_rate", "uplift", "uplift_low",
           "uplift_high", "true_uplift", "naive_uplift", "acquisitions", "cost", "revenue", "cost_per_acquisition",
           "roi", "incremental_revenue", "incremental_roi")


def credit_by_channel(touchpoints: pd.DataFrame, by=()) -> pd.DataFrame:
    """Sales credited to each channel under every attribution model, from order touchpoints.

    Parameters
    ----------
    touchpoints : DataFrame
        :func:`crmkit.analytics.order_touchpoints` (``order_id``, ``net_amount``,
        ``channel``, ``touches``, ``is_first``, ``is_last``), possibly of a subset of orders.
    by : sequence of str
        Further columns of ``touchpoints`` to credit separately (e.g. ``campaign_id``).

    Returns
    -------
    DataFrame
        ``by`` columns, ``model``, ``channel``, ``orders`` (credited, fractional for linear),
        ``sales`` and ``share`` of the credited sales; per group, the same figures as
        :func:`crmkit.analytics.attribution` for those orders, largest credit first.

    Examples
    --------
    >>> touches = pd.DataFrame({"order_id": [1, 1], "net_amount": [100.0, 100.0], "channel": ["social", "email"],
    ...     "touches": [2, 2], "is_first": [True, False], "is_last": [False, True]})
    >>> credit = credit_by_channel(touches)
    >>> credit[credit.model == "first"][["channel", "sales"]].values.tolist()
    [['social', 100.0], ['email', 0.0]]
    >>> credit[credit.model == "linear"].sales.tolist()
    [50.0, 50.0]
    """
    by = list(by)
    weights = pd.DataFrame({"first": touchpoints.is_first.astype(float), "last": touchpoints.is_last.astype(float),
                            "linear": 1.0 / touchpoints.touches.astype(float)})
    keys = [touchpoints[k] for k in by] + [touchpoints.channel.astype(str).rename("channel")]
    orders = weights.groupby(keys).sum()
    sales = weights.mul(touchpoints.net_amount.astype(float), axis=0).groupby(keys).sum()
    table = pd.DataFrame({"orders": orders.stack(), "sales": sales.stack()})
    table.index = table.index.set_names([*by, "channel", "model"])
    table = table.reset_index()
    table["share"] = table.sales / table.groupby([*by, "model"]).sales.transform("sum")
    table["model_order"] = table.model.map({m: i for i, m in enumerate(MODELS)})
    table = table.sort_values([*by, "model_order", "sales", "channel"], ascending=[True] * len(by) + [True, False, True])
    return table[[*by, "model", "channel", "orders", "sales", "share"]].reset_index(drop=True)


def _campaign_people(world) -> pd.DataFrame:
    """``campaign_id``, ``customer_id``: each campaign's contacted members, or the customers it won."""
    members = world.campaign_members
    treated = members.loc[~members.in_control_group.astype(bool), ["campaign_id", "customer_id"]]
    won = world.customers.dropna(subset=["acquisition_campaign_id"])
    won = pd.DataFrame({"campaign_id": won.acquisition_campaign_id.astype("int64"), "customer_id": won.customer_id})
    return pd.concat([treated, won], ignore_index=True).drop_duplicates()


def _people_orders(world) -> pd.DataFrame:
    """Each campaign's people's orders placed while the campaign ran (start to end date, inclusive)."""
    dates = world.campaigns[["campaign_id", "start_date", "end_date"]]
    orders = _campaign_people(world).merge(world.orders[["order_id", "customer_id", "ordered_at", "net_amount"]],
                                           on="customer_id").merge(dates, on="campaign_id")
    during = (orders.ordered_at >= orders.start_date) & (orders.ordered_at < orders.end_date + pd.Timedelta(days=1))
    return orders.loc[during, ["campaign_id", "order_id", "customer_id", "ordered_at", "net_amount"]]


def _true_uplift(world, results: pd.DataFrame) -> pd.DataFrame:
    truth = getattr(world, "truth", None)
    if truth is None or "campaign_uplift" not in truth:  # a hand-out world without its truth
        return pd.DataFrame({"campaign_id": results.campaign_id, "true_uplift": np.nan})
    return uplift_vs_truth(results, world.campaign_members, truth["campaign_uplift"])[["campaign_id", "true_uplift"]]


@dataclass(frozen=True, eq=False)
class CampaignData:
    """Everything :func:`campaign_view` reads: ``table`` (one row per campaign: its plan,
    results and true uplift), ``credit`` (``window_days``, ``campaign_id``, ``model``,
    ``channel``, ``orders``, ``sales``, ``share``), and both split up by key for quick reading."""

    table: pd.DataFrame
    credit: pd.DataFrame
    rows: dict = field(repr=False)
    credits: dict = field(repr=False)

    @classmethod
    def of(cls, table: pd.DataFrame, credit: pd.DataFrame) -> "CampaignData":
        numbers = table.set_index("campaign_id")[list(NUMBERS)].astype(float)
        rows = {int(c): (table.loc[table.campaign_id == c].iloc[0], numbers.loc[c]) for c in table.campaign_id}
        keys = ["campaign_id", "model", "window_days"]
        credits = {(int(c), str(m), int(w)): part[["channel", "orders", "sales", "share"]].reset_index(drop=True)
                   for (c, m, w), part in credit.groupby(keys, sort=False)}
        return cls(table, credit, rows, credits)

    @classmethod
    def from_world(cls, world, windows=ATTRIBUTION_WINDOWS) -> CampaignData:
        """:func:`campaign_data` of ``world``."""
        return campaign_data(world, windows)

    def __call__(self, campaign_id: int, model: str = "last", window_days: int = 30) -> CampaignView:
        """:func:`campaign_view` of one campaign, model and window."""
        return campaign_view(self, campaign_id, model, window_days)


def campaign_data(world, windows=ATTRIBUTION_WINDOWS) -> CampaignData:
    """Compute, once, every campaign's results, true uplift and channel credit per model and window.

    The credit covers the orders that a campaign's people (its contacted members, or for
    an acquisition campaign the customers it won) placed while it ran.
    """
    results = campaign_results(world.campaigns, world.campaign_members, world.orders, world.customers)
    table = (world.campaigns[["campaign_id", "start_date", "end_date", "targeting_rule"]]
             .merge(results, on="campaign_id").merge(_true_uplift(world, results), on="campaign_id", how="left"))
    table["naive_uplift"] = table.response_rate
    orders = _people_orders(world)
    their_orders = world.orders[world.orders.order_id.isin(orders.order_id)]
    pairs = pd.concat([order_touchpoints(world.interactions, their_orders, window).assign(window_days=window)
                       for window in windows], ignore_index=True)
    pairs = orders[["campaign_id", "order_id"]].merge(pairs, on="order_id")
    credit = credit_by_channel(pairs, by=["window_days", "campaign_id"])
    return CampaignData.of(table.reset_index(drop=True), credit)


@dataclass(frozen=True, eq=False)
class CampaignView:
    """One campaign at one attribution setting: its plan, ``numbers`` (response, uplift,
    true uplift, cost, revenue, ROI...; read them as attributes, ``view.uplift``) and
    ``credit`` (sales of its people credited per channel under ``model`` and ``window_days``)."""

    campaign_id: int
    name: str
    objective: str
    channel: str
    start_date: pd.Timestamp
    end_date: pd.Timestamp
    numbers: pd.Series
    model: str
    window_days: int
    credit: pd.DataFrame

    def __getattr__(self, name: str):
        if name in NUMBERS:
            return self.numbers[name]
        raise AttributeError(f"CampaignView has no attribute {name!r}; its numbers are: {', '.join(NUMBERS)}")

    @property
    def has_control_group(self) -> bool:
        """Whether the campaign had both contacted members and a control group."""
        return bool(self.numbers["treated"] > 0 and self.numbers["control"] > 0)

    @property
    def credited_to_channel(self) -> float:
        """Sales credited to the campaign's own channel under this model and window."""
        return float(self.credit.loc[self.credit.channel == self.channel, "sales"].sum())

    def __str__(self) -> str:
        n = self.numbers
        if not self.has_control_group:
            return (f"campaign {self.campaign_id} {self.name} ({self.channel}): no control group; "
                    f"{n.acquisitions:.0f} acquisitions, cost per acquisition {n.cost_per_acquisition:,.0f}, ROI {n.roi:+.0%}")
        truth = "" if pd.isna(n.true_uplift) else f", true {n.true_uplift:+.1%}"
        return (f"campaign {self.campaign_id} {self.name} ({self.channel}): response {n.response_rate:.1%} contacted vs "
                f"{n.control_response_rate:.1%} control; uplift {n.uplift:+.1%} [{n.uplift_low:+.1%}, {n.uplift_high:+.1%}]"
                f"{truth}; ROI {n.roi:+.0%}, incremental ROI {n.incremental_roi:+.0%}")

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>" + self.credit.to_html(index=False, float_format="{:,.2f}".format)


def campaign_view(data: CampaignData, campaign_id: int, model: str = "last", window_days: int = 30) -> CampaignView:
    """Read one campaign's :class:`CampaignView` from :func:`campaign_data` (no computing)."""
    check_choice("campaign_id", campaign_id, list(data.rows))
    check_choice("model", model, MODELS)
    windows = sorted({w for _, _, w in data.credits}) or list(ATTRIBUTION_WINDOWS)
    check_choice("window_days", window_days, windows)
    row, numbers = data.rows[int(campaign_id)]
    empty = pd.DataFrame({"channel": pd.Series(dtype=str), "orders": 0.0, "sales": 0.0, "share": 0.0})
    credit = data.credits.get((int(campaign_id), model, int(window_days)), empty)
    return CampaignView(int(campaign_id), row["name"], str(row.objective), str(row.channel), row.start_date,
                        row.end_date, numbers, model, int(window_days), credit)
