"""Campaigns on a world: response of the contacted against the control group, uplift, ROI
and the channels credited with the sales.

:func:`campaign_data` computes once, for every campaign, its results
(:func:`crmkit.analytics.campaign_results`), its true average uplift where the world keeps its
truth, and the sales of its people credited to each channel under every attribution model
and window. :func:`campaign_view` then reads one campaign at one setting (no computing), and
:func:`draw_campaign` draws it in three panels: response of treated and control, the uplift
estimate against the truth, and the channels credited. :func:`campaign_explorer` puts
controls around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.analytics.campaigns import MODELS, campaign_results, order_touchpoints, uplift_vs_truth
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer

__all__ = ["ATTRIBUTION_WINDOWS", "CampaignData", "CampaignView", "campaign_data", "credit_by_channel",
           "campaign_view", "draw_campaign", "campaign_explorer"]

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


def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} = {value!r}: {describe_allowed(allowed)}")


def campaign_view(data: CampaignData, campaign_id: int, model: str = "last", window_days: int = 30) -> CampaignView:
    """Read one campaign's :class:`CampaignView` from :func:`campaign_data` (no computing)."""
    _check_choice("campaign_id", campaign_id, list(data.rows))
    _check_choice("model", model, MODELS)
    windows = sorted({w for _, _, w in data.credits}) or list(ATTRIBUTION_WINDOWS)
    _check_choice("window_days", window_days, windows)
    row, numbers = data.rows[int(campaign_id)]
    empty = pd.DataFrame({"channel": pd.Series(dtype=str), "orders": 0.0, "sales": 0.0, "share": 0.0})
    credit = data.credits.get((int(campaign_id), model, int(window_days)), empty)
    return CampaignView(int(campaign_id), row["name"], str(row.objective), str(row.channel), row.start_date,
                        row.end_date, numbers, model, int(window_days), credit)


def _panels(ax, size, width_ratios=(1.0, 1.0)):
    """Two axes side by side: a new figure, or ``ax``'s place split in two (``ax`` is reused
    as the left one, as creating axes is the slow part of an update)."""
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(1, 2, figsize=size, layout="constrained", width_ratios=list(width_ratios))[1]
    grid = ax.get_subplotspec().subgridspec(1, 2, width_ratios=list(width_ratios))
    ax.set_subplotspec(grid[0, 0])
    return [ax, ax.figure.add_subplot(grid[0, 1])]


def _bars(ax, positions, lengths, colours, starts=None, horizontal: bool = True, thickness: float = 0.8,
          from_zero: bool = True) -> None:
    """Bars as one collection of rectangles: several times quicker to draw than ``barh``."""
    from matplotlib.collections import PolyCollection

    middle = np.asarray(positions, dtype=float)
    length = np.nan_to_num(np.asarray(lengths, dtype=float))
    start = np.zeros_like(length) if starts is None else np.asarray(starts, dtype=float)
    low, high, end = middle - thickness / 2, middle + thickness / 2, start + length
    corners = [(start, low), (end, low), (end, high), (start, high)]
    vertices = np.stack([np.column_stack(c if horizontal else c[::-1]) for c in corners], axis=1)
    ax.add_collection(PolyCollection(vertices, facecolors=colours, edgecolors="none"))
    ax.autoscale_view()
    if from_zero and (length >= 0).all() and starts is None:  # bars grow from the axis
        (ax.set_xlim if horizontal else ax.set_ylim)(0, max(float((start + length).max(initial=0)) * 1.05, 1e-9))


def _draw_response_and_uplift(view: CampaignView, ax) -> None:
    """Response of the contacted and of the control group as bars, the uplift (their
    difference) with its interval, and the true uplift, on one scale."""
    n = view.numbers
    rows = [f"contacted ({n.treated:.0f})", f"control group ({n.control:.0f})", "uplift estimate, 95% interval",
            "true uplift (synthetic truth)"]
    _bars(ax, [0, 1], [n.response_rate, n.control_response_rate], ["#2c7fb8", "#bdbdbd"], from_zero=False)
    # plain lines and markers: errorbar() and scatter() cost several times more per update
    ax.plot([n.uplift_low, n.uplift_high], [2, 2], color="black", marker="|", markersize=12)
    ax.plot([n.uplift], [2], color="black", marker="o")
    if not pd.isna(n.true_uplift):
        ax.plot([n.true_uplift], [3], color="tab:green", marker="D", zorder=3)
    ax.axvline(0, color="black", linewidth=0.8)
    shown = np.array([0, n.response_rate, n.control_response_rate, n.uplift_low, n.uplift_high, n.true_uplift], dtype=float)
    low, high = np.nanmin(shown), np.nanmax(shown)
    ax.set_xlim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set_yticks(range(4), rows)
    ax.invert_yaxis()
    ax.set(xlabel="share who bought in the window / extra chance of buying",
           title=f"Response {n.response_rate:.1%} vs {n.control_response_rate:.1%}: uplift {n.uplift:+.1%}")


