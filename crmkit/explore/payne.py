"""Payne and Frow's five CRM processes on a world, and a KPI dashboard for performance assessment.

Each process is tied to the data that shows it: strategy development to which customers
earn a profit (:func:`value_by_group`), value creation to the value given to and received
from each group (:func:`value_exchange`), multichannel integration to how many channels
customers buy through (:func:`channel_mix`), information management to how many records of
one person the source systems hold (:func:`records_per_customer`) and performance assessment
to a small set of KPIs per period, region and channel (:func:`kpi_table`, drawn by
:func:`draw_kpi_dashboard`; :func:`kpi_dashboard_explorer` is the widget).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer

# Only the explorers: the benchmark builds every name listed here as a widget.
__all__ = ["kpi_dashboard_explorer"]

KPIS = {  # column: (tile label, format); the order of the dashboard's tiles
    "customers": ("customers (known)", "{:,.0f}"), "active_buyers": ("active buyers", "{:,.0f}"),
    "retention": ("retention", "{:.0%}"), "orders": ("orders", "{:,.0f}"), "revenue": ("revenue", "{:,.0f}"),
    "average_order_value": ("average order value", "{:,.2f}"), "complaint_rate": ("complaints per order", "{:.1%}"),
    "nps": ("NPS", "{:+.0f}"),
}
ALL = "all"
FREQS = ("year", "quarter")
MIN_NPS_RESPONSES = 10  # fewer answers than this give too noisy a score to show


# --- the processes on data -------------------------------------------------------------------------


def value_by_group(customer_costs: pd.DataFrame, customers: pd.DataFrame,
                   by: str = "acquisition_source") -> pd.DataFrame:
    """Strategy development: how much the buyers of each group bring after their cost to serve.

    Reads ``customer_costs`` (``customer_id``, ``orders``, ``revenue``, ``contribution``) and
    ``customers`` (``customer_id`` and ``by``). Returns one row per group with buyers:
    ``by``, ``buyers``, ``revenue_per_buyer``, ``contribution_per_buyer``,
    ``unprofitable_share`` (of the buyers) and ``share_of_contribution``; best first.

    >>> costs = pd.DataFrame({"customer_id": [1, 2, 3], "orders": [2, 1, 0], "revenue": [50.0, 10.0, 0.0],
    ...                       "contribution": [20.0, -5.0, -1.0]})
    >>> people = pd.DataFrame({"customer_id": [1, 2, 3], "acquisition_source": ["referral", "web_search", "referral"]})
    >>> value_by_group(costs, people)[["acquisition_source", "buyers", "contribution_per_buyer"]].values.tolist()
    [['referral', 1, 20.0], ['web_search', 1, -5.0]]
    """
    require_columns(customer_costs, ["customer_id", "orders", "revenue", "contribution"], "customer_costs")
    require_columns(customers, ["customer_id", by], "customers")
    buyers = customer_costs[customer_costs["orders"] > 0].merge(customers[["customer_id", by]], on="customer_id")
    buyers = buyers.assign(**{by: buyers[by].astype(str), "unprofitable": buyers["contribution"] < 0})
    table = buyers.groupby(by).agg(buyers=("customer_id", "size"), revenue=("revenue", "sum"),
                                   contribution=("contribution", "sum"), unprofitable_share=("unprofitable", "mean"))
    table["revenue_per_buyer"] = table["revenue"] / table["buyers"]
    table["contribution_per_buyer"] = table["contribution"] / table["buyers"]
    table["share_of_contribution"] = table["contribution"] / table["contribution"].sum()
    columns = ["buyers", "revenue_per_buyer", "contribution_per_buyer", "unprofitable_share", "share_of_contribution"]
    return table[columns].sort_values("contribution_per_buyer", ascending=False).reset_index()


def value_exchange(orders: pd.DataFrame, customer_costs: pd.DataFrame, customers: pd.DataFrame,
                   by: str = "loyalty_tier") -> pd.DataFrame:
    """Value creation: per group, the value the firm gives (discounts) and gets back (contribution).

    Reads ``orders`` (``customer_id``, ``discount_amount``), ``customer_costs``
    (``customer_id``, ``orders``, ``contribution``) and ``customers`` (``customer_id``, ``by``).
    Returns ``by``, ``buyers``, ``discount_per_buyer``, ``contribution_per_buyer`` and
    ``contribution_per_discount`` (money back per unit of discount given), in the group order.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "discount_amount": [5.0, 5.0, 0.0]})
    >>> costs = pd.DataFrame({"customer_id": [1, 2], "orders": [2, 1], "contribution": [40.0, 8.0]})
    >>> people = pd.DataFrame({"customer_id": [1, 2], "loyalty_tier": ["gold", "none"]})
    >>> table = value_exchange(orders, costs, people)
    >>> table[["loyalty_tier", "discount_per_buyer", "contribution_per_discount"]].values.tolist()
    [['gold', 10.0, 4.0], ['none', 0.0, nan]]
    """
    require_columns(orders, ["customer_id", "discount_amount"], "orders")
    require_columns(customer_costs, ["customer_id", "orders", "contribution"], "customer_costs")
    require_columns(customers, ["customer_id", by], "customers")
    discount = orders.groupby("customer_id")["discount_amount"].sum()
    buyers = customer_costs[customer_costs["orders"] > 0].merge(customers[["customer_id", by]], on="customer_id")
    buyers = buyers.assign(discount=buyers["customer_id"].map(discount).fillna(0.0))
    table = buyers.groupby(by, observed=True).agg(buyers=("customer_id", "size"), discount=("discount", "sum"),
                                                  contribution=("contribution", "sum"))
    table["discount_per_buyer"] = table["discount"] / table["buyers"]
    table["contribution_per_buyer"] = table["contribution"] / table["buyers"]
    table["contribution_per_discount"] = table["contribution"] / table["discount"].where(table["discount"] > 0)
    table.index = table.index.astype(str)
    return table[["buyers", "discount_per_buyer", "contribution_per_buyer", "contribution_per_discount"]].reset_index()


def channel_mix(orders: pd.DataFrame) -> pd.DataFrame:
    """Multichannel integration: buyers by the number of order channels they used.

    Reads ``orders`` (``customer_id``, ``channel``, ``net_amount``). Returns ``channels_used``
    (1, 2, 3 or more, as text), ``buyers``, ``share_of_buyers``, ``orders_per_buyer`` and
    ``revenue_per_buyer``.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["web", "home_sales_event", "web"],
    ...                        "net_amount": [10.0, 30.0, 5.0]})
    >>> channel_mix(orders)[["channels_used", "buyers", "revenue_per_buyer"]].values.tolist()
    [['1', 1, 5.0], ['2', 1, 40.0]]
    """
    require_columns(orders, ["customer_id", "channel", "net_amount"], "orders")
    per_buyer = orders.groupby("customer_id").agg(channels=("channel", "nunique"), orders=("net_amount", "size"),
                                                  revenue=("net_amount", "sum"))
    used = np.where(per_buyer["channels"] >= 3, "3 or more", per_buyer["channels"].astype(str))
    table = per_buyer.groupby(used).agg(buyers=("orders", "size"), orders=("orders", "sum"), revenue=("revenue", "sum"))
    table["share_of_buyers"] = table["buyers"] / table["buyers"].sum()
    table["orders_per_buyer"] = table["orders"] / table["buyers"]
    table["revenue_per_buyer"] = table["revenue"] / table["buyers"]
    table = table.rename_axis("channels_used").reset_index()
    return table[["channels_used", "buyers", "share_of_buyers", "orders_per_buyer", "revenue_per_buyer"]]


def records_per_customer(source_records: pd.DataFrame, source_links: pd.DataFrame) -> pd.DataFrame:
    """Information management: how many records of one person the source systems hold.

    Reads ``source_records`` (``source_record_id``, ``source_system``) and the truth's
    ``source_links`` (``source_record_id``, ``customer_id``: who each record really is).
    Returns ``records`` (per customer: 1, 2, 3, 4 or more, as text), ``customers``,
    ``share_of_customers`` and ``systems_per_customer`` (mean number of distinct systems).

    >>> records = pd.DataFrame({"source_record_id": [1, 2, 3],
    ...                         "source_system": ["web_shop", "call_centre", "web_shop"]})
    >>> links = pd.DataFrame({"source_record_id": [1, 2, 3], "customer_id": [7, 7, 8]})
    >>> records_per_customer(records, links)[["records", "customers", "systems_per_customer"]].values.tolist()
    [['1', 1, 1.0], ['2', 1, 2.0]]
    """
    require_columns(source_records, ["source_record_id", "source_system"], "source_records")
    require_columns(source_links, ["source_record_id", "customer_id"], "source_links")
    linked = source_links[["source_record_id", "customer_id"]].merge(
        source_records[["source_record_id", "source_system"]], on="source_record_id")
    per_customer = linked.groupby("customer_id").agg(records=("source_record_id", "size"),
                                                     systems=("source_system", "nunique"))
    label = np.where(per_customer["records"] >= 4, "4 or more", per_customer["records"].astype(str))
    table = per_customer.groupby(label).agg(customers=("records", "size"), systems_per_customer=("systems", "mean"))
    table["share_of_customers"] = table["customers"] / table["customers"].sum()
    table = table.rename_axis("records").reset_index()
    return table[["records", "customers", "share_of_customers", "systems_per_customer"]]


# --- performance assessment: the KPI dashboard -------------------------------------------------------


def periods(start, end, freq: str = "year") -> pd.DataFrame:
    """The calendar years (or quarters) from ``start`` to ``end``: ``period`` (label),
    ``start`` (first day) and ``end`` (the day after the last one, so a period is
    ``start <= time < end``); the last period is cut at the end of the day ``end``.

    >>> periods("2024-01-01", "2025-12-31")["period"].tolist()
    ['2024', '2025']
    >>> periods("2025-01-01", "2025-06-30", "quarter")[["period", "end"]].astype(str).values.tolist()
    [['2025 Q1', '2025-04-01'], ['2025 Q2', '2025-07-01']]
    """
    if freq not in FREQS:
        raise ConfigError(f"freq = {freq!r}: {describe_allowed(FREQS)}")
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    index = pd.period_range(first, last - pd.Timedelta(days=1), freq="Y" if freq == "year" else "Q")
    starts = index.start_time.normalize().to_numpy()
    ends = np.minimum((index + 1).start_time.normalize().to_numpy(), last.to_datetime64())
    labels = [str(p.year) if freq == "year" else f"{p.year} Q{p.quarter}" for p in index]
    return pd.DataFrame({"period": labels, "start": pd.to_datetime(starts), "end": pd.to_datetime(ends)})


def _period_index(times: np.ndarray, table: pd.DataFrame) -> np.ndarray:
    """The row of ``table`` each time (datetime64[s]) falls in, -1 outside every period."""
    found = np.searchsorted(table["start"].to_numpy(dtype="datetime64[s]"), times, side="right") - 1
    inside = (found >= 0) & (times < table["end"].to_numpy(dtype="datetime64[s]")[np.clip(found, 0, None)])
    return np.where(inside, found, -1)


def prepare_kpi_data(tables: dict) -> dict[str, np.ndarray]:
    """The columns :func:`kpi_table` reads, as arrays, with each order's and answer's region and
    channel looked up once (a dashboard prepares them once for every choice of filter)."""
    customers, orders, cases, surveys = (tables[name] for name in ("customers", "orders", "cases", "surveys"))
    require_columns(customers, ["customer_id", "region", "signup_date"], "customers")
    require_columns(orders, ["order_id", "customer_id", "ordered_at", "channel", "net_amount"], "orders")
    require_columns(cases, ["order_id", "is_complaint"], "cases")
    require_columns(surveys, ["kind", "customer_id", "responded_at", "score", "order_id"], "surveys")
    people = pd.Index(customers["customer_id"])
    region = customers["region"].astype(str).to_numpy()
    complaints = cases.loc[cases["is_complaint"].astype(bool), "order_id"].dropna().value_counts()
    answers = surveys[surveys["kind"].astype(str).eq("nps").to_numpy()]
    order_channel = pd.Series(orders["channel"].astype(str).to_numpy(), index=orders["order_id"].to_numpy())
    return {
        "signup_date": customers["signup_date"].to_numpy(dtype="datetime64[s]"), "signup_region": region,
        "customer_id": orders["customer_id"].to_numpy(),
        "ordered_at": orders["ordered_at"].to_numpy(dtype="datetime64[s]"),
        "region": region[people.get_indexer(orders["customer_id"])],
        "channel": orders["channel"].astype(str).to_numpy(),
        "net_amount": orders["net_amount"].to_numpy(float),
        "complaints": orders["order_id"].map(complaints).fillna(0).to_numpy(float),
        "answered_at": answers["responded_at"].to_numpy(dtype="datetime64[s]"),
        "score": answers["score"].to_numpy(float),
        "answer_region": region[people.get_indexer(answers["customer_id"])],
        # an answer about an order speaks for that order's channel; the others (relationship surveys) for none
        "answer_channel": answers["order_id"].map(order_channel).fillna("").astype(str).to_numpy(),
    }


def _keep(region_values: np.ndarray, channel_values: np.ndarray | None, region: str, channel: str) -> np.ndarray:
    keep = np.ones(len(region_values), dtype=bool)
    if region != ALL:
        keep &= region_values == region
    if channel != ALL and channel_values is not None:
        keep &= channel_values == channel
    return keep


def _retention(customer_ids: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Share of each period's buyers who bought again in the next period, placed on the next one."""
    pairs = np.unique(customer_ids.astype("int64") * (n + 1) + index)
    buyers_before = np.bincount(pairs % (n + 1), minlength=n).astype(float)
    came_back = np.bincount(pairs[np.isin(pairs + 1, pairs)] % (n + 1), minlength=n)
    rate = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate[1:] = came_back[:-1] / buyers_before[:-1]
    return rate


