"""Buttle's CRM value chain and Gartner's eight building blocks, on a world.

:func:`value_chain_on_data` shows what each primary stage of Buttle's value chain finds in a
world; :func:`building_block_evidence` what the data says about each of Gartner's building
blocks. :func:`gartner_assessment_explorer` is a self-assessment: one slider per block, the
chart of the scores (:mod:`crmkit.frameworks.assessment`), the weakest blocks named, and the
data's evidence beside each score.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmkit.errors import ConfigError, DataError
from crmkit.analytics._checks import require_columns as _require
from crmkit.explore._base import explorer
from crmkit.frameworks.assessment import SCALE, assess, weakest_blocks
from crmkit.plots.assessment import plot_assessment

# Only the explorers: crmkit.explore collects every module's __all__ into one namespace and the widget
# benchmark builds each name in it. The pure pieces below are imported from this module by name.
__all__ = ["gartner_assessment_explorer"]

#: An invented self-assessment of PSCHSE Manufacturing, the widget's starting point (for teaching only).
EXAMPLE_SCORES = {"vision": 4, "strategy": 3, "valued_customer_experience": 3, "organisational_collaboration": 2,
                  "processes": 3, "information": 2, "technology": 4, "metrics": 3}
COST_TO_SERVE = ("delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost")


def profile_completeness(customers: pd.DataFrame, fields=("email", "phone", "birth_year")) -> float:
    """Share of customer records in which every one of ``fields`` is filled in.

    >>> customers = pd.DataFrame({"email": ["a@x.org", None, "c@x.org"], "phone": ["555", "555", None],
    ...                           "birth_year": [1980, 1990, 1970]})
    >>> round(profile_completeness(customers), 3)
    0.333
    """
    _require(customers, list(fields), "customers")
    return float(customers[list(fields)].notna().all(axis=1).mean())


def repeat_rate(orders: pd.DataFrame, year: int) -> float:
    """Share of the customers who ordered in ``year - 1`` who ordered again in ``year``.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...                        "ordered_at": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-05-01", "2025-01-09"])})
    >>> repeat_rate(orders, 2025)
    0.5
    """
    _require(orders, ["customer_id", "ordered_at"], "orders")
    years = orders["ordered_at"].dt.year
    before = pd.Index(orders.loc[years == year - 1, "customer_id"].unique())
    if before.empty:
        raise DataError(f"orders: nobody ordered in {year - 1}, so the repeat rate of {year} is undefined")
    return float(before.isin(orders.loc[years == year, "customer_id"]).mean())


def cost_to_serve_concentration(customer_costs: pd.DataFrame, top: float = 0.05) -> float:
    """Share of the buyers' total cost to serve absorbed by the ``top`` share of buyers who cost
    most to serve (Buttle's "cost magnets"); cost to serve is the sum of :data:`COST_TO_SERVE`.

    >>> costs = pd.DataFrame({"orders": [1, 1, 1, 0], "delivery_cost": [90.0, 5.0, 5.0, 0.0], "service_cost": 0.0,
    ...                       "payment_cost": 0.0, "marketing_cost": [0.0, 0.0, 0.0, 1.0], "returns_cost": 0.0})
    >>> cost_to_serve_concentration(costs, top=0.34)
    0.9
    """
    _require(customer_costs, ["orders", *COST_TO_SERVE], "customer_costs")
    if not 0 < top <= 1:
        raise ConfigError(f"top = {top!r}: must be a share above 0 and at most 1")
    buyers = customer_costs[customer_costs["orders"] > 0]
    cost = buyers[list(COST_TO_SERVE)].sum(axis=1).sort_values(ascending=False)
    return float(cost.iloc[: max(int(top * len(cost)), 1)].sum() / cost.sum())


def _figures(world) -> dict:
    """Every figure the two models' tables quote, computed once."""
    from crmkit.analytics import campaign_uplift, customer_profitability, nps, order_touchpoints, profitability_summary
    from crmkit.explore.types import channels_before_orders

    profit = profitability_summary(customer_profitability(world.customer_costs))
    spend = world.orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    uplift = campaign_uplift(world.campaign_members)
    records = world.source_records
    return {
        "unprofitable": profit["unprofitable_share"], "buyers": int(profit["customers"]),
        "top20_revenue": spend.iloc[: max(int(0.2 * len(spend)), 1)].sum() / spend.sum(),
        "cost_magnets": cost_to_serve_concentration(world.customer_costs),
        "nps": float(nps(world.surveys)["nps"].iloc[0]),
        "several_channels": float((channels_before_orders(order_touchpoints(world.interactions, world.orders),
                                                          world.orders)["channels"] >= 2).mean()),
        "leads": len(world.leads), "converted": float((world.leads["status"] == "converted").mean()),
        "complete": profile_completeness(world.customers),
        "members": float((world.customers["loyalty_tier"].astype(str) != "none").mean()),
        "records": len(records), "systems": records["source_system"].nunique(), "customers": len(world.customers),
        "year": world.observed_until.year, "repeat": repeat_rate(world.orders, world.observed_until.year),
        "partners": len(world.partners), "partner_kinds": ", ".join(world.partners["kind"].astype(str)),
        "beat_control": int((uplift["uplift"] > 0).sum()), "with_control": len(uplift),
    }


def value_chain_on_data(world) -> pd.DataFrame:
    """What each primary stage of Buttle's value chain finds in ``world``.

    Returns ``key``, ``stage``, ``analytics`` and ``table`` (from
    ``crmkit.frameworks.table("buttle_value_chain")``) and ``finding`` (a sentence with the
    world's figures).
    """
    from crmkit import frameworks

    f = _figures(world)
    findings = {
        "customer_portfolio_analysis": f"The 5% of buyers who cost most to serve absorb {f['cost_magnets']:.0%} of the cost "
                                       f"to serve; {f['unprofitable']:.0%} of buyers are unprofitable.",
        "customer_intimacy": f"{f['complete']:.0%} of customer records hold an email, a phone and a birth year; "
                             f"{f['members']:.0%} of customers are loyalty members.",
        "network_development": f"{f['partners']} partner firms ({f['partner_kinds']}) exchange data with the company.",
        "value_proposition_development": f"{f['beat_control']} of {f['with_control']} campaigns with a control group "
                                         "drew a higher response than their control group.",
        "manage_customer_lifecycle": f"{f['repeat']:.0%} of {f['year'] - 1}'s buyers bought again in {f['year']}.",
    }
    table = frameworks.table("buttle_value_chain")[["key", "stage", "analytics", "tables"]].rename(columns={"tables": "table"})
    return table.assign(finding=table["key"].map(findings))


def building_block_evidence(world) -> pd.DataFrame:
    """What ``world``'s data says about each of Gartner's eight building blocks.

    Returns ``key``, ``block``, ``indicator``, ``value`` and ``says`` (a sentence), one row
    per block in Gartner's order. The indicators are the kit's choice of one telling figure
    per block, not Gartner's.
    """
    from crmkit import frameworks

    f = _figures(world)
    rows = {
        "vision": ("top 20% of buyers' share of revenue", f["top20_revenue"],
                   f"The top 20% of buyers bring {f['top20_revenue']:.0%} of revenue: the vision must say what the "
                   "company wants to be for them."),
        "strategy": ("share of buyers who cost more than they bring", f["unprofitable"],
                     f"{f['unprofitable']:.0%} of the {f['buyers']:,} buyers are unprofitable after cost to serve: the "
                     "strategy chooses whom to win, keep and grow."),
        "valued_customer_experience": ("Net Promoter Score", f["nps"],
                                       f"NPS is {f['nps']:.0f}: how customers rate their experience of the company."),
        "organisational_collaboration": ("share of orders after contacts on 2+ channels", f["several_channels"],
                                         f"{f['several_channels']:.0%} of orders followed contacts on two or more "
                                         "channels: departments must work from one picture of the customer."),
        "processes": ("share of leads converted", f["converted"],
                      f"{f['converted']:.0%} of {f['leads']:,} leads became customers: where does the lead process "
                      "lose the others?"),
        "information": ("share of complete customer records", f["complete"],
                        f"Only {f['complete']:.0%} of customer records hold an email, a phone and a birth year."),
        "technology": ("source records per customer", f["records"] / f["customers"],
                       f"{f['records']:,} records of people sit in {f['systems']} separate systems "
                       f"({f['records'] / f['customers']:.1f} per customer): they must be matched and joined."),
        "metrics": (f"repeat rate {f['year'] - 1} to {f['year']}", f["repeat"],
                    f"{f['repeat']:.0%} of {f['year'] - 1}'s buyers bought again in {f['year']}: is retention "
                    "measured and reported?"),
    }
    blocks = frameworks.table("gartner_building_blocks")[["key", "stage"]].rename(columns={"stage": "block"})
    return blocks.assign(indicator=blocks["key"].map(lambda k: rows[k][0]), value=blocks["key"].map(lambda k: rows[k][1]),
                         says=blocks["key"].map(lambda k: rows[k][2]))


@dataclass(frozen=True, eq=False)
class SelfAssessment:
    """A company's self-assessment: the ``table`` (one row per block: score, rank, weakest,
    the data's indicator and what it says) and the ``weakest`` blocks' names."""

    company: str
    table: pd.DataFrame
    weakest: list

    def __str__(self) -> str:
        return f"{self.company}: weakest {' and '.join(self.weakest)}"

    __repr__ = __str__  # one readable line, also as the text/plain output in a notebook

    def _repr_html_(self) -> str:
        columns = ["block", "score", "weakest", "says"]
        ordered = self.table.sort_values(["score", "rank"], kind="stable")[columns]
        return (f"<p><b>{self.company}</b>: the weakest blocks are <b>{', '.join(self.weakest)}</b>. "
                "What the data says about each block:</p>" + ordered.to_html(index=False))


def draw_self_assessment(evidence: pd.DataFrame, scores: dict, chart: str = "radar",
                         company: str = "PSCHSE Manufacturing", ax=None) -> SelfAssessment:
    """Score the eight building blocks, draw the chart and return the :class:`SelfAssessment`.

    ``evidence`` comes from :func:`building_block_evidence`; ``scores`` maps each block's
    key to a score from 1 to 5 (see :func:`crmkit.frameworks.assessment.assess`).
    """
    table = assess(scores).merge(evidence[["key", "indicator", "value", "says"]], on="key", how="left")
    plot_assessment(table, kind=chart, title=f"{company}: CRM self-assessment (Gartner's eight building blocks)", ax=ax)
    return SelfAssessment(company, table, weakest_blocks(table))


def gartner_assessment_explorer(world, company: str = "PSCHSE Manufacturing", scores: dict | None = None):
    """A self-assessment widget: one slider per building block (1 = missing, 5 = strong) and
    a chart dropdown (radar or bars). It draws the scores, names the weakest blocks and puts
    beside each block what ``world``'s data says about it.

    ``widget.result`` is the current :class:`SelfAssessment`; ``widget.control(key)`` the
    slider of a block (keys as in :data:`EXAMPLE_SCORES`), ``widget.control("chart")`` the
    dropdown. The evidence is computed once, when the explorer is built.
    """
    import ipywidgets as widgets
    from crmkit import frameworks

    start = {**EXAMPLE_SCORES, **(scores or {})}
    evidence = building_block_evidence(world)
    style = {"description_width": "15em"}
    sliders = {stage.key: widgets.IntSlider(start[stage.key], min=SCALE[0], max=SCALE[1], description=stage.name, style=style)
               for stage in frameworks.load("gartner_building_blocks").stages}

    def draw(ax, chart, **block_scores):
        return draw_self_assessment(evidence, block_scores, chart, company, ax=ax)

    chart = widgets.Dropdown(options=[("radar chart", "radar"), ("bar chart", "bar")], value="radar",
                             description="chart", style=style)
    return explorer(draw, figsize=(9, 4.8), chart=chart, **sliders)