def _draw_no_control(view: CampaignView, ax) -> None:
    n = view.numbers
    ax.axis("off")
    article = "an" if view.objective[0] in "aeiou" else "a"
    ax.text(0, 0.5, f"No control group: {article} {view.objective.replace('_', ' ')} campaign reaches\n"
            f"people who are not customers yet.\n\nCustomers won: {n.acquisitions:.0f}\n"
            f"Cost per acquisition: {n.cost_per_acquisition:,.0f}\nTheir first-year sales: {n.revenue:,.0f}",
            fontsize=10, va="center")


def _draw_credit(view: CampaignView, ax) -> None:
    credit = view.credit.sort_values("sales")
    colours = ["#e6550d" if c == view.channel else "#9ecae1" for c in credit.channel]
    positions = np.arange(len(credit))
    _bars(ax, positions, credit.sales.to_numpy(), colours)
    ax.set_yticks(positions, [c.replace("_", " ") for c in credit.channel])
    ax.set(xlabel="sales credited", title=f"{view.model}-touch credit, {view.window_days}-day window"
           if view.model != "linear" else f"linear credit, {view.window_days}-day window")


def draw_campaign(data: CampaignData, campaign_id: int, model: str = "last", window_days: int = 30,
                  ax=None) -> CampaignView:
    """Draw one campaign in two panels and return its :class:`CampaignView`.

    Left: response of the contacted members and of the control group, the uplift estimate
    (their difference) with its 95% interval, and the true uplift (synthetic truth).
    Right: the sales of the campaign's people during the campaign credited to each channel
    (the campaign's own channel in orange). A campaign without a control group shows its
    acquisitions instead.
    """
    view = campaign_view(data, campaign_id, model, window_days)
    axes = _panels(ax, (13, 4), width_ratios=(1.2, 1.0))
    (_draw_response_and_uplift if view.has_control_group else _draw_no_control)(view, axes[0])
    _draw_credit(view, axes[1])
    n = view.numbers
    incremental = "" if pd.isna(n.incremental_roi) else f", incremental ROI {n.incremental_roi:+.0%}"
    axes[0].figure.suptitle(f"{view.name} ({view.channel.replace('_', ' ')}, {view.objective.replace('_', ' ')}): "
                            f"cost {n.cost:,.0f}, revenue {n.revenue:,.0f}, ROI {n.roi:+.0%}{incremental} "
                            "(synthetic data)", fontsize=10)
    return view


def campaign_explorer(world, campaign_id: int | None = None, model: str = "last", window_days: int = 30):
    """Choose a campaign, an attribution model and a window; see response, uplift, ROI and credit.

    ``widget.result`` is the current :class:`CampaignView`; the controls are
    ``campaign_id``, ``model`` and ``window_days``. Everything is computed once when the
    explorer is built (:func:`campaign_data`), so a change only reads and redraws.
    """
    import ipywidgets as widgets

    data = campaign_data(world)
    table = data.table
    if campaign_id is None:  # start with the campaign that contacted the most people
        campaign_id = int(table.sort_values(["treated", "campaign_id"], ascending=[False, True]).campaign_id.iloc[0])
    options = [(f"{row.campaign_id} · {row.name} ({row.channel})", int(row.campaign_id)) for row in table.itertuples()]

    def draw(ax, campaign_id, model, window_days):
        return draw_campaign(data, campaign_id, model, window_days, ax=ax)

    return explorer(draw, figsize=(13, 4),
                    campaign_id=widgets.Dropdown(options=options, value=campaign_id, description="campaign",
                                                 layout={"width": "32em"}),
                    model=widgets.ToggleButtons(options=[("first touch", "first"), ("last touch", "last"),
                                                         ("linear", "linear")], value=model, description="model"),
                    window_days=widgets.SelectionSlider(options=list(ATTRIBUTION_WINDOWS), value=window_days,
                                                        description="window (days)"))
