"""The relationship life cycle on a world's customer histories, and the economics of retention.

Dwyer, Schurr and Oh's phases (awareness, exploration, expansion, commitment, dissolution) are
recorded for every synthetic customer in the truth table ``truth.phases``. Here they meet the
observed data: which phase each customer is in on a day (:func:`phase_at`, :func:`phase_counts`),
how customers buy in each phase (:func:`orders_by_phase`) and one customer's whole story
(:func:`customer_story`, drawn by :func:`draw_customer_story`; :func:`customer_story_explorer`).
:func:`retention_what_if` is the calculator behind the retention sliders
(:func:`retention_economics_explorer`), built on ``crmkit.analytics`` retention economics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics.retention import acquisition_vs_retention, customer_base_projection, retention_economics
from crmkit.analytics.value import simple_clv
from crmkit.analytics._checks import require_columns
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer

# Only the explorers: the benchmark builds every name listed here as a widget.
__all__ = ["customer_story_explorer", "retention_economics_explorer"]

PHASES = ("awareness", "exploration", "expansion", "commitment", "dissolution")
PHASE_COLOURS = {"awareness": "#d9d9d9", "exploration": "#9ecae1", "expansion": "#4292c6",
                 "commitment": "#08519c", "dissolution": "#fc9272"}
DAYS_PER_MONTH = 365.25 / 12
PHASE_COLUMNS = ["customer_id", "phase", "started_at", "ended_at", "is_winback"]


def _end_of_day(as_of) -> np.datetime64:
    # A day means the whole day, as world.observed_until does.
    return (pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)).to_datetime64()


def phase_at(phases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each customer's relationship phase at the end of the day ``as_of``.

    Reads ``truth.phases`` (``customer_id``, ``phase``, ``started_at``, ``ended_at``,
    ``is_winback``). Returns ``customer_id``, ``phase`` (text), ``started_at`` and
    ``is_winback`` for every customer already aware of the firm then.

    >>> phases = pd.DataFrame({"customer_id": [1, 1, 2], "phase": ["awareness", "exploration", "awareness"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...     "ended_at": pd.to_datetime(["2024-02-01", None, None]), "is_winback": False})
    >>> phase_at(phases, "2024-01-31")["phase"].tolist(), phase_at(phases, "2024-03-01")["phase"].tolist()
    (['awareness'], ['exploration', 'awareness'])
    """
    require_columns(phases, PHASE_COLUMNS, "phases")
    moment = _end_of_day(as_of)
    current = phases[(phases["started_at"] < moment) & (phases["ended_at"].isna() | (phases["ended_at"] >= moment))]
    table = current[["customer_id", "phase", "started_at", "is_winback"]].assign(phase=current["phase"].astype(str))
    return table.sort_values("customer_id", ignore_index=True)


def phase_counts(phases: pd.DataFrame, dates) -> pd.DataFrame:
    """Customers in each phase at the end of each day of ``dates``: ``date``, then one column per phase."""
    counts = {pd.Timestamp(day): phase_at(phases, day)["phase"].value_counts() for day in dates}  # a few dates
    table = pd.DataFrame(counts).T.reindex(columns=list(PHASES)).fillna(0).astype("int64")
    return table.rename_axis("date").reset_index()


