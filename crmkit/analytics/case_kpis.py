"""The KPIs the case lessons compare, from one row of counts per customer.

:func:`customer_outcomes` turns a world into one row per customer, :func:`case_kpi_table` into
the KPIs of :data:`KPIS` (for all customers or per persona), :func:`company_kpis` gives a
world's KPIs and :func:`strategy_effect` sets the world with a lever beside the world
without it. Every world here is synthetic: its numbers say nothing about the real companies.
"""

from __future__ import annotations

__all__ = ["KPIS", "company_kpis", "customer_outcomes", "case_kpi_table", "kpis_with_total", "strategy_effect"]

import numpy as np
import pandas as pd

from crmkit.errors import DataError

#: The KPIs the case lessons compare, with what each one measures.
KPIS = {
    "orders per customer": "orders in the observed years, per customer",
    "revenue per customer": "net amount of those orders, per customer (the case's own currency)",
    "contribution per customer": "revenue less cost of goods and cost to serve, per customer",
    "contribution margin (%)": "contribution as a share of revenue",
    "retention (%)": "share of the year-before-last's buyers who bought again in the last observed year",
    "next-year orders per customer": "orders in the hold-out year after the observed years (synthetic truth)",
    "loyalty members (%)": "share of customers in the loyalty programme",
    "campaign uplift (points)": "extra chance of buying a contacted member owed to the campaign (synthetic truth)",
    "problem orders (%)": "share of orders with a service issue (late, damaged, wrong)",
    "satisfied (%)": "share of CSAT answers of 4 or 5",
    "NPS": "promoters minus detractors, in % of NPS answers",
    "top-10% revenue share (%)": "share of revenue from the 10% of buyers who spent most",
}
# kpi: (numerator column, denominator column, scale) of the ratios of sums in customer_outcomes
RATIOS = {
    "orders per customer": ("orders", "customers", 1),
    "revenue per customer": ("revenue", "customers", 1),
    "contribution per customer": ("contribution", "customers", 1),
    "contribution margin (%)": ("contribution", "revenue", 100),
    "retention (%)": ("retained", "bought_year_before", 100),
    "next-year orders per customer": ("next_year_orders", "customers", 1),
    "loyalty members (%)": ("member", "customers", 100),
    "campaign uplift (points)": ("true_uplift", "contacted", 100),
    "problem orders (%)": ("problem_orders", "orders", 100),
    "satisfied (%)": ("satisfied", "csat_answers", 100),
    "NPS": ("net_promoters", "nps_answers", 100),
}
COUNTS = ("customers", "orders", "revenue", "contribution", "bought_year_before", "retained", "next_year_orders",
          "member", "contacted", "true_uplift", "problem_orders", "satisfied", "csat_answers", "net_promoters",
          "nps_answers")


def _per_customer(frame: pd.DataFrame, ids: pd.Series, **columns) -> pd.DataFrame:
    """Sum ``columns`` (name -> column of ``frame``) per customer, for every id in ``ids``."""
    sums = frame.groupby("customer_id")[list(columns.values())].sum()
    sums.columns = list(columns)
    return sums.reindex(ids, fill_value=0)


