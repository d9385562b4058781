"""The data warehouse: the world in DuckDB, as a star schema, with a layer of named KPIs.

A CRM data warehouse gathers the transactions of every touchpoint in one place and turns
them into the figures a company steers by. Here it is a DuckDB file (written by
``world.save(path, format="duckdb")``, or by the flow model's store stage) holding the
observed tables, plus views:

- the star schema (``star.sql``): facts ``fact_orders``, ``fact_order_lines``,
  ``fact_cases``, ``fact_surveys``, ``fact_campaign_contacts``, ``fact_opportunities``
  around the dimensions ``dim_customer``, ``dim_product``, ``dim_campaign``, ``dim_staff``
  and ``dim_date``;
- each department's view (``departments.sql``): ``marketing_view``, ``sales_view``,
  ``service_view``;
- one view ``kpi_<name>`` per KPI of :data:`KPIS`, each a ``kpi_<name>.sql`` file beside
  this module, with a pandas twin in :mod:`crmkit.analytics.warehouse_pandas` that gives
  the same table (a test holds them equal).

>>> "nps" in KPIS
True
"""

from __future__ import annotations

import itertools
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from crmkit.errors import DataError, describe_allowed

__all__ = ["KPIS", "STAR_VIEWS", "DEPARTMENT_VIEWS", "kpi_sql", "build_warehouse", "connect_warehouse", "kpi",
           "add_customer_master"]

KPIS = ("revenue_by_segment_channel", "repeat_rate", "retention_by_cohort", "campaign_response_roi",
        "pipeline_coverage", "service_level", "nps")
STAR_VIEWS = ("dim_customer", "dim_product", "dim_campaign", "dim_staff", "dim_date", "fact_orders",
              "fact_order_lines", "fact_cases", "fact_surveys", "fact_campaign_contacts", "fact_opportunities")
DEPARTMENT_VIEWS = {"marketing": "marketing_view", "sales": "sales_view", "service": "service_view"}


def _sql_file(name: str) -> str:
    return files("crmkit.analytics").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def kpi_sql(name: str) -> str:
    """The SQL of one KPI (a ``SELECT`` over the observed tables).

    >>> kpi_sql("repeat_rate").splitlines()[0]
    '-- Repeat rate: the share of buyers who ordered more than once.'
    """
    if name not in KPIS:
        raise DataError(f"kpi = {name!r}: {describe_allowed(KPIS)}")
    return _sql_file(f"kpi_{name}")


def connect_warehouse(database: str | Path, read_only: bool = True):
    """Open a world's DuckDB file; the caller closes the connection.

    Raises
    ------
    DataError
        When the file is missing or is not a DuckDB database.
    """
    import duckdb

    database = Path(database)
    if not database.is_file():
        raise DataError(f"database = {str(database)!r}: no such file; save a world with format='duckdb' first")
    try:
        return duckdb.connect(str(database), read_only=read_only)
    except duckdb.Error as exc:
        raise DataError(f"database = {str(database)!r}: not a DuckDB warehouse ({type(exc).__name__})") from None


def build_warehouse(database: str | Path) -> Path:
    """Add the star schema, the departments' views and the KPI views to a world's DuckDB file.

    Views only: nothing is copied, so building takes milliseconds on any size of world.
    Returns the path.
    """
    con = connect_warehouse(database, read_only=False)
    try:
        con.execute(_sql_file("star"))
        con.execute(_sql_file("departments"))
        for name in KPIS:
            con.execute(f"CREATE OR REPLACE VIEW kpi_{name} AS {kpi_sql(name)}")
    finally:
        con.close()
    return Path(database)


def add_customer_master(database: str | Path, master: pd.DataFrame) -> None:
    """Write the customer master into the warehouse (its record ids as a list column)."""
    import pyarrow as pa

    con = connect_warehouse(database, read_only=False)
    try:
        columns = {c: pa.array(s, from_pandas=True) for c, s in master.items() if c != "source_record_ids"}
        ids = _id_lists(master["source_record_ids"])
        con.register("_crmkit_master", pa.table({**columns, "source_record_ids": ids}))
        con.execute("CREATE OR REPLACE TABLE customer_master AS SELECT * FROM _crmkit_master")
        con.unregister("_crmkit_master")
    finally:
        con.close()


def _id_lists(lists: pd.Series):
    """An Arrow list<int64> column of the lists of ids: one flat array and the offsets, no list rebuilt.

    >>> _id_lists(pd.Series([[3, 1], [], [7]])).to_pylist()
    [[3, 1], [], [7]]
    """
    import pyarrow as pa

    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat))


def kpi(database, name: str) -> pd.DataFrame:
    """One KPI computed in SQL by the warehouse (a DuckDB file or an open connection).

    Works on any world saved as DuckDB, whether or not :func:`build_warehouse` ran: the
    KPI's SQL reads only the observed tables.
    """
    query = kpi_sql(name)
    if isinstance(database, (str, Path)):
        con = connect_warehouse(database)
        try:
            return con.execute(query).df()
        finally:
            con.close()
    return database.execute(query).df()
