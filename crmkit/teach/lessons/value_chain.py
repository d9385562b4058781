"""Exercises of the lesson on Buttle's value chain and Gartner's building blocks
(notebooks/06_value_chain_and_building_blocks.ipynb).

Customer portfolio analysis (how much of the cost to serve the costliest buyers absorb,
Buttle's "cost magnets"), customer intimacy and Gartner's information block (how many
customer records are complete), Gartner's metrics block (the repeat rate), Buttle's data and
IT condition (how many customers' records are spread over several systems), the four
supporting conditions in a self-assessment (how far they trail the primary stages) and one
score of the Gartner self-assessment checked against the data (the processes block: lead
conversion).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit import frameworks
from crmkit.frameworks.assessment import assess
from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES", "COST_COLUMNS", "CHAIN_EXAMPLE_SCORES", "condition_gap"]

#: The cost-to-serve columns of ``customer_costs``.
COST_COLUMNS = ["delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost"]


def _as_percent(reference, rtol: float = 1e-3):
    """A mistake test: the answer is the right share written as a percentage (times 100),
    within the exercise's tolerance ``rtol``."""
    def matches(answer, world) -> bool:
        expected = float(reference(world))
        return expected != 0 and bool(np.isclose(float(answer), 100 * expected, rtol=rtol))
    return matches


# --- customer portfolio analysis: cost magnets -------------------------------------------------------


def _top_share(ranked_by: pd.Series, shared: pd.Series, n: int, top: float = 0.05) -> float:
    order = ranked_by.sort_values(ascending=False).index[: max(int(top * n), 1)]
    return float(shared.loc[order].sum() / shared.sum())


def _buyers(w) -> pd.DataFrame:
    return w.customer_costs[w.customer_costs["orders"] > 0]


def cost_magnet_share(w) -> float:
    cost = _buyers(w)[COST_COLUMNS].sum(axis=1)
    return _top_share(cost, cost, len(cost))


def _everyone_share(w) -> float:
    cost = w.customer_costs[COST_COLUMNS].sum(axis=1)
    return _top_share(cost, cost, len(cost))


COST_MAGNETS = Exercise(
    "cost_magnets",
    "Customer portfolio analysis. For each **buyer** (customers with `orders > 0` in `customer_costs`) add up the "
    "cost to serve: " + ", ".join(f"`{c}`" for c in COST_COLUMNS) + ". Take the 5% of buyers with the **highest "
    "cost to serve** (`int(0.05 * number_of_buyers)`). What **share of the buyers' total cost to serve** do they "
    "absorb? Give a share between 0 and 1.",
    reference=cost_magnet_share,
    rtol=5e-3,  # int() or round() for the 5% cut-off moves the share by about one buyer's cost
    mistakes=[
        Mistake("ranked_by_revenue", "You took the 5% who bring the most revenue. Cost magnets are the buyers who "
                "cost most to serve: rank by the summed cost columns.",
                answer=lambda w: _top_share(_buyers(w)["revenue"], _buyers(w)[COST_COLUMNS].sum(axis=1), len(_buyers(w)))),
        Mistake("share_of_revenue", "You measured their share of revenue; the question asks for their share of the "
                "cost to serve.", answer=lambda w: _top_share(_buyers(w)[COST_COLUMNS].sum(axis=1), _buyers(w)["revenue"],
                                                               len(_buyers(w)))),
        Mistake("everyone", "You kept every customer, including those who never ordered, so the 5% group and the total "
                "are both off. Keep the buyers first: orders > 0.", answer=_everyone_share),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(cost_magnet_share, rtol=5e-3)),
    ])


# --- customer intimacy / the information block: complete customer records ---------------------------

FIELDS = ["email", "phone", "birth_year"]


def complete_share(w) -> float:
    return float(w.customers[FIELDS].notna().all(axis=1).mean())


COMPLETE = Exercise(
    "complete_profiles",
    "Customer intimacy needs good information (Gartner's *CRM information* block). What **share of the customer "
    "records** in `customers` hold **all three** of `email`, `phone` and `birth_year`? Give a share between 0 and 1.",
    reference=complete_share,
    mistakes=[
        Mistake("any_field", "You counted records with at least one of the three fields (or / any). A complete record "
                "has all three: combine the tests with & (or use .all(axis=1)).",
                answer=lambda w: float(w.customers[FIELDS].notna().any(axis=1).mean())),
        Mistake("email_only", "You checked the email only; phone and birth_year must be filled in too.",
                answer=lambda w: float(w.customers["email"].notna().mean())),
        Mistake("missing_share", "You gave the share of incomplete records: the question asks for the complete ones "
                "(1 minus your answer).", answer=lambda w: 1 - complete_share(w)),
        Mistake("count", "You counted the complete records; divide by the number of customers for a share.",
                answer=lambda w: float(w.customers[FIELDS].notna().all(axis=1).sum())),
    ])