def kpi_table(tables: dict, periods_table: pd.DataFrame, region: str = ALL, channel: str = ALL,
              prepared: dict | None = None) -> pd.DataFrame:
    """The dashboard's KPIs for each period, for one region (of the customer) and one order channel.

    Parameters
    ----------
    tables : dict of DataFrame
        A world's tables: ``customers`` (``customer_id``, ``region``, ``signup_date``),
        ``orders`` (``order_id``, ``customer_id``, ``ordered_at``, ``channel``, ``net_amount``),
        ``cases`` (``order_id``, ``is_complaint``) and ``surveys`` (``kind``, ``customer_id``,
        ``responded_at``, ``score``, ``order_id``).
    periods_table : DataFrame
        From :func:`periods` (consecutive periods of one kind).
    region, channel : str
        ``"all"`` or one region / order channel.
    prepared : dict, optional
        :func:`prepare_kpi_data` of ``tables``, when already made.

    Returns
    -------
    DataFrame
        One row per period: ``period``, ``customers`` (known by the end of the period: signed
        up; the channel does not apply), ``active_buyers`` (distinct customers with an
        order), ``retention`` (share of the previous period's buyers who bought again; empty
        for the first period), ``orders``, ``revenue`` (net_amount), ``average_order_value``,
        ``complaints`` (complaint cases about the period's orders), ``complaint_rate`` (per
        order), ``nps_responses`` and ``nps`` (empty below 10 answers; with a channel, only
        answers about an order of that channel). Everything respects the region and channel.

    Examples
    --------
    >>> tables = {"customers": pd.DataFrame({"customer_id": [1, 2], "region": ["West", "South"],
    ...                                      "signup_date": pd.to_datetime(["2024-01-01", "2025-03-01"])}),
    ...           "orders": pd.DataFrame({"order_id": [1, 2, 3], "customer_id": [1, 1, 2], "channel": "web",
    ...                                   "ordered_at": pd.to_datetime(["2024-02-01", "2025-02-01", "2025-03-02"]),
    ...                                   "net_amount": [10.0, 30.0, 20.0]}),
    ...           "cases": pd.DataFrame({"order_id": [3], "is_complaint": [True]}),
    ...           "surveys": pd.DataFrame({"kind": ["nps"], "customer_id": [1], "score": [10], "order_id": [None],
    ...                                    "responded_at": pd.to_datetime(["2025-02-02"])})}
    >>> kpi_table(tables, periods("2024-01-01", "2025-12-31"))[["period", "customers", "active_buyers", "retention",
    ...     "average_order_value", "complaint_rate"]].values.tolist()
    [['2024', 1, 1, nan, 10.0, 0.0], ['2025', 2, 2, 1.0, 25.0, 0.5]]
    """
    data = prepare_kpi_data(tables) if prepared is None else prepared
    n = len(periods_table)
    index = _period_index(data["ordered_at"], periods_table)
    mine = (index >= 0) & _keep(data["region"], data["channel"], region, channel)
    index, buyers = index[mine], data["customer_id"][mine]
    order_count = np.bincount(index, minlength=n)
    revenue = np.bincount(index, data["net_amount"][mine], minlength=n)
    complaints = np.bincount(index, data["complaints"][mine], minlength=n)
    active = np.bincount(np.unique(buyers.astype("int64") * (n + 1) + index) % (n + 1), minlength=n)
    signups = np.sort(data["signup_date"][_keep(data["signup_region"], None, region, channel)])
    known = np.searchsorted(signups, periods_table["end"].to_numpy(dtype="datetime64[s]"), side="left")
    answer_index = _period_index(data["answered_at"], periods_table)
    answered = (answer_index >= 0) & _keep(data["answer_region"], data["answer_channel"], region, channel)
    score = data["score"][answered]
    responses, promoters, detractors = (np.bincount(answer_index[answered], weights, minlength=n)
                                        for weights in (None, (score >= 9).astype(float), (score <= 6).astype(float)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "period": periods_table["period"].to_numpy(), "customers": known, "active_buyers": active,
            "retention": _retention(buyers, index, n), "orders": order_count, "revenue": revenue,
            "average_order_value": np.where(order_count > 0, revenue / order_count, np.nan),
            "complaints": complaints.astype("int64"),
            "complaint_rate": np.where(order_count > 0, complaints / order_count, np.nan),
            "nps_responses": responses.astype("int64"),
            "nps": np.where(responses >= MIN_NPS_RESPONSES, 100 * (promoters - detractors) / responses, np.nan),
        })


