"""The CRM processes on a world's data: which tables each process writes, how much, and what it feeds.

The course groups the CRM processes as delivery (campaign, sales, service and complaint
management), support (market research, loyalty management) and analysis (lead management,
customer profiling, feedback management); see ``crmkit.frameworks.table("crm_processes")``.
Here each process is tied to the rows of the world it produces (:func:`process_records`,
counted per month by :func:`process_volumes`), and each hand-over from one process to another
to the key column that carries it (:func:`process_feeds`, counted by :func:`feed_volumes`).
:func:`process_views` computes every process's :class:`ProcessView` once. The CRM life cycle
and what CRM adds to an ERP system are at the end (:func:`crm_life_cycle`, :func:`what_crm_adds`).
"""

from __future__ import annotations

__all__ = ["ERP_TABLES", "PROCESS_FEEDS", "PROCESS_RECORDS", "ProcessView", "count_rows", "crm_life_cycle",
           "feed_volumes", "process_feeds", "process_records", "process_stages", "process_views",
           "process_volumes", "what_crm_adds"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics.crm_scope import office_tables
from crmkit.errors import DataError

# (process, what the rows are, table, time column, column tested, values kept: None = not empty)
PROCESS_RECORDS = (
    ("campaign_management", "campaign contacts", "campaign_members", "added_at", "in_control_group", (False,)),
    ("campaign_management", "orders redeeming an offer", "orders", "ordered_at", "campaign_id", None),
    ("sales_management", "deals opened", "opportunities", "created_at", None, None),
    ("sales_management", "orders", "orders", "ordered_at", None, None),
    ("service_management", "service requests", "cases", "opened_at", "is_complaint", (False,)),
    ("complaint_management", "complaints", "cases", "opened_at", "is_complaint", (True,)),
    ("complaint_management", "refunds", "refunds", "refunded_at", None, None),
    ("market_research", "relationship surveys", "surveys", "responded_at", "trigger", ("relationship",)),
    ("loyalty_management", "loyalty enrolments", "loyalty_ledger", "occurred_at", "reason", ("enrolment",)),
    ("loyalty_management", "points earned or redeemed", "loyalty_ledger", "occurred_at", "reason", ("purchase", "redemption")),
    ("lead_management", "leads captured", "leads", "created_at", None, None),
    ("lead_management", "lead status changes", "lead_history", "changed_at", None, None),
    ("customer_profiling", "new customer records", "customers", "signup_date", None, None),
    ("customer_profiling", "touchpoints of known customers", "interactions", "occurred_at", "customer_id", None),
    ("feedback_management", "survey scores", "surveys", "responded_at", None, None),
    ("feedback_management", "written comments", "surveys", "responded_at", "comment", None),
)

# (from, to, what flows, table, column that carries it, column tested, values kept: None = not empty)
PROCESS_FEEDS = (
    ("campaign_management", "lead_management", "acquisition campaigns bring in leads", "leads", "campaign_id", None, None),
    ("campaign_management", "sales_management", "offers redeemed on orders", "orders", "campaign_id", None, None),
    ("lead_management", "sales_management", "converted leads become customers", "leads", "converted_customer_id", None, None),
    ("sales_management", "complaint_management", "orders that went wrong", "cases", "order_id", "is_complaint", (True,)),
    ("sales_management", "service_management", "questions about orders", "cases", "order_id", "is_complaint", (False,)),
    ("sales_management", "loyalty_management", "orders earn points", "loyalty_ledger", "order_id", None, None),
    ("sales_management", "customer_profiling", "the order history", "orders", "customer_id", None, None),
    ("sales_management", "feedback_management", "surveys after orders and events", "surveys", "order_id", None, None),
    ("service_management", "feedback_management", "satisfaction with a solved request", "cases", "csat", "is_complaint", (False,)),
    ("complaint_management", "feedback_management", "satisfaction with a handled complaint", "cases", "csat", "is_complaint", (True,)),
    ("market_research", "customer_profiling", "relationship survey answers", "surveys", "score", "trigger", ("relationship",)),
    ("loyalty_management", "customer_profiling", "loyalty tiers", "customers", "loyalty_joined_at", None, None),
    ("loyalty_management", "campaign_management", "loyalty campaigns for members", "campaigns", "objective", "objective", ("loyalty",)),
    ("customer_profiling", "campaign_management", "target groups (best customers, at risk)", "campaigns", "targeting_rule",
     "targeting_rule", ("best_customers", "at_risk")),
    ("feedback_management", "service_management", "comments about customer service", "surveys", "topic", "topic", ("customer_service",)),
)

#: The tables an ERP system holds too: the back office of products, orders and billing (the split is
#: data: ``crmkit/frameworks/data/crm_scope.yaml``, read by :func:`crmkit.analytics.crm_scope.office_tables`).
ERP_TABLES = office_tables("back")


def process_stages() -> pd.DataFrame:
    """The nine processes as the course lists them: ``key``, ``stage`` (name), ``group`` and ``definition``."""
    from crmkit import frameworks  # the models load from YAML on first use

    return frameworks.table("crm_processes")[["key", "stage", "group", "definition"]]


def _where(column, values) -> str:
    if column is None:
        return "every row"
    return f"{column} not empty" if values is None else f"{column} in {', '.join(map(str, values))}"


def process_records() -> pd.DataFrame:
    """Which rows of which table each CRM process produces (:data:`PROCESS_RECORDS`).

    Columns: ``process`` (key), ``name``, ``group``, ``records`` (what the rows are),
    ``table``, ``time_column`` and ``rows_kept`` (the filter, in words).

    >>> records = process_records()
    >>> records.loc[records["process"] == "complaint_management", ["records", "table", "rows_kept"]].values.tolist()
    [['complaints', 'cases', 'is_complaint in True'], ['refunds', 'refunds', 'every row']]
    """
    stages = process_stages().set_index("key")
    rows = [{"process": p, "name": stages.at[p, "stage"], "group": stages.at[p, "group"], "records": label, "table": table,
             "time_column": time, "rows_kept": _where(column, values)} for p, label, table, time, column, values in PROCESS_RECORDS]
    return pd.DataFrame(rows)


def process_feeds() -> pd.DataFrame:
    """How the processes feed each other (:data:`PROCESS_FEEDS`): one row per hand-over.

    Columns: ``source``, ``target`` (process keys), ``what`` flows, ``carried_by``
    (``table.column``) and ``rows_kept`` (the filter, in words).

    >>> feeds = process_feeds()
    >>> feeds.loc[feeds["source"] == "lead_management", ["target", "carried_by"]].values.tolist()
    [['sales_management', 'leads.converted_customer_id']]
    """
    rows = [{"source": s, "target": t, "what": what, "carried_by": f"{table}.{column}", "rows_kept": _where(test, values)}
            for s, t, what, table, column, test, values in PROCESS_FEEDS]
    return pd.DataFrame(rows)


def count_rows(table: pd.DataFrame, column, values, name: str = "table") -> pd.Series:
    """Which rows of ``table`` a filter keeps: ``column`` is None (every row), ``values`` is
    None (``column`` not empty) or a tuple of values to keep. Returns a boolean Series.

    >>> t = pd.DataFrame({"kind": ["a", "b", "a"], "note": ["x", None, None]})
    >>> count_rows(t, "kind", ("a",)).tolist(), count_rows(t, "note", None).tolist()
    ([True, False, True], [True, False, False])
    """
    if column is None:
        return pd.Series(True, index=table.index)
    if column not in table.columns:
        raise DataError(f"{name}: column {column!r} is missing")
    return table[column].notna() if values is None else table[column].isin(values)


def process_volumes(tables: dict) -> pd.DataFrame:
    """Rows each process produced per month, from a world's ``tables`` dict.

    Returns ``process``, ``records``, ``month`` (first day) and ``rows``; every month from
    the first to the last month seen in any record counts, 0 when empty.

    >>> tables = {"leads": pd.DataFrame({"created_at": pd.to_datetime(["2024-01-02", "2024-03-05"])}),
    ...           "lead_history": pd.DataFrame({"changed_at": pd.to_datetime(["2024-01-02"])})}
    >>> process_volumes(tables).query("records == 'leads captured'")["rows"].tolist()
    [1, 0, 1]
    """
    counts = {}
    for process, label, name, time, column, values in PROCESS_RECORDS:
        if name not in tables:
            continue  # a small hand-made dict of tables need not hold every table
        table = tables[name]
        kept = table.loc[count_rows(table, column, values, name).to_numpy(), time]
        counts[(process, label)] = kept.dt.to_period("M").value_counts()
    wide = pd.DataFrame(counts).fillna(0).astype("int64")
    months = pd.period_range(wide.index.min(), wide.index.max(), freq="M")
    wide = wide.reindex(months, fill_value=0)
    wide.index = wide.index.to_timestamp()
    tidy = wide.rename_axis(index="month", columns=["process", "records"]).stack(["process", "records"]).rename("rows")
    return tidy.reset_index()[["process", "records", "month", "rows"]]


def feed_volumes(tables: dict) -> pd.DataFrame:
    """:func:`process_feeds` with ``rows``: how many rows of the world carry each hand-over.

    >>> tables = {"leads": pd.DataFrame({"campaign_id": [1, None], "converted_customer_id": [None, 7]})}
    >>> feed_volumes(tables).set_index("carried_by").loc["leads.campaign_id", "rows"]
    np.int64(1)
    """
    rows = []
    for _, _, _, name, column, test, values in PROCESS_FEEDS:
        table = tables.get(name)
        if table is None:
            rows.append(0)
            continue
        kept = count_rows(table, column, None, name) & count_rows(table, test, values, name)
        rows.append(int(kept.sum()))
    return process_feeds().assign(rows=np.array(rows, dtype="int64"))


@dataclass(frozen=True, eq=False)
class ProcessView:
    """One process on a world: its ``records`` (tables and totals), its ``monthly`` volumes
    (a month x records table), what it ``feeds`` and what it is ``fed_by`` (with row counts)."""

    key: str
    name: str
    group: str
    definition: str
    records: pd.DataFrame
    monthly: pd.DataFrame
    feeds: pd.DataFrame
    fed_by: pd.DataFrame

    def __str__(self) -> str:
        targets = ", ".join(self.feeds["target"]) or "no other process"
        return f"{self.name} ({self.group}): writes {', '.join(self.records['table'].unique())}; feeds {targets}"

    __repr__ = __str__  # one readable line, also as the text/plain output in a notebook

    def _repr_html_(self) -> str:
        def block(title, table):
            return f"<b>{title}</b>" + (table.to_html(index=False) if len(table) else "<p>none</p>")
        return (f"<p><b>{self.name}</b> ({self.group}): {self.definition}</p>" + block("Its records", self.records)
                + block("It feeds", self.feeds) + block("It is fed by", self.fed_by))


def process_views(tables: dict) -> dict[str, ProcessView]:
    """Every process's :class:`ProcessView` on a world's ``tables``, by process key, in the
    course's order (computed once; drawing a view is then quick)."""
    volumes, feeds = process_volumes(tables), feed_volumes(tables)
    records = process_records()
    columns = ["what", "carried_by", "rows"]
    views = {}
    for stage in process_stages().itertuples():
        mine = volumes[volumes["process"] == stage.key]
        monthly = mine.pivot_table(index="month", columns="records", values="rows", aggfunc="sum", sort=False)
        table = records.loc[records["process"] == stage.key, ["records", "table", "rows_kept"]].reset_index(drop=True)
        table["rows"] = monthly[table["records"]].sum().to_numpy() if len(monthly) else 0
        table["per_month"] = (table["rows"] / max(len(monthly), 1)).round(1)
        views[stage.key] = ProcessView(
            stage.key, stage.stage, stage.group, stage.definition, table, monthly,
            feeds.loc[feeds["source"] == stage.key, ["target", *columns]].reset_index(drop=True),
            feeds.loc[feeds["target"] == stage.key, ["source", *columns]].reset_index(drop=True))
    return views


# --- the CRM life cycle, and what CRM adds to ERP -------------------------------------------------


def crm_life_cycle() -> pd.DataFrame:
    """The CRM life cycle as the course gives it, in order: ``step``, ``name``, ``what``.

    Goals and process changes come before technology, functional requirements before the
    architecture, and the product (the CRM package) last; then the roll-out, in stages.

    >>> crm_life_cycle()["name"].tolist()[:3]
    ['corporate CRM goals', 'process changes', 'functional requirements']
    """
    steps = [
        ("corporate CRM goals", "decide which customers to win, keep and grow, and what the company wants to be for them"),
        ("process changes", "redesign the processes that touch customers around those goals"),
        ("functional requirements", "say what the people in those processes need a system to do"),
        ("architecture", "decide how CRM fits with the systems already there (ERP, web shop, data warehouse)"),
        ("product", "choose and configure a CRM package; none fits off the shelf"),
        ("roll-out in stages", "introduce it process by process, never as one system at once, and keep improving"),
    ]
    return pd.DataFrame({"step": range(1, len(steps) + 1), "name": [s[0] for s in steps], "what": [s[1] for s in steps]})


def what_crm_adds(tables: dict) -> pd.DataFrame:
    """What a CRM knows that the ERP tables (:data:`ERP_TABLES`) alone do not.

    Reads ``customers``, ``orders``, ``leads``, ``interactions``, ``cases`` and ``surveys``.
    Returns ``figure``, ``count`` and ``system`` (where the rows live).

    >>> tables = {"customers": pd.DataFrame({"customer_id": [1, 2, 3]}), "orders": pd.DataFrame({"customer_id": [1, 1]}),
    ...           "leads": pd.DataFrame({"status": ["converted", "unqualified"]}),
    ...           "interactions": pd.DataFrame({"customer_id": pd.array([1, None], dtype="Int64")}),
    ...           "cases": pd.DataFrame({"is_complaint": [True]}), "surveys": pd.DataFrame({"score": [9]})}
    >>> what_crm_adds(tables)["count"].tolist()
    [1, 2, 1, 1, 1, 1]
    """
    customers, orders = tables["customers"], tables["orders"]
    buyers = orders["customer_id"].nunique()
    figures = [
        ("customers who bought (what the ERP sees)", buyers, "ERP"),
        ("known customers who never bought", len(customers) - buyers, "CRM"),
        ("leads that never became customers", int((tables["leads"]["status"] != "converted").sum()), "CRM"),
        ("touchpoints not yet linked to a person", int(tables["interactions"]["customer_id"].isna().sum()), "CRM"),
        ("complaints", int(tables["cases"]["is_complaint"].sum()), "CRM"),
        ("survey responses", len(tables["surveys"]), "CRM"),
    ]
    return pd.DataFrame(figures, columns=["figure", "count", "system"]).astype({"count": "int64"})