# --- the metrics block / managing the customer life cycle: the repeat rate -------------------------------


def _buyers_in(w, year: int) -> pd.Index:
    orders = w.orders
    return pd.Index(orders.loc[orders["ordered_at"].dt.year == year, "customer_id"].unique())


def _repeat(w, earlier: int, later: int) -> float:
    before = _buyers_in(w, earlier)
    return float(before.isin(_buyers_in(w, later)).mean()) if len(before) else np.nan  # a world may start later


def repeat_share(w) -> float:
    year = w.observed_until.year
    return _repeat(w, year - 1, year)


REPEAT = Exercise(
    "repeat_rate",
    "A CRM metric: of the customers who ordered in the year **before** the last observed year "
    "(`world.observed_until.year - 1`), what **share ordered again** in the last observed year? Give a share "
    "between 0 and 1.",
    reference=repeat_share,
    mistakes=[
        Mistake("reversed", "You started from the last year's buyers and asked who had bought the year before. The "
                "repeat rate starts from the earlier year's buyers: who of them came back?",
                answer=lambda w: _repeat(w, w.observed_until.year, w.observed_until.year - 1)),
        Mistake("all_customers", "You divided by every customer in the table; divide by the customers who ordered in "
                "the earlier year.", answer=lambda w: float(
                    _buyers_in(w, w.observed_until.year - 1).isin(_buyers_in(w, w.observed_until.year)).sum()
                    / len(w.customers))),
        Mistake("wrong_years", "You used the two years before the last one. Take the last observed year "
                "(world.observed_until.year) and the year before it.",
                matches=lambda a, w: bool(np.isclose(float(a), _repeat(w, w.observed_until.year - 2, w.observed_until.year - 1),
                                                     rtol=1e-4))),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(repeat_share)),
    ])


# --- Buttle's data and IT condition: one customer, records in several systems ---------------------


def _records_with_person(w) -> pd.DataFrame:
    # the truth says whose each record is: the company has to find it by matching (lesson 01)
    links = w.truth.source_links[["source_record_id", "customer_id"]]
    return w.source_records.merge(links, on="source_record_id")


def several_systems_share(w) -> float:
    systems = _records_with_person(w).groupby("customer_id")["source_system"].nunique()
    return float((systems >= 2).mean())


def _record_level_share(w) -> float:
    records = _records_with_person(w)
    # map, not transform("nunique"): on a categorical column pandas' transform leaves gaps
    systems = records["customer_id"].map(records.groupby("customer_id")["source_system"].nunique())
    return float((systems >= 2).mean())


SEVERAL_SYSTEMS = Exercise(
    "customers_in_several_systems",
    "Buttle's *data and IT* condition asks for customer data joined into one view. `source_records` holds the raw "
    "records of people in the company's separate systems (`source_system`); `world.truth.source_links` says whose "
    "each record is (`customer_id`). Of the customers with at least one source record, what **share have records "
    "in two or more different systems**? Give a share between 0 and 1.",
    reference=several_systems_share,
    uses_truth=True,
    mistakes=[
        Mistake("records_not_systems", "You counted customers with two or more records, but two records can sit in "
                "the same system (a duplicate). Count the different systems per customer: "
                "groupby('customer_id')['source_system'].nunique().",
                answer=lambda w: float((_records_with_person(w).groupby("customer_id").size() >= 2).mean())),
        Mistake("all_customers", "You divided by every customer in `customers`, including those with no source record "
                "at all. Divide by the customers who appear in source_links.",
                answer=lambda w: float((_records_with_person(w).groupby("customer_id")["source_system"].nunique() >= 2).sum()
                                       / len(w.customers))),
        Mistake("record_level", "You gave the share of source records that belong to such customers; the question "
                "counts customers: group the records by customer_id first.", answer=_record_level_share),
        Mistake("count", "You counted the customers; the question asks for their share: divide by the number of "
                "customers with a source record (or take .mean() of the true/false test).",
                answer=lambda w: float((_records_with_person(w).groupby("customer_id")["source_system"].nunique() >= 2).sum())),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(several_systems_share)),
    ])


