"""The CRM processes as a whole: which processes each customer passes through over the relationship.

The processes work on the same customers. Followed over time, one customer is acquired by a
campaign, buys, asks the service desk, complains, joins the loyalty programme and answers a
survey: every process writes its own rows about them, and only together do those rows show the
customer's needs and behaviour. :func:`process_touches` marks, for each customer of a group
(a cohort, a segment), the processes that recorded them, using the kit's map of each process to
its rows (:data:`crmkit.analytics.processes.PROCESS_RECORDS`); :func:`process_reach` counts the
share of the group each process reached and how many processes each customer met.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.processes import PROCESS_RECORDS, count_rows, process_stages
from crmkit.errors import DataError

__all__ = ["CUSTOMER_COLUMNS", "process_touches", "process_reach"]

# The column that names the customer in each table a process writes (tables without one, such as
# lead_history, cannot be tied to a customer and are left out).
CUSTOMER_COLUMNS = {"leads": "converted_customer_id"}


def _customers_recorded(tables: dict, table: str, column, values) -> pd.Index:
    rows = tables[table]
    who = CUSTOMER_COLUMNS.get(table, "customer_id")
    if who not in rows.columns:
        return pd.Index([])
    kept = rows.loc[count_rows(rows, column, values, table).to_numpy(), who]
    return pd.Index(kept.dropna().astype("int64").unique())


def process_touches(tables: dict, customer_ids) -> pd.DataFrame:
    """Which processes recorded each customer of a group.

    Parameters
    ----------
    tables : dict of DataFrame
        A world's tables (``world.tables``).
    customer_ids : sequence of int
        The group followed (e.g. the customers who signed up in one year).

    Returns
    -------
    DataFrame
        Indexed by customer_id, one boolean column per process (the course's order): whether
        any row that process produces names the customer.

    Examples
    --------
    >>> import crmkit as ck
    >>> world = ck.simulate("pschse", customers=300, seed=1, progress=False)
    >>> touches = process_touches(world.tables, world.customers["customer_id"])
    >>> bool(touches["customer_profiling"].all()), touches.shape[1]
    (True, 9)
    """
    ids = pd.Index(pd.Series(customer_ids).astype("int64").unique(), name="customer_id")
    if len(ids) == 0:
        raise DataError("customer_ids is empty: give the ids of at least one customer to follow")
    touches = pd.DataFrame(False, index=ids, columns=list(process_stages()["key"]))
    for process, _label, table, _time, column, values in PROCESS_RECORDS:
        touches[process] |= ids.isin(_customers_recorded(tables, table, column, values))
    return touches


def process_reach(tables: dict, customer_ids) -> pd.DataFrame:
    """The share of a group of customers each process reached.

    Parameters
    ----------
    tables : dict of DataFrame
        A world's tables.
    customer_ids : sequence of int
        The group followed.

    Returns
    -------
    DataFrame
        One row per process (index ``process``): name, group, customers (how many of the
        group it recorded) and share (of the group).

    Examples
    --------
    >>> import crmkit as ck
    >>> world = ck.simulate("pschse", customers=300, seed=1, progress=False)
    >>> reach = process_reach(world.tables, world.customers["customer_id"])
    >>> float(reach.loc["customer_profiling", "share"]), bool(reach["share"].between(0, 1).all())
    (1.0, True)
    """
    touches = process_touches(tables, customer_ids)
    stages = process_stages().set_index("key")
    table = pd.DataFrame({"name": stages["stage"], "group": stages["group"],
                          "customers": touches.sum().astype(int), "share": touches.mean()})
    return table.rename_axis("process")
