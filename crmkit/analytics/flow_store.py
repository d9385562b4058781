"""The flow model's "store centrally" and "share" stages: the observed tables in one
database (a DuckDB warehouse, or SQLite), with the customer master from identity
resolution, and each department's view of it.

Used by :func:`crmkit.analytics.flow.run_flow`; importable from there too.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from crmkit.analytics.identity import customer_master, normalise_records, resolve_identities
from crmkit.analytics.warehouse import DEPARTMENT_VIEWS, add_customer_master, build_warehouse, connect_warehouse
from crmkit.errors import DataError, describe_allowed

__all__ = ["STORES", "VIEWS", "store_centrally", "share"]

# The central store: a DuckDB warehouse (loaded from Arrow in seconds, with views and KPIs),
# or SQLite, the relational teaching form with keys and checks (loaded row by row: minutes
# for a large world).
STORES = ("duckdb", "sqlite")

# Each department's view of the central store: what it needs, nothing more.
VIEWS = {
    "marketing": """SELECT c.customer_id, c.region, c.acquisition_source, c.loyalty_tier,
                           c.email_opt_in, c.sms_opt_in, c.mail_opt_in
                    FROM customers c""",
    "sales": """SELECT o.opportunity_id, o.customer_id, o.stage, o.amount, o.close_date, o.owner_staff_id
                FROM opportunities o WHERE o.is_closed = 0""",
    "service": """SELECT k.case_id, k.customer_id, k.reason, k.priority, k.opened_at, k.is_complaint
                  FROM cases k WHERE k.closed_at IS NULL""",
}


def store_centrally(world, path: str | Path, threshold: float = 85.0, store: str | None = None) -> tuple[Path, pd.DataFrame]:
    """Store centrally: the observed tables in one database, plus the customer master.

    ``store="duckdb"`` (the default, unless ``path`` ends in ``.db``) writes a DuckDB warehouse with the star schema, the
    departments' views and the KPI views (:func:`~crmkit.analytics.warehouse.build_warehouse`);
    ``store="sqlite"`` the relational SQLite file. The master comes from
    :func:`~crmkit.analytics.identity.resolve_identities` over the world's
    ``source_records`` (blocking plus string similarity). Returns the database path and
    the master. The truth is never written.
    """
    store = check_store(store, path)
    # The tables are written on a second thread while this one resolves identities: the
    # database's own work runs outside Python's lock, so on two cores the two overlap (on the
    # 1M-customer world each takes about half a minute). Neither changes the other's result.
    with ThreadPoolExecutor(1, thread_name_prefix="crmkit-store") as pool:
        saving = pool.submit(world.save, path, format=store, include_truth=False)
        try:
            master = _master(world.source_records, threshold)
        finally:
            database = saving.result()  # waits for the save (and raises its error) in every case
    if store == "duckdb":
        add_customer_master(database, master)
        return build_warehouse(database), master
    # SQLite has no list type: the record ids become text such as "15, 275, 1554".
    flat = master.assign(source_record_ids=[", ".join(str(int(i)) for i in ids) for ids in master["source_record_ids"]])
    with sqlite3.connect(database) as connection:
        flat.to_sql("customer_master", connection, index=False, if_exists="replace")
    return database, master


def _master(source_records: pd.DataFrame, threshold: float) -> pd.DataFrame:
    norm = normalise_records(source_records)  # once, for the resolution and the master
    return customer_master(source_records, resolve_identities(source_records, threshold=threshold, norm=norm), norm)


def share(database: str | Path) -> dict[str, pd.DataFrame]:
    """Share: each department's view of the central store (marketing, sales, service).

    SQLite keeps true/false as 1/0; the consent and ``is_`` columns come back as booleans.
    """
    if Path(database).suffix == ".duckdb":
        con = connect_warehouse(database)
        try:
            return {name: con.execute(f"SELECT * FROM {view}").df() for name, view in DEPARTMENT_VIEWS.items()}
        finally:
            con.close()
    with sqlite3.connect(database) as connection:
        views = {name: pd.read_sql(query, connection) for name, query in VIEWS.items()}
    return {name: view.astype({c: bool for c in view.columns if c.endswith("_opt_in") or c.startswith("is_")})
            for name, view in views.items()}


def check_store(store: str | None, path) -> str:
    """The store asked for; by default SQLite for a ``.db`` path, else DuckDB."""
    if store is None:
        return "sqlite" if path is not None and Path(path).suffix == ".db" else "duckdb"
    if store not in STORES:
        raise DataError(f"store = {store!r}: {describe_allowed(STORES)}")
    return store