def _tile_text(value, fmt: str) -> str:
    return "n/a" if pd.isna(value) else fmt.format(value)


def _change_text(kpi: str, value, previous) -> str:
    if pd.isna(value) or pd.isna(previous):
        return "no earlier period"
    if kpi in ("retention", "complaint_rate"):
        return f"{100 * (value - previous):+.1f} points"
    if kpi == "nps":
        return f"{value - previous:+.0f} points"
    return f"{value / previous - 1:+.0%}" if previous else "new"


def draw_kpi_dashboard(table: pd.DataFrame, period: str, ax=None, title: str = "") -> pd.DataFrame:
    """Draw the KPIs of ``period`` as tiles: the value, the change on the period before and a
    sparkline over every period of the table (the chosen one marked). Returns one row per KPI:
    ``kpi``, ``label``, ``value``, ``previous`` and ``change`` (in words).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"period": ["2024", "2025"], "customers": [10, 12], "active_buyers": [5, 6],
    ...     "retention": [np.nan, 0.4], "orders": [8, 9], "revenue": [100.0, 150.0],
    ...     "average_order_value": [12.5, 16.7],
    ...     "complaint_rate": [0.1, 0.05], "nps": [np.nan, 20.0]})
    >>> draw_kpi_dashboard(table, "2025").set_index("kpi").loc[["revenue", "nps"], "change"].tolist()
    ['+50%', 'no earlier period']
    """
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle

    from crmkit.plots._base import new_axes

    if period not in set(table["period"]):
        raise ConfigError(f"period = {period!r}: {describe_allowed(table['period'])}")
    at = int(np.flatnonzero(table["period"].to_numpy() == period)[0])
    ax = new_axes(ax, (10, 4))
    rows, boxes, lines, marks = [], [], [], []
    # Everything is drawn on one axes, in a few collections, so an update stays fast.
    for tile, (kpi, (label, fmt)) in enumerate(KPIS.items()):
        x, y = tile % 4, 1 - tile // 4
        values = table[kpi].to_numpy(dtype=float)
        value, previous = values[at], values[at - 1] if at > 0 else np.nan
        rows.append({"kpi": kpi, "label": label, "value": value, "previous": previous,
                     "change": _change_text(kpi, value, previous)})
        boxes.append(Rectangle((x + 0.04, y + 0.04), 0.92, 0.92))
        ax.text(x + 0.08, y + 0.84, label, fontsize=9, color="#4a5568", va="center")
        ax.text(x + 0.08, y + 0.62, _tile_text(value, fmt), fontsize=16, fontweight="bold", va="center")
        since = f" on {table['period'].iloc[at - 1]}" if pd.notna(previous) and pd.notna(value) else ""
        ax.text(x + 0.08, y + 0.44, rows[-1]["change"] + since, fontsize=8, color="#4a5568", va="center")
        line = _sparkline(values, x, y)
        if line is not None:
            lines.append(line[np.isfinite(line[:, 1])])
            marks += [line[at]] if np.isfinite(line[at, 1]) else []
    ax.add_collection(PatchCollection(boxes, facecolor="#f4f6f9", edgecolor="#c9d1dc"))
    ax.add_collection(LineCollection(lines, colors="#2b6cb0", linewidths=1))
    if marks:
        ax.scatter(*np.array(marks).T, s=14, color="#c53030", zorder=3)
    ax.set(xlim=(0, 4), ylim=(0, 2), title=title or f"KPIs, {period} (synthetic data)")
    ax.axis("off")
    return pd.DataFrame(rows)