def orders_by_phase(orders: pd.DataFrame, phases: pd.DataFrame, start, end) -> pd.DataFrame:
    """How customers buy in each phase: each order is put in the phase its customer was in then.

    Parameters
    ----------
    orders : DataFrame
        ``customer_id``, ``ordered_at``, ``net_amount``.
    phases : DataFrame
        ``truth.phases``.
    start, end : date-like
        The observation window (its first and last day); time in a phase outside it is not counted.

    Returns
    -------
    DataFrame
        One row per phase: ``phase``, ``customers`` (who spent time in it in the window),
        ``customer_months`` (that time), ``orders``, ``orders_per_customer_month``,
        ``average_order_value`` and ``share_of_revenue``.

    Examples
    --------
    >>> phases = pd.DataFrame({"customer_id": [1, 1], "phase": ["exploration", "expansion"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-07-01"]),
    ...     "ended_at": pd.to_datetime(["2024-07-01", None]),
    ...     "is_winback": False})
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 1], "net_amount": [10.0, 20.0, 30.0],
    ...     "ordered_at": pd.to_datetime(["2024-02-01", "2024-08-01", "2024-09-01"])})
    >>> orders_by_phase(orders, phases, "2024-01-01", "2024-12-31").set_index("phase")["orders"].tolist()
    [0, 1, 2, 0, 0]
    """
    require_columns(orders, ["customer_id", "ordered_at", "net_amount"], "orders")
    require_columns(phases, PHASE_COLUMNS, "phases")
    first, last = pd.Timestamp(start).normalize().to_datetime64(), _end_of_day(end)
    begins = phases["started_at"].to_numpy(dtype="datetime64[s]").clip(first, last)
    ends = phases["ended_at"].fillna(pd.Timestamp(last)).to_numpy(dtype="datetime64[s]").clip(first, last)
    months = (ends - begins) / np.timedelta64(1, "D") / DAYS_PER_MONTH
    spent = phases.assign(months=months, phase=phases["phase"].astype(str))
    exposure = spent[spent["months"] > 0].groupby("phase").agg(customers=("customer_id", "nunique"),
                                                              customer_months=("months", "sum"))
    ordered = orders[(orders["ordered_at"] >= first) & (orders["ordered_at"] < last)].sort_values("ordered_at")
    starts = phases[["customer_id", "started_at", "phase"]].astype({"phase": str}).sort_values("started_at")
    placed = pd.merge_asof(ordered, starts, left_on="ordered_at", right_on="started_at", by="customer_id")
    bought = placed.groupby("phase").agg(orders=("net_amount", "size"), revenue=("net_amount", "sum"))
    table = exposure.join(bought, how="outer").reindex(list(PHASES)).fillna(0)
    table["orders_per_customer_month"] = table["orders"] / table["customer_months"].where(table["customer_months"] > 0)
    table["average_order_value"] = table["revenue"] / table["orders"].where(table["orders"] > 0)
    table["share_of_revenue"] = table["revenue"] / table["revenue"].sum()
    table = table.astype({"customers": "int64", "orders": "int64"}).rename_axis("phase").reset_index()
    return table[["phase", "customers", "customer_months", "orders", "orders_per_customer_month",
                  "average_order_value", "share_of_revenue"]]


# --- one customer's story ------------------------------------------------------------------------

#: The kinds of customer history the story explorer offers, and the test that picks them.
PATHS = {
    "reached commitment": lambda f: f["commitment"],
    "expanded, never committed": lambda f: f["expansion"] & ~f["commitment"],
    "left while exploring": lambda f: f["dissolution"] & ~f["expansion"] & ~f["won_back"],
    "won back": lambda f: f["won_back"],
    "still exploring": lambda f: f["current"].eq("exploration") & ~f["dissolution"],
}


