"""A small set of KPIs per period, region and order channel (performance assessment).

:func:`period_kpi_table` computes the KPIs of every period for one region and channel;
:class:`KpiTables` computes every table a dashboard can show once
(:meth:`KpiTables.from_world`) and is called with the dashboard's choice
(``tables(period="2025 Q4", region="West")``).
"""

from __future__ import annotations

__all__ = ["ALL", "FREQS", "MIN_NPS_RESPONSES", "KpiTables", "period_kpi_table", "periods", "prepare_kpi_data"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice, require_columns
from crmkit.errors import ConfigError, describe_allowed

ALL = "all"
FREQS = ("year", "quarter")
MIN_NPS_RESPONSES = 10  # fewer answers than this give too noisy a score to show


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
    """The columns :func:`period_kpi_table` reads, as arrays, with each order's and answer's region and
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


def period_kpi_table(tables: dict, periods_table: pd.DataFrame, region: str = ALL, channel: str = ALL,
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
    >>> period_kpi_table(tables, periods("2024-01-01", "2025-12-31"))[["period", "customers", "active_buyers", "retention",
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


def _choices(tables: dict) -> tuple[list[str], list[str]]:
    region = tables["customers"]["region"]
    names = region.cat.categories if isinstance(region.dtype, pd.CategoricalDtype) else sorted(region.unique())
    used = tables["orders"]["channel"].astype(str).value_counts()
    return [ALL, *map(str, names)], [ALL, *used[used > 0].index]


@dataclass(frozen=True, eq=False)
class KpiTables:
    """Every KPI table a dashboard can show: one per kind of period, region and channel.

    ``periods`` holds the years and the quarters of the observation window (a period's
    sparkline runs over the periods of its kind); ``regions`` and ``channels`` the choices
    (``"all"`` first); ``period_labels`` every year and quarter.
    """

    tables: dict
    periods: dict
    regions: list
    channels: list
    period_labels: list
    computed: dict  # (freq, region, channel) -> the table of period_kpi_table

    @classmethod
    def from_tables(cls, tables: dict, start, end) -> KpiTables:
        """Compute every table from a world's ``tables`` over ``start``..``end`` (about 50 small
        tables, so a dashboard's update only draws)."""
        spans = {freq: periods(start, end, freq) for freq in FREQS}
        regions, channels = _choices(tables)
        prepared = prepare_kpi_data(tables)
        computed = {(freq, region, channel): period_kpi_table(tables, spans[freq], region, channel, prepared)
                    for freq in FREQS for region in regions for channel in channels}
        return cls(tables, spans, regions, channels, [p for freq in FREQS for p in spans[freq]["period"]], computed)

    @classmethod
    def from_world(cls, world) -> KpiTables:
        """The tables of a world's observation window."""
        return cls.from_tables(world.tables, world.config.calendar.start_date, world.observed_until)

    def __call__(self, period: str, region: str = ALL, channel: str = ALL) -> pd.DataFrame:
        """The KPI table of the kind of ``period`` (years or quarters) for a region and channel."""
        check_choice("region", region, self.regions)
        check_choice("channel", channel, self.channels)
        return self.computed["quarter" if " Q" in period else "year", region, channel]


kpi_table = period_kpi_table  # the name before case_kpis.case_kpi_table was told apart from it