def customer_outcomes(world) -> pd.DataFrame:
    """One row per customer: what the KPIs of :data:`KPIS` are made of.

    Reads ``customers`` (``loyalty_tier``), ``orders`` (``ordered_at``, ``net_amount``,
    ``service_issue``), ``customer_costs`` (``contribution``), ``surveys`` (``kind``,
    ``score``), ``campaign_members`` (``member_id``, ``in_control_group``) and the truth
    (``truth.customers``: ``persona``, ``holdout_orders``; ``truth.campaign_uplift``:
    ``true_uplift``). A world without its truth gets persona "unknown" and missing
    next-year orders and uplift.

    Returns
    -------
    DataFrame
        ``customer_id``, ``persona`` and the counts ``customers`` (1), ``orders``, ``revenue``,
        ``contribution``, ``bought_year_before``, ``retained`` (bought in the calendar year
        before the last observed one and in the last one), ``next_year_orders``, ``member``,
        ``contacted`` (campaign contacts), ``true_uplift`` (summed over them),
        ``problem_orders``, ``satisfied``, ``csat_answers``, ``net_promoters`` (promoters
        less detractors) and ``nps_answers``.

    Examples
    --------
    >>> import types
    >>> world = types.SimpleNamespace(observed_until=pd.Timestamp("2024-12-31"), truth={},
    ...     customers=pd.DataFrame({"customer_id": [1, 2], "loyalty_tier": ["bronze", "none"]}),
    ...     orders=pd.DataFrame({"customer_id": [1, 1, 2], "net_amount": [10.0, 20.0, 5.0], "service_issue": "none",
    ...                          "ordered_at": pd.to_datetime(["2023-03-01", "2024-05-01", "2023-07-01"])}),
    ...     customer_costs=pd.DataFrame({"customer_id": [1, 2], "contribution": [6.0, -1.0]}),
    ...     surveys=pd.DataFrame({"customer_id": [1], "kind": ["nps"], "score": [10]}),
    ...     campaign_members=pd.DataFrame({"member_id": [1], "customer_id": [2], "in_control_group": [False]}))
    >>> customer_outcomes(world)[["customer_id", "orders", "revenue", "retained", "member", "net_promoters"]]
       customer_id  orders  revenue  retained  member  net_promoters
    0            1       2     30.0      True    True              1
    1            2       1      5.0     False   False              0
    """
    ids = world.customers["customer_id"]
    orders = world.orders
    year, last = orders["ordered_at"].dt.year, world.observed_until.year
    bought = orders.assign(one=1, problem=orders["service_issue"].astype(str) != "none",
                           before=year == last - 1, last=year == last)
    out = _per_customer(bought, ids, orders="one", revenue="net_amount", problem_orders="problem",
                        bought_year_before="before", bought_last_year="last")
    out["bought_year_before"] = out["bought_year_before"] > 0
    out["retained"] = out["bought_year_before"] & (out.pop("bought_last_year") > 0)
    out["contribution"] = world.customer_costs.set_index("customer_id")["contribution"].reindex(ids, fill_value=0.0)
    out["member"] = world.customers.set_index("customer_id")["loyalty_tier"].astype(str).ne("none")
    out = out.join(_survey_counts(world.surveys, ids))
    truth = getattr(world, "truth", None) or {}
    people = truth["customers"].set_index("customer_id") if "customers" in truth else None
    out["next_year_orders"] = np.nan if people is None else people["holdout_orders"].reindex(ids)
    out["persona"] = "unknown" if people is None else people["persona"].reindex(ids).astype(str)
    contacted = world.campaign_members[~world.campaign_members["in_control_group"].astype(bool)]
    if "campaign_uplift" in truth:
        contacted = contacted.merge(truth["campaign_uplift"][["member_id", "true_uplift"]], on="member_id")
    out = out.join(_per_customer(contacted.assign(one=1, true_uplift=contacted.get("true_uplift", 0.0)), ids,
                                 contacted="one", true_uplift="true_uplift"))
    if "campaign_uplift" not in truth:  # unknown, not zero
        out["true_uplift"] = np.nan
    out["customers"] = 1
    return out.reset_index()[["customer_id", "persona", *COUNTS]]