def _sparkline(values: np.ndarray, x: float, y: float) -> np.ndarray | None:
    """The points of a tile's sparkline (NaN where a value is missing), or None with under two values."""
    if np.isfinite(values).sum() < 2:
        return None
    low, high = np.nanmin(values), np.nanmax(values)
    scaled = np.full(len(values), 0.5) if high == low else (values - low) / (high - low)
    xs = x + 0.1 + 0.8 * np.arange(len(values)) / max(len(values) - 1, 1)
    return np.column_stack([xs, y + 0.1 + 0.22 * scaled])


def _choices(tables: dict) -> tuple[list[str], list[str]]:
    region = tables["customers"]["region"]
    names = region.cat.categories if isinstance(region.dtype, pd.CategoricalDtype) else sorted(region.unique())
    used = tables["orders"]["channel"].astype(str).value_counts()
    return [ALL, *map(str, names)], [ALL, *used[used > 0].index]


class KpiDashboard:
    """Every KPI table a dashboard can show: one per kind of period, region and channel.

    ``periods`` holds the years and the quarters of the observation window; a period's
    sparkline runs over the periods of its kind.
    """

    def __init__(self, tables: dict, start, end):
        self.tables = tables
        self.periods = {freq: periods(start, end, freq) for freq in FREQS}
        self.regions, self.channels = _choices(tables)
        self.period_labels = [p for freq in FREQS for p in self.periods[freq]["period"]]
        prepared = prepare_kpi_data(tables)
        # every choice of the widget, computed now (about 50 small tables), so an update only draws
        self._tables = {(freq, region, channel): kpi_table(tables, self.periods[freq], region, channel, prepared)
                        for freq in FREQS for region in self.regions for channel in self.channels}

    def table(self, period: str, region: str = ALL, channel: str = ALL) -> pd.DataFrame:
        """The KPI table of the kind of ``period`` (years or quarters) for a region and channel."""
        for name, allowed in (("region", self.regions), ("channel", self.channels)):
            value = region if name == "region" else channel
            if value not in allowed:
                raise ConfigError(f"{name} = {value!r}: {describe_allowed(allowed)}")
        return self._tables["quarter" if " Q" in period else "year", region, channel]

    def draw(self, period: str, region: str = ALL, channel: str = ALL, ax=None) -> pd.DataFrame:
        """Draw the dashboard of one period, region and channel; return its KPIs (:func:`draw_kpi_dashboard`)."""
        where = ", ".join(f"{name} {value}" for name, value in (("region", region), ("channel", channel))
                          if value != ALL)
        title = f"KPIs, {period}{', ' + where if where else ''} (synthetic data)"
        return draw_kpi_dashboard(self.table(period, region, channel), period, ax=ax, title=title)


def kpi_dashboard(world) -> KpiDashboard:
    """The :class:`KpiDashboard` of a world's observation window."""
    return KpiDashboard(world.tables, world.config.calendar.start_date, world.observed_until)


def kpi_dashboard_explorer(world, period: str | None = None, region: str = ALL, channel: str = ALL):
    """Choose a period (a year or a quarter), a region and an order channel; see the KPIs.

    ``widget.result`` is the table of :func:`draw_kpi_dashboard` (one row per KPI) and
    ``widget.board`` the :class:`KpiDashboard` behind it. Every KPI table is computed when the
    explorer is built, so an update only draws.
    """
    import ipywidgets as widgets

    board = kpi_dashboard(world)
    period = period or board.periods["year"]["period"].iloc[-1]

    def draw(ax, period, region, channel):
        return board.draw(period, region, channel, ax=ax)

    widget = explorer(draw, figsize=(10, 4),
                      period=widgets.Dropdown(options=board.period_labels, value=period, description="period"),
                      region=widgets.Dropdown(options=board.regions, value=region, description="region"),
                      channel=widgets.Dropdown(options=board.channels, value=channel, description="channel"))
    widget.board = board  # the tables behind it, for the next cells
    return widget
