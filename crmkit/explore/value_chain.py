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

from crmkit.analytics.profitability import COST_TO_SERVE, cost_to_serve_concentration  # noqa: F401  (imported from here by lessons)
from crmkit.analytics.retention import repeat_rate  # noqa: F401  (imported from here by lessons)
from crmkit.analytics.value_chain import profile_completeness, value_chain_figures  # noqa: F401  (as above)
from crmkit.explore._base import explorer
from crmkit.frameworks.assessment import SCALE, assess, weakest_blocks
from crmkit.plots.assessment import plot_assessment

# Only the explorers: crmkit.explore collects every module's __all__ into one namespace and the widget
# benchmark builds each name in it. The pure pieces below are imported from this module by name.
__all__ = ["gartner_assessment_explorer"]

#: An invented self-assessment of PSCHSE Manufacturing, the widget's starting point (for teaching only).
EXAMPLE_SCORES = {"vision": 4, "strategy": 3, "valued_customer_experience": 3, "organisational_collaboration": 2,
                  "processes": 3, "information": 2, "technology": 4, "metrics": 3}


def value_chain_on_data(world) -> pd.DataFrame:
    """What each primary stage of Buttle's value chain finds in ``world``.

    Returns ``key``, ``stage``, ``analytics`` and ``table`` (from
    ``crmkit.frameworks.table("buttle_value_chain")``) and ``finding`` (a sentence with the
    world's figures).
    """
    from crmkit import frameworks

    f = value_chain_figures(world)
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

    f = value_chain_figures(world)
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