# --- the four supporting conditions in a self-assessment ---------------------------------------------

#: An invented self-assessment of PSCHSE on Buttle's value chain (for teaching only): a chain planned
#: well on conditions not yet built. Stage and condition keys as in buttle_value_chain.yaml.
CHAIN_EXAMPLE_SCORES = {"customer_portfolio_analysis": 3, "customer_intimacy": 3, "network_development": 4,
                        "value_proposition_development": 4, "manage_customer_lifecycle": 3,
                        "leadership_and_culture": 3, "data_and_it": 2, "people": 2, "processes": 3}


def _chain_table(scores) -> pd.DataFrame:
    conditions = {condition.key for condition in frameworks.load("buttle_value_chain").conditions}
    table = assess(scores, framework="buttle_value_chain", conditions=True)
    return table.assign(is_condition=table["key"].isin(conditions))


def condition_gap(scores) -> float:
    """Mean score of the primary stages minus the mean score of the supporting conditions.

    >>> condition_gap(CHAIN_EXAMPLE_SCORES)
    0.9
    """
    table = _chain_table(scores)
    means = table.groupby("is_condition")["score"].mean()
    return round(float(means[False] - means[True]), 10)


def _example_parts() -> tuple[pd.Series, pd.Series, pd.Series]:
    """The example's scores: the stages, the conditions and all nine blocks."""
    table = _chain_table(CHAIN_EXAMPLE_SCORES)
    return table.loc[~table["is_condition"], "score"], table.loc[table["is_condition"], "score"], table["score"]


CONDITION_GAP = Exercise(
    "condition_gap",
    "Buttle's supporting conditions carry every primary stage. In the example self-assessment of the value chain "
    "(`assess(chain_scores, framework='buttle_value_chain', conditions=True)`), how many points **below** the mean "
    "score of the **five primary stages** is the mean score of the **four supporting conditions**? Give a positive "
    "number when the conditions score lower.",
    reference=lambda w: condition_gap(CHAIN_EXAMPLE_SCORES),
    mistakes=[
        Mistake("reversed", "You subtracted the other way round (or compared the gap column, which runs opposite to "
                "the score): take the stages' mean minus the conditions' mean.",
                answer=lambda w: -condition_gap(CHAIN_EXAMPLE_SCORES)),
        Mistake("all_nine", "You compared the stages with the mean of all nine blocks; the stages are in it too. "
                "Average the four conditions only (leadership_and_culture, data_and_it, people, processes).",
                answer=lambda w: float(_example_parts()[0].mean() - _example_parts()[2].mean())),
        Mistake("lowest_condition", "You took the lowest condition, not the conditions' mean.",
                answer=lambda w: float(_example_parts()[0].mean() - _example_parts()[1].min())),
        Mistake("sums", "You compared the totals, but there are five stages and four conditions: compare the means.",
                answer=lambda w: float(_example_parts()[0].sum() - _example_parts()[1].sum())),
    ])


# --- the Gartner self-assessment: a score checked against the data (CRM processes) -------------------


def _converted(w) -> pd.Series:
    return w.leads["status"].astype(str) == "converted"


def lead_conversion_share(w) -> float:
    return float(_converted(w).mean())


LEAD_CONVERSION = Exercise(
    "lead_conversion",
    "Gartner's *CRM processes* block covers turning a lead into a customer. What **share of the leads** in `leads` "
    "became customers (`status` is 'converted')? Give a share between 0 and 1.",
    reference=lead_conversion_share,
    mistakes=[
        Mistake("closed_only", "You divided by the converted and unqualified leads only. The question asks for the "
                "share of all leads, including those still being worked.",
                answer=lambda w: float(_converted(w).sum() / w.leads["status"].astype(str).isin(["converted", "unqualified"]).sum())),
        Mistake("per_customer", "You divided by the number of customers; the share is of the leads: divide by len(leads).",
                answer=lambda w: float(_converted(w).sum() / len(w.customers))),
        Mistake("count", "You counted the converted leads; divide by the number of leads for a share.",
                answer=lambda w: float(_converted(w).sum())),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(lead_conversion_share)),
    ])


EXERCISES = [COST_MAGNETS, COMPLETE, REPEAT, LEAD_CONVERSION, CONDITION_GAP, SEVERAL_SYSTEMS]