def _survey_counts(surveys: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Per customer: NPS answers, promoters less detractors, CSAT answers, satisfied (4-5) answers."""
    kind, score = surveys["kind"].astype(str), surveys["score"]
    nps, csat = kind.eq("nps"), kind.eq("csat")
    marks = pd.DataFrame({"customer_id": surveys["customer_id"], "nps": nps, "csat": csat, "happy": csat & (score >= 4),
                          "net": (nps & (score >= 9)).astype(int) - (nps & (score <= 6)).astype(int)})
    return _per_customer(marks, ids, net_promoters="net", nps_answers="nps", satisfied="happy", csat_answers="csat")


def _top_share(revenue: pd.Series, key: pd.Series, share: float = 0.1) -> pd.Series:
    """Per group: revenue share of the ``int(share * buyers)`` buyers (at least one) who spent most."""
    buyers = pd.DataFrame({"key": key, "revenue": revenue})[revenue > 0]
    buyers = buyers.sort_values(["key", "revenue"], ascending=[True, False])
    rank = buyers.groupby("key").cumcount()
    size = buyers.groupby("key")["revenue"].transform("size")
    top = rank < np.maximum((share * size).astype(int), 1)
    return buyers["revenue"].where(top, 0.0).groupby(buyers["key"]).sum() / buyers.groupby("key")["revenue"].sum()


def case_kpi_table(outcomes: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The KPIs of :data:`KPIS` from :func:`customer_outcomes`, for all customers or per ``by``.

    Every KPI but the top-10% share is a ratio of sums (a group's KPI is not the mean of its
    customers' ratios): the campaign uplift, for one, is the mean true uplift per contact.

    Returns
    -------
    DataFrame
        One row per group (``"all customers"`` when ``by`` is None), one column per KPI.

    Examples
    --------
    >>> rows = pd.DataFrame({"persona": ["a", "a", "b"], **{c: 0 for c in COUNTS}})
    >>> rows["customers"], rows["orders"], rows["revenue"] = 1, [3, 1, 0], [90.0, 10.0, 0.0]
    >>> table = case_kpi_table(rows, by="persona")
    >>> table["orders per customer"].tolist(), table["top-10% revenue share (%)"].tolist()
    ([2.0, 0.0], [90.0, nan])
    """
    missing = [c for c in COUNTS if c not in outcomes.columns]
    if missing or (by is not None and by not in outcomes.columns):
        raise DataError(f"outcomes: column {(missing or [by])[0]!r} is missing; use customer_outcomes(world)")
    key = outcomes[by].rename(by) if by else pd.Series("all customers", index=outcomes.index, name="group")
    sums = outcomes[list(COUNTS)].astype(float).groupby(key).sum(min_count=1)  # unknown stays unknown
    table = pd.DataFrame(index=sums.index)
    for kpi, (numerator, denominator, scale) in RATIOS.items():
        table[kpi] = scale * sums[numerator] / sums[denominator].where(sums[denominator] > 0)
    table["top-10% revenue share (%)"] = 100 * _top_share(outcomes["revenue"], key)
    return table[list(KPIS)]


def kpis_with_total(outcomes: pd.DataFrame) -> pd.DataFrame:
    """:func:`case_kpi_table` per persona, below an ``"all customers"`` row."""
    return pd.concat([case_kpi_table(outcomes).rename_axis("persona"), case_kpi_table(outcomes, by="persona")])


def company_kpis(world) -> pd.Series:
    """The KPIs of :data:`KPIS` for all customers of ``world`` (a Series named by the case)."""
    return case_kpi_table(customer_outcomes(world)).iloc[0].rename(world.config.name)


def strategy_effect(world_on, world_off) -> pd.DataFrame:
    """Each KPI with the lever on and off, their difference and the relative change.

    Returns
    -------
    DataFrame
        Indexed by KPI: ``with lever``, ``without lever``, ``difference`` (with minus
        without) and ``change (%)`` (difference over the value without the lever), left
        empty for the KPIs that are already percentages or points, whose difference is
        read in percentage points.
    """
    table = pd.DataFrame({"with lever": company_kpis(world_on), "without lever": company_kpis(world_off)})
    table["difference"] = table["with lever"] - table["without lever"]
    amounts = [kpi for kpi in KPIS if kpi.endswith("per customer")]
    base = table["without lever"].where(table["without lever"] > 0)
    table["change (%)"] = (100 * table["difference"] / base)[amounts]
    return table.rename_axis("KPI")


kpi_table = case_kpi_table  # the name the case lessons and crmkit.explore.cases import
