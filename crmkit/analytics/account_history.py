"""Sales force automation beyond the single deal: the account's history and who else works the account.

A rep who calls an account should see what the company already did with it: the orders it
placed (through every channel), its earlier deals, the calls and meetings logged, the service
cases it opened and the campaigns that reached it. :func:`account_history` puts all of that on
one timeline. :func:`repeat_deal_rates` asks whether that history tells which accounts will
open the next deal; :func:`department_months` and :func:`deals_during_service` show how often
sales, marketing and service work the same account at the same time, which is why the three
need one shared record.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.pipeline import deal_outcomes
from crmkit.errors import DataError

__all__ = ["HISTORY_GROUPS", "account_history", "repeat_deal_rates", "department_months", "deals_during_service"]

#: The groups of :func:`repeat_deal_rates`, from the richest history to none.
HISTORY_GROUPS = ("won deal before", "deals, none won", "orders, no deal", "no order")
_TIMELINE = ["at", "source", "what", "amount", "record_id"]


def _rows(frame: pd.DataFrame, at: str, source: str, what: pd.Series, amount, record: str) -> pd.DataFrame:
    return pd.DataFrame({"at": frame[at].to_numpy(), "source": source, "what": what.astype(str).to_numpy(),
                         "amount": amount, "record_id": frame[record].to_numpy()})


def account_history(tables: dict, customer_id: int) -> pd.DataFrame:
    """One account's orders, deals, sales activities, service cases and campaign contacts on one timeline.

    Parameters
    ----------
    tables : dict of DataFrame
        A world's tables (``world.tables``): orders, opportunities, opportunity_history,
        activities, cases and campaign_members (campaigns names the campaigns when present).
    customer_id : int
        The account.

    Returns
    -------
    DataFrame
        One row per event, oldest first: ``at``, ``source`` (order, deal opened, deal closed,
        activity, service case, campaign), ``what`` (channel, kind, subject, reason or campaign
        name), ``amount`` (orders and deals, else NaN) and ``record_id`` (the row's id in its table).

    Examples
    --------
    >>> import crmkit as ck
    >>> world = ck.simulate("pschse", customers=300, seed=1, progress=False)
    >>> host = int(world.opportunities["customer_id"].iloc[0])
    >>> history = account_history(world.tables, host)
    >>> bool(history["at"].is_monotonic_increasing), "deal opened" in set(history["source"])
    (True, True)
    """
    if customer_id not in set(tables["customers"]["customer_id"]):
        raise DataError(f"customer_id = {customer_id!r}: no such customer in the customers table")
    mine = {name: tables[name][tables[name]["customer_id"] == customer_id]
            for name in ("orders", "opportunities", "activities", "cases", "campaign_members")}
    deals, members = mine["opportunities"], mine["campaign_members"]
    names = tables["campaigns"].set_index("campaign_id")["name"] if "campaigns" in tables else pd.Series(dtype=str)
    history = tables["opportunity_history"]
    outcome = deal_outcomes(history[history["opportunity_id"].isin(deals["opportunity_id"])])
    closed = outcome[outcome["outcome"] != "open"]
    acts = mine["activities"]
    parts = [
        _rows(mine["orders"], "ordered_at", "order", mine["orders"]["channel"], mine["orders"]["net_amount"].to_numpy(), "order_id"),
        _rows(deals, "created_at", "deal opened", deals["kind"], deals["amount"].to_numpy(), "opportunity_id"),
        _rows(closed, "closed_at", "deal closed", closed["outcome"], closed["won_amount"].to_numpy(), "opportunity_id"),
        _rows(acts, "due_at", "activity", acts["kind"].astype(str) + ": " + acts["subject"].astype(str)
              + " (" + acts["status"].astype(str) + ")", float("nan"), "activity_id"),
        _rows(mine["cases"], "opened_at", "service case", mine["cases"]["reason"], float("nan"), "case_id"),
        _rows(members, "added_at", "campaign", members["campaign_id"].map(names).fillna(members["campaign_id"].astype(str))
              + " (" + members["status"].astype(str) + ")", float("nan"), "member_id"),
    ]
    timeline = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=_TIMELINE)
    return timeline.sort_values(["at", "source"], kind="stable", ignore_index=True)[_TIMELINE]


def repeat_deal_rates(customers: pd.DataFrame, opportunities: pd.DataFrame, orders: pd.DataFrame,
                      cutoff, until=None) -> pd.DataFrame:
    """Does the account's history tell who opens the next deal? The share of accounts opening one, by history.

    Every account that signed up before ``cutoff`` is put in one group by what it had done before
    ``cutoff`` (the first that applies): a deal won (closed before the cut-off), deals but none
    won, orders but no deal, no order. For each group: how many accounts opened a new deal from
    ``cutoff`` on (up to ``until`` when given).

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``signup_date``.
    opportunities : DataFrame
        ``customer_id``, ``created_at``, ``close_date``, ``is_won``.
    orders : DataFrame
        ``customer_id``, ``ordered_at``.
    cutoff : date-like
        The day that splits the history (before) from the period the next deal is looked for in.
    until : date-like, optional
        The (exclusive) end of that period; None: every later deal.

    Returns
    -------
    DataFrame
        Indexed by ``history`` (:data:`HISTORY_GROUPS` order): ``accounts``, ``with_new_deal`` and
        ``rate`` (their share; NaN for an empty group).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> deals = pd.DataFrame({"customer_id": [1, 1], "is_won": [True, False],
    ...     "created_at": pd.to_datetime(["2024-02-01", "2025-03-01"]),
    ...     "close_date": pd.to_datetime(["2024-03-01", "2025-04-01"])})
    >>> orders = pd.DataFrame({"customer_id": [2], "ordered_at": pd.to_datetime(["2024-05-01"])})
    >>> repeat_deal_rates(customers, deals, orders, "2025-01-01")["with_new_deal"].tolist()
    [1, 0, 0, 0]
    """
    require_columns(customers, ["customer_id", "signup_date"], "customers")
    require_columns(opportunities, ["customer_id", "created_at", "close_date", "is_won"], "opportunities")
    require_columns(orders, ["customer_id", "ordered_at"], "orders")
    cutoff = pd.Timestamp(cutoff)
    if until is not None and not pd.Timestamp(until) > cutoff:
        raise DataError(f"until = {until}: must come after cutoff = {cutoff}")
    accounts = customers.loc[customers["signup_date"] < cutoff, "customer_id"]
    before = opportunities[opportunities["created_at"] < cutoff]
    won = before.loc[before["is_won"].astype(bool) & (before["close_date"] < cutoff), "customer_id"]
    ordered = orders.loc[orders["ordered_at"] < cutoff, "customer_id"]
    group = pd.Series(HISTORY_GROUPS[3], index=accounts.to_numpy())
    for name, ids in zip(HISTORY_GROUPS[2::-1], (ordered, before["customer_id"], won)):  # richest history wins
        group[group.index.isin(ids)] = name
    later = opportunities["created_at"] >= cutoff
    if until is not None:
        later &= opportunities["created_at"] < pd.Timestamp(until)
    new = group.index.isin(opportunities.loc[later, "customer_id"])
    table = pd.DataFrame({"history": group.to_numpy(), "new": new}).groupby("history")["new"].agg(["size", "sum"])
    table = table.reindex(list(HISTORY_GROUPS), fill_value=0).rename(columns={"size": "accounts", "sum": "with_new_deal"})
    table["rate"] = table["with_new_deal"] / table["accounts"].where(table["accounts"] > 0)
    return table.astype({"accounts": int, "with_new_deal": int}).rename_axis("history")


def department_months(tables: dict) -> pd.DataFrame:
    """Which departments worked each account in each month: sales, marketing, service.

    Sales: a deal opened, or a sales activity on a lead or deal done, for the account. Marketing:
    a campaign contact (control-group members are not contacted). Service: a case opened.

    Returns
    -------
    DataFrame
        One row per account and month with any of the three: ``customer_id``, ``month`` and a
        boolean column per department (``sales``, ``marketing``, ``service``), sorted.

    Examples
    --------
    >>> import crmkit as ck
    >>> world = ck.simulate("pschse", customers=300, seed=1, progress=False)
    >>> months = department_months(world.tables)
    >>> bool(months[["sales", "marketing", "service"]].any(axis=1).all())
    True
    """
    acts = tables["activities"]
    sold = acts[acts["status"].astype(str).eq("done") & acts["case_id"].isna() & acts["customer_id"].notna()]
    members = tables["campaign_members"]
    contacted = members[~members["in_control_group"].astype(bool)]
    touches = [(tables["opportunities"], "created_at", "sales"), (sold, "done_at", "sales"),
               (contacted, "added_at", "marketing"), (tables["cases"], "opened_at", "service")]
    rows = pd.concat([pd.DataFrame({"customer_id": frame["customer_id"].astype("int64").to_numpy(),
                                    "month": pd.to_datetime(frame[at]).dt.to_period("M").dt.to_timestamp().to_numpy(),
                                    "department": name}) for frame, at, name in touches], ignore_index=True)
    table = pd.crosstab([rows["customer_id"], rows["month"]], rows["department"]).gt(0)
    table = table.reindex(columns=["sales", "marketing", "service"], fill_value=False)
    return table.reset_index().rename_axis(columns=None).sort_values(["customer_id", "month"], ignore_index=True)


def deals_during_service(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, cases: pd.DataFrame,
                         until) -> pd.DataFrame:
    """For each deal: was a service case of the same account open at some time while the deal was open?

    A deal is open from ``created_at`` until its closing change in ``opportunity_history`` (or
    ``until``, the end of the observation, when still open); a case from ``opened_at`` until
    ``closed_at`` (or ``until``). The two overlap when each opens before the other ends.

    Returns
    -------
    DataFrame
        One row per deal: ``opportunity_id``, ``customer_id``, ``kind``, ``created_at``,
        ``ended_at``, ``outcome`` (won, lost, open), ``cases_open`` (how many cases overlap) and
        ``case_open`` (at least one).

    Examples
    --------
    >>> deals = pd.DataFrame({"opportunity_id": [1, 2], "customer_id": [7, 8], "kind": ["bulk_order"] * 2,
    ...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    >>> history = pd.DataFrame({"opportunity_id": [1, 2], "stage": ["closed_won", "proposal"],
    ...     "amount": [10.0, 5.0], "changed_at": pd.to_datetime(["2024-02-01", "2024-01-01"])})
    >>> cases = pd.DataFrame({"customer_id": [7, 8], "opened_at": pd.to_datetime(["2024-03-01", "2024-06-01"]),
    ...     "closed_at": pd.to_datetime(["2024-03-02", None])})
    >>> deals_during_service(deals, history, cases, "2024-12-31")["case_open"].tolist()
    [False, True]
    """
    require_columns(opportunities, ["opportunity_id", "customer_id", "kind", "created_at"], "opportunities")
    require_columns(cases, ["customer_id", "opened_at", "closed_at"], "cases")
    until = pd.Timestamp(until)
    outcome = deal_outcomes(opportunity_history).set_index("opportunity_id")
    deals = opportunities[["opportunity_id", "customer_id", "kind", "created_at"]].copy()
    deals["ended_at"] = deals["opportunity_id"].map(outcome["closed_at"]).fillna(until)
    deals["outcome"] = deals["opportunity_id"].map(outcome["outcome"]).fillna("open")
    spans = cases[["customer_id", "opened_at"]].assign(case_end=cases["closed_at"].fillna(until))
    pairs = deals.merge(spans, on="customer_id")
    overlap = pairs[(pairs["opened_at"] < pairs["ended_at"]) & (pairs["case_end"] > pairs["created_at"])]
    deals["cases_open"] = deals["opportunity_id"].map(overlap.groupby("opportunity_id").size()).fillna(0).astype(int)
    deals["case_open"] = deals["cases_open"] > 0
    return deals.reset_index(drop=True)