def customer_paths(phases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Which phases each customer had reached by the end of the day ``as_of``.

    Returns ``customer_id``, one true/false column per phase, ``won_back`` and ``current``
    (the phase at ``as_of``); :data:`PATHS` turns them into kinds of history.

    >>> phases = pd.DataFrame({"customer_id": [1, 1, 1], "phase": ["awareness", "exploration", "dissolution"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"]),
    ...     "ended_at": pd.to_datetime(["2024-02-01", "2024-05-01", None]), "is_winback": False})
    >>> customer_paths(phases, "2024-12-31")[["dissolution", "won_back", "current"]].values.tolist()
    [[True, False, 'dissolution']]
    """
    require_columns(phases, PHASE_COLUMNS, "phases")
    begun = phases[phases["started_at"] < _end_of_day(as_of)]
    flags = pd.get_dummies(begun["phase"].astype(str)).reindex(columns=list(PHASES), fill_value=False)
    flags["won_back"] = begun["is_winback"].astype(bool)
    table = flags.groupby(begun["customer_id"].to_numpy()).max().rename_axis("customer_id").reset_index()
    table["current"] = table["customer_id"].map(phase_at(phases, as_of).set_index("customer_id")["phase"])
    return table


@dataclass(frozen=True, eq=False)
class CustomerStory:
    """One customer's history: the ``phases`` (truth), ``orders`` and ``complaints`` (observed)."""

    customer_id: int
    phases: pd.DataFrame
    orders: pd.DataFrame
    complaints: pd.DataFrame

    def __str__(self) -> str:
        path = " > ".join(self.phases["phase"].astype(str))
        return (f"customer {self.customer_id}: {path}; {len(self.orders)} orders worth "
                f"{self.orders['net_amount'].sum():,.2f}, {len(self.complaints)} complaints")


def customer_story(phases: pd.DataFrame, orders: pd.DataFrame, cases: pd.DataFrame, customer_id: int) -> CustomerStory:
    """The phases, orders and complaints of one customer (see :class:`CustomerStory`)."""
    require_columns(cases, ["customer_id", "opened_at", "is_complaint"], "cases")
    mine = phases[phases["customer_id"] == customer_id].sort_values("started_at", ignore_index=True)
    if mine.empty:
        raise ConfigError(f"customer_id = {customer_id!r}: no such customer in the phases table")
    bought = orders.loc[orders["customer_id"] == customer_id, ["ordered_at", "channel", "net_amount"]]
    mine_and_complaint = (cases["customer_id"] == customer_id) & cases["is_complaint"].astype(bool)
    complaints = cases.loc[mine_and_complaint, ["opened_at", "reason"]]
    return CustomerStory(int(customer_id), mine[["phase", "started_at", "ended_at", "is_winback"]],
                         bought.reset_index(drop=True), complaints.reset_index(drop=True))


def draw_customer_story(story: CustomerStory, observed_until, holdout_until, ax=None):
    """A time line of one customer: a band per phase, a dot per order (its size the amount), a
    red cross per complaint, and the hold-out period shaded (what the CRM has not seen yet)."""
    from crmkit.plots._base import new_axes

    ax = new_axes(ax, (10, 2.8))
    end = pd.Timestamp(holdout_until) + pd.Timedelta(days=1)
    spans = story.phases.assign(ended_at=story.phases["ended_at"].fillna(end))
    for phase, rows in spans.groupby(spans["phase"].astype(str), sort=False):  # five phases at most
        ax.broken_barh(list(zip(rows["started_at"], rows["ended_at"] - rows["started_at"])), (0, 1),
                       color=PHASE_COLOURS[phase], label=phase)
    sizes = 15 + 150 * story.orders["net_amount"] / max(float(story.orders["net_amount"].max() or 1), 1)
    ax.scatter(story.orders["ordered_at"], np.full(len(story.orders), 1.5), s=sizes, color="black", label="order")
    ax.scatter(story.complaints["opened_at"], np.full(len(story.complaints), 1.9), marker="x", color="#cb181d",
               label="complaint")
    ax.axvspan(pd.Timestamp(observed_until) + pd.Timedelta(days=1), end, color="white", alpha=0.6, hatch="//", lw=0)
    ax.set(ylim=(-0.1, 2.2), yticks=[], xlim=(spans["started_at"].min() - pd.Timedelta(days=20), end),
           title=f"{story}\n(synthetic data; hatched: the hold-out year, after the CRM's observation window)")
    ax.legend(ncols=7, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return ax


def customer_story_explorer(world, path: str = "reached commitment", number: int = 1):
    """Choose a kind of history and a customer of that kind; see their phases, orders and complaints.

    ``widget.result`` is the :class:`CustomerStory` shown. The kinds (:data:`PATHS`) are judged
    at the end of the observation window; ``number`` picks the n-th customer of the kind who
    ordered (counting round again past the last).
    """
    import ipywidgets as widgets

    phases, orders = world.truth.phases, world.orders
    flags = customer_paths(phases, world.observed_until)
    flags = flags[flags["customer_id"].isin(orders["customer_id"])]
    members = {name: flags.loc[rule(flags).to_numpy(bool), "customer_id"].to_numpy() for name, rule in PATHS.items()}
    members = {name: ids for name, ids in members.items() if len(ids)}
    if path not in members:
        raise ConfigError(f"path = {path!r}: {describe_allowed(members)}")

    def draw(ax, path, number):
        ids = members[path]
        story = customer_story(phases, orders, world.cases, int(ids[(number - 1) % len(ids)]))
        draw_customer_story(story, world.observed_until, world.holdout_until, ax=ax)
        return story

    return explorer(draw, figsize=(10, 2.8),
                    path=widgets.Dropdown(options=list(members), value=path, description="history"),
                    number=widgets.IntSlider(value=number, min=1, max=30, description="customer no."))


# --- retention economics ------------------------------------------------------------------------------


def retention_what_if(retention_rate: float, acquisition_multiple: float, margin: float, discount_rate: float,
                      customers: int = 1000, extra_points: float = 5.0, cost_to_keep: float = 20.0) -> pd.Series:
    """Retention against acquisition for a base of ``customers``, in one table.

    Keeping ``extra_points`` more of them for a period costs ``cost_to_keep`` per customer kept;
    winning a new customer costs ``acquisition_multiple`` times that. The figures come from
    :func:`crmkit.analytics.retention_economics` (the value of a customer now and with the extra
    points), :func:`~crmkit.analytics.acquisition_vs_retention` (the retention programme) and
    :func:`~crmkit.analytics.customer_base_projection` (the base after ten periods when the firm
    keeps winning as many new customers as it loses today).

    Returns
    -------
    Series
        ``retention_rate``, ``improved_rate``, ``clv_now``, ``clv_improved``, ``clv_change_pct``,
        ``customers_kept`` (extra), ``retention_spend``, ``acquisition_spend`` (to win as many new
        ones), ``value_of_kept``, ``net_benefit`` (of the programme), ``base_now`` and
        ``base_improved`` (after ten periods) and ``base_ceiling_improved``.

    Examples
    --------
    >>> what_if = retention_what_if(0.8, 5, 100, 0.1, extra_points=5)
    >>> what_if[["clv_now", "clv_improved", "customers_kept", "retention_spend", "acquisition_spend"]].round(1).tolist()
    [266.7, 340.0, 50.0, 1000.0, 5000.0]
    """
    if not 1 <= acquisition_multiple:
        raise ConfigError(f"acquisition_multiple: {acquisition_multiple!r} is not allowed; give 1 or more")
    value = retention_economics(margin, retention_rate, discount_rate, extra_points).set_index("scenario")
    acquisition_cost = acquisition_multiple * cost_to_keep
    programme = acquisition_vs_retention(customers, acquisition_cost, cost_to_keep * extra_points / 100, margin,
                                         retention_rate, discount_rate, extra_points)
    inflow = customers * (1 - retention_rate)  # new customers a period: enough to stand still today
    improved = value.loc["improved", "retention_rate"]
    return pd.Series({
        "retention_rate": retention_rate, "improved_rate": improved, "clv_now": value.loc["current", "clv"],
        "clv_improved": value.loc["improved", "clv"], "clv_change_pct": value.loc["improved", "clv_change_pct"],
        "customers_kept": programme["customers_saved"], "retention_spend": programme["programme_cost"],
        "acquisition_spend": programme["customers_saved"] * acquisition_cost,
        "value_of_kept": programme["value_of_saved"], "net_benefit": programme["net_benefit"],
        "base_now": customer_base_projection(inflow, retention_rate, 10, customers)["customers"].iloc[-1],
        "base_improved": customer_base_projection(inflow, improved, 10, customers)["customers"].iloc[-1],
        "base_ceiling_improved": inflow / (1 - improved),
    })


def _panels(ax, n: int) -> list:
    """Split ``ax`` into ``n`` axes side by side (for a figure with several panels)."""
    figure, spec = ax.figure, ax.get_subplotspec()
    ax.remove()
    return [figure.add_subplot(cell) for cell in spec.subgridspec(1, n)]


def draw_retention_what_if(retention_rate: float = 0.6, acquisition_multiple: float = 5.0, margin: float = 50.0,
                           discount_rate: float = 0.1, ax=None, **options) -> pd.Series:
    """Draw :func:`retention_what_if` in three panels and return it: the value of a customer
    against the retention rate, what keeping or winning the same customers costs, and the
    customer base over ten periods."""
    from crmkit.plots._base import new_axes

    what_if = retention_what_if(retention_rate, acquisition_multiple, margin, discount_rate, **options)
    curve, costs, base = _panels(new_axes(ax, (12, 3.8)), 3)
    rates = np.linspace(0.05, 0.94, 60)
    curve.plot(rates, simple_clv(margin, rates, discount_rate), color="#2171b5")
    curve.plot([retention_rate, what_if["improved_rate"]], [what_if["clv_now"], what_if["clv_improved"]], "o",
               color="#cb181d")
    points = 100 * (what_if["improved_rate"] - retention_rate)
    curve.set(xlabel="retention rate per period", ylabel="value of a customer (CLV)",
              title=f"+{points:.0f} points: CLV {what_if['clv_change_pct']:+.0f}%")
    kept = int(round(what_if["customers_kept"]))
    costs.bar(["keep them", "win new ones"], [what_if["retention_spend"], what_if["acquisition_spend"]],
              color=["#41ab5d", "#fd8d3c"])
    costs.axhline(what_if["value_of_kept"], color="black", lw=1, ls="--", label="what they are worth")
    costs.set(ylabel="money", title=f"{kept} more customers (acquisition {acquisition_multiple:g}x)")
    costs.legend(fontsize=7, loc="upper left")
    options.setdefault("customers", 1000)
    inflow = options["customers"] * (1 - retention_rate)
    for rate, colour in ((retention_rate, "#969696"), (what_if["improved_rate"], "#2171b5")):
        grown = customer_base_projection(inflow, rate, 10, options["customers"])
        base.plot(grown["period"], grown["customers"], marker="o", ms=3, color=colour, label=f"retention {rate:.0%}")
    base.set(xlabel="period", ylabel="customers", title="Customer base, same new customers")
    base.legend(fontsize=7)
    return what_if


def retention_economics_explorer(retention_rate: float = 0.6, acquisition_multiple: float = 5.0, margin: float = 50.0,
                                 discount_rate: float = 0.1):
    """Sliders for the retention rate, the acquisition cost multiple, the margin per customer per
    period and the discount rate; ``widget.result`` is :func:`retention_what_if` at those values."""
    import ipywidgets as widgets

    def draw(ax, retention_rate, acquisition_multiple, margin, discount_rate):
        return draw_retention_what_if(retention_rate, acquisition_multiple, margin, discount_rate, ax=ax)

    slider = {"continuous_update": False, "style": {"description_width": "initial"}}
    return explorer(draw, figsize=(12, 3.8),
                    retention_rate=widgets.FloatSlider(value=retention_rate, min=0.3, max=0.9, step=0.01,
                                                       description="retention rate", **slider),
                    acquisition_multiple=widgets.FloatSlider(value=acquisition_multiple, min=1, max=30, step=1,
                                                             description="acquisition cost multiple", **slider),
                    margin=widgets.FloatSlider(value=margin, min=10, max=500, step=10, description="margin", **slider),
                    discount_rate=widgets.FloatSlider(value=discount_rate, min=0, max=0.3, step=0.01,
                                                      description="discount rate", **slider))
