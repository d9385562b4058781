"""The CRM flow model when the source data are messy: the customer master and the best customers.

The world books every order on a clean ``customer_id``. A company without a customer master
has only what each source system holds: its own records of people, each with its own key.
:func:`orders_by_record` books each order on one record of its customer in the source system
of the order's channel (the truth says which records are whose), so that the spend of a
master row is the spend of the records identity resolution merged into it
(:func:`entity_table`). A person split over two master rows looks half as valuable; two
people merged into one look like one big customer.

:class:`DefectGrid` repeats this at a few defect scales (the case's defect rates times 0.5,
1, 2, ...) on the first customers of a world, once (:meth:`DefectGrid.from_world`); called
with a scale and a method it gives that :class:`DefectLevel` at once.

>>> grid = DefectGrid.from_world(world)  # doctest: +SKIP
>>> grid(scale=2.0, method="fuzzy").metrics["recall"]  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["SYSTEM_OF_ORDER_CHANNEL", "DEFECT_SCALES", "METHODS", "METRICS", "orders_by_record", "entity_table",
           "best_list", "DefectLevel", "defect_level", "DefectGrid", "defect_grid", "grid_table"]

from dataclasses import dataclass

import pandas as pd

from crmkit.analytics.flow import identify_best
from crmkit.analytics.identity import exact_email_links, resolve_identities
from crmkit.analytics.identity_quality import match_quality, true_entities
from crmkit.errors import ConfigError, DataError, describe_allowed

# The source system that books an order placed in each channel (the app shares the web shop's accounts).
SYSTEM_OF_ORDER_CHANNEL = {"web": "web_shop", "mobile_app": "web_shop", "point_of_sale": "pos_loyalty",
                           "call_centre": "call_centre", "home_sales_event": "event_signup"}
DEFECT_SCALES = (0.5, 1.0, 2.0, 4.0)
METHODS = {"fuzzy": "fuzzy matching (resolve_identities)", "exact_email": "exact email only"}
METRICS = ("precision", "recall", "best_right")  # the figures a sweep is drawn with


def orders_by_record(orders: pd.DataFrame, source_records: pd.DataFrame, source_links: pd.DataFrame) -> pd.DataFrame:
    """Book each order on one source record of its customer: what the source systems hold.

    An order goes to the customer's record in the system of its channel
    (:data:`SYSTEM_OF_ORDER_CHANNEL`); with two records there (a duplicate), orders
    alternate between them; with none, it goes to the customer's first record captured.
    Orders of customers without any record are left out.

    Parameters
    ----------
    orders : DataFrame
        order_id, customer_id, ordered_at, channel, net_amount.
    source_records : DataFrame
        source_record_id, source_system, captured_at.
    source_links : DataFrame
        ``truth.source_links`` (source_record_id, customer_id).

    Returns
    -------
    DataFrame
        order_id, customer_id, source_record_id, net_amount.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": [7, 7, 7],
    ...                        "channel": ["web", "web", "call_centre"],
    ...                        "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                        "net_amount": [10.0, 20.0, 30.0]})
    >>> records = pd.DataFrame({"source_record_id": [100, 101], "source_system": ["web_shop", "web_shop"],
    ...                         "captured_at": pd.to_datetime(["2023-01-01", "2023-06-01"])})
    >>> links = pd.DataFrame({"source_record_id": [100, 101], "customer_id": [7, 7]})
    >>> orders_by_record(orders, records, links)["source_record_id"].tolist()
    [100, 101, 100]
    """
    recs = source_records[["source_record_id", "source_system", "captured_at"]].merge(
        source_links[["source_record_id", "customer_id"]].dropna(), on="source_record_id")
    recs = recs.assign(customer_id=recs["customer_id"].astype("int64"), source_system=recs["source_system"].astype(str))
    recs = recs.sort_values(["customer_id", "source_system", "captured_at", "source_record_id"], ignore_index=True)
    recs["slot"] = recs.groupby(["customer_id", "source_system"]).cumcount()
    recs["slots"] = recs.groupby(["customer_id", "source_system"])["slot"].transform("size")
    booked = orders[["order_id", "customer_id", "ordered_at", "channel", "net_amount"]]
    booked = booked.sort_values(["ordered_at", "order_id"])
    booked = booked.assign(source_system=booked["channel"].astype(str).map(SYSTEM_OF_ORDER_CHANNEL))
    booked["rank"] = booked.groupby(["customer_id", "source_system"]).cumcount()
    slots = recs.drop_duplicates(["customer_id", "source_system"])[["customer_id", "source_system", "slots"]]
    booked = booked.merge(slots, on=["customer_id", "source_system"], how="left")
    booked["slot"] = (booked["rank"] % booked["slots"].fillna(1)).astype("int64")
    booked = booked.merge(recs[["customer_id", "source_system", "slot", "source_record_id"]],
                          on=["customer_id", "source_system", "slot"], how="left")
    # No record in the channel's own system: the order lands on the person's first record.
    first = recs.sort_values(["captured_at", "source_record_id"]).drop_duplicates("customer_id")
    fallback = booked["customer_id"].map(first.set_index("customer_id")["source_record_id"])
    booked["source_record_id"] = booked["source_record_id"].fillna(fallback)
    booked = booked.dropna(subset=["source_record_id"]).sort_values("order_id", ignore_index=True)
    return booked.assign(source_record_id=booked["source_record_id"].astype("int64"))[
        ["order_id", "customer_id", "source_record_id", "net_amount"]]


def entity_table(links: pd.DataFrame, truth_links: pd.DataFrame, booked: pd.DataFrame) -> pd.DataFrame:
    """One row per master entity: its records, the people really behind them, and its spend.

    Parameters
    ----------
    links : DataFrame
        source_record_id, entity_id (an identity resolution).
    truth_links : DataFrame
        ``truth.source_links`` (source_record_id, customer_id).
    booked : DataFrame
        source_record_id, net_amount (e.g. :func:`orders_by_record`).

    Returns
    -------
    DataFrame
        entity_id, records, people (true persons merged into it), customer_id (the true
        customer with most of its records; -1 for someone who never became a customer)
        and spend (the net amount booked on its records).

    Examples
    --------
    >>> links = pd.DataFrame({"source_record_id": [1, 2, 3], "entity_id": [0, 0, 1]})
    >>> truth = pd.DataFrame({"source_record_id": [1, 2, 3], "customer_id": pd.array([5, 6, 6], dtype="Int64")})
    >>> booked = pd.DataFrame({"source_record_id": [1, 3], "net_amount": [10.0, 4.0]})
    >>> entity_table(links, truth, booked)[["entity_id", "people", "customer_id", "spend"]].to_dict("list")
    {'entity_id': [0, 1], 'people': [2, 1], 'customer_id': [5, 6], 'spend': [10.0, 4.0]}
    """
    both = links[["source_record_id", "entity_id"]].merge(true_entities(truth_links), on="source_record_id",
                                                           suffixes=("", "_true"))
    counts = both.groupby(["entity_id", "entity_id_true"]).size().rename("n").reset_index()
    # Ties go to a customer before a non-customer, then to the lower customer id.
    counts["stranger"] = counts["entity_id_true"] < 0
    counts = counts.sort_values(["entity_id", "n", "stranger", "entity_id_true"], ascending=[True, False, True, True])
    majority = counts.drop_duplicates("entity_id").set_index("entity_id")["entity_id_true"]
    spend = booked.merge(links, on="source_record_id").groupby("entity_id")["net_amount"].sum()
    table = pd.DataFrame({"records": both.groupby("entity_id").size(),
                          "people": counts.groupby("entity_id").size()})
    table["customer_id"] = majority.clip(lower=-1).astype("int64")
    table["spend"] = spend.reindex(table.index, fill_value=0.0).astype(float)
    return table.rename_axis("entity_id").reset_index()


def best_list(entities: pd.DataFrame, size: int) -> pd.DataFrame:
    """The ``size`` master rows with the highest spend (ties: lower entity_id first).

    Examples
    --------
    >>> e = pd.DataFrame({"entity_id": [0, 1, 2], "spend": [5.0, 9.0, 5.0]})
    >>> best_list(e, 2)["entity_id"].tolist()
    [1, 0]
    """
    ranked = entities[entities["spend"] > 0].sort_values(["spend", "entity_id"], ascending=[False, True], kind="stable")
    return ranked.head(size).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class DefectLevel:
    """Identity resolution at one defect scale and method (see :func:`defect_level`).

    ``metrics`` holds precision, recall, f1 (record pairs), master_rows, true_people,
    split_people, merged_rows, best_right (share of the master's best list that are distinct,
    truly best customers) and best_missed (share of the truly best customers not on it).
    ``master`` has one row per master entity (:func:`entity_table`); ``best`` is the master's
    best list, with the name and systems of each row's records and ``truly_best`` (its main
    person is among the true best customers, and it is that person's first row).
    """

    scale: float
    method: str
    metrics: pd.Series
    master: pd.DataFrame
    best: pd.DataFrame

    def _repr_html_(self) -> str:
        m = self.metrics
        return (f"<p><b>Defects × {self.scale:g}, {METHODS[self.method]}</b>: precision {m['precision']:.1%}, "
                f"recall {m['recall']:.1%}; {m['master_rows']:,.0f} master rows for {m['true_people']:,.0f} people; "
                f"best list {m['best_right']:.0%} right, {m['best_missed']:.0%} of the true best missed.</p>")


def _best_metrics(entities: pd.DataFrame, orders: pd.DataFrame, as_of, top_share: float) -> tuple[pd.DataFrame, dict]:
    truly = identify_best(orders, as_of, top_share)
    best_ids = set(truly.loc[truly["is_best"], "customer_id"])
    listed = best_list(entities, len(best_ids))
    first_fragment = ~listed["customer_id"].duplicated()
    listed = listed.assign(truly_best=listed["customer_id"].isin(best_ids) & first_fragment)
    found = set(listed.loc[listed["truly_best"], "customer_id"])
    return listed, {"best_right": float(listed["truly_best"].mean()) if len(listed) else 0.0,
                    "best_missed": 1 - len(found) / max(len(best_ids), 1)}


def _names(records: pd.DataFrame, links: pd.DataFrame, entity_ids) -> pd.DataFrame:
    """The name of each of ``entity_ids`` as its first record has it, and the systems holding
    its records (cheaper than a full customer master, and enough to recognise a row)."""
    links = links[links["entity_id"].isin(entity_ids)]
    fields = records[["source_record_id", "source_system", "first_name", "last_name"]]
    table = fields.merge(links, on="source_record_id")
    table = table.assign(source_system=table["source_system"].astype(str))
    systems = table.drop_duplicates(["entity_id", "source_system"]).sort_values(["entity_id", "source_system"])
    first = table.sort_values(["entity_id", "source_record_id"]).drop_duplicates("entity_id").set_index("entity_id")
    first["systems"] = systems.groupby("entity_id")["source_system"].agg(", ".join)
    return first[["first_name", "last_name", "systems"]].reset_index()


def defect_level(world, method: str = "fuzzy", scale: float = 1.0, threshold: float = 85.0,
                 top_share: float = 0.2, booked: pd.DataFrame | None = None) -> DefectLevel:
    """Resolve a world's source records with ``method`` (a key of :data:`METHODS`), book the
    orders on the master's rows and score the master and its best list against the truth.
    ``booked`` (from :func:`orders_by_record`) may be passed when it is already computed."""
    if method not in METHODS:
        raise ConfigError(f"method = {method!r}: {describe_allowed(METHODS)}")
    records, truth_links = world.source_records, world.truth.source_links
    links = resolve_identities(records, threshold) if method == "fuzzy" else exact_email_links(records)
    if booked is None:
        booked = orders_by_record(world.orders, records, truth_links)
    master = entity_table(links, truth_links, booked)
    best, best_scores = _best_metrics(master, world.orders, world.observed_until, top_share)
    best = best.merge(_names(records, links, best["entity_id"]), on="entity_id", how="left")
    truth = true_entities(truth_links).merge(links, on="source_record_id", suffixes=("_true", ""))
    fragments = truth.groupby("entity_id_true")["entity_id"].nunique()
    metrics = {**match_quality(links, truth_links)[["precision", "recall", "f1"]].to_dict(),
               "master_rows": float(len(master)), "true_people": float(len(fragments)),
               "split_people": float((fragments > 1).sum()), "merged_rows": float((master["people"] > 1).sum()),
               **best_scores}
    return DefectLevel(float(scale), method, pd.Series(metrics, name="metrics"), master, best)


def _levels(world, scales, customers: int | None, threshold: float, top_share: float) -> dict:
    """Every (scale, method) :class:`DefectLevel` on the first ``customers`` customers of ``world``."""
    import crmkit as ck
    from crmkit.analytics.identity_sweep import scaled_systems  # the sweep's own scaling rule

    config = world.config
    if config.sources is None or "source_records" not in world.tables:
        raise DataError(f"case {config.name!r} has no source systems: nothing to resolve")
    if not scales or any(s < 0 for s in scales):
        raise DataError(f"scales = {list(scales)!r}: give one or more defect scales of 0 or more")
    size = len(world.customers) if customers is None else min(int(customers), len(world.customers))
    levels = {}
    for scale in scales:
        same = scale == 1.0 and size == len(world.customers)
        level_world = world if same else ck.simulate(config, customers=size, seed=config.seed, progress=False,
                                                     sources__systems=scaled_systems(config, scale))
        # The same records at every scale (only their typing differs), so the same booking.
        booked = orders_by_record(level_world.orders, level_world.source_records, level_world.truth.source_links)
        for method in METHODS:
            levels[(float(scale), method)] = defect_level(level_world, method, scale, threshold, top_share, booked)
    return levels


@dataclass(frozen=True, eq=False)
class DefectGrid:
    """Identity resolution at every (scale, method), computed once; call it with a scale and a
    method for that :class:`DefectLevel`. ``levels`` maps (scale, method) to the level, and the
    grid reads like it: ``grid[(1.0, "fuzzy")]``, ``grid.items()``."""

    levels: dict

    @classmethod
    def from_world(cls, world, scales=DEFECT_SCALES, customers: int | None = 3000, threshold: float = 85.0,
                   top_share: float = 0.2) -> DefectGrid:
        """Every level on the first ``customers`` customers of ``world`` (all of them with None).

        Each scale simulates the world's own case and seed again with the source systems'
        defect rates times the scale (duplicates and non-customers unchanged): the customers
        and their orders are those of ``world`` (worlds are prefix-stable), only the typing
        differs.
        """
        return cls(_levels(world, scales, customers, threshold, top_share))

    def __call__(self, scale: float = 1.0, method: str = "fuzzy") -> DefectLevel:
        """The level at ``scale`` with ``method``; a choice not computed names those that were."""
        if (float(scale), method) not in self.levels:
            raise ConfigError(f"scale = {scale!r}, method = {method!r}: "
                              f"{describe_allowed(sorted({f'{s:g} {m}' for s, m in self.levels}))}")
        return self.levels[(float(scale), method)]

    def __getitem__(self, key: tuple) -> DefectLevel:
        return self(*key)

    def items(self):
        return self.levels.items()

    def table(self) -> pd.DataFrame:
        """The grid as one tidy table: :func:`grid_table`."""
        return grid_table(self)


def defect_grid(world, scales=DEFECT_SCALES, customers: int | None = 3000, threshold: float = 85.0,
                top_share: float = 0.2) -> DefectGrid:
    """Every (scale, method) level of ``world``, computed once: :meth:`DefectGrid.from_world`."""
    return DefectGrid.from_world(world, scales, customers, threshold, top_share)


def grid_table(grid) -> pd.DataFrame:
    """The grid (a :class:`DefectGrid` or a dict (scale, method) -> level) as one tidy table:
    defect_scale, method and every metric (like ``defect_sweep``)."""
    rows = [{"defect_scale": scale, "method": method, **level.metrics.to_dict()}
            for (scale, method), level in grid.items()]
    return pd.DataFrame(rows).sort_values(["method", "defect_scale"], ignore_index=True)
