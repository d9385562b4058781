"""What CRM covers, measured on a world: the front office beside the ERP, the encyclopedia
definition's four meanings, and strategy, methodology and technology on one segment.

The split of a world's tables into back office (what an ERP system holds), front office (what
only the CRM holds), master and derived data is kept as data in
``crmkit/frameworks/data/crm_scope.yaml`` (:func:`office_split`), and so are the channels behind
the encyclopedia definition. :func:`people_beyond_erp` counts the people the CRM knows that the
ERP does not; :func:`encyclopedia_measures` puts a figure on each meaning of the definition;
:func:`integration_evidence` follows one segment chosen by strategy through a process measure
and a system capability.
"""

from __future__ import annotations

__all__ = ["OFFICES", "office_split", "office_tables", "encyclopedia_channels", "people_beyond_erp",
           "encyclopedia_measures", "targeted_customers", "integration_evidence"]

from functools import cache
from importlib.resources import files

import pandas as pd
import yaml

from crmkit.analytics.service import DEFAULT_TARGET_DAYS
from crmkit.errors import ConfigError, DataError, describe_allowed

OFFICES = ("back", "front", "master", "derived")
_FILE = "crm_scope.yaml"
_WHERE = f"crmkit/frameworks/data/{_FILE}"


@cache
def _raw() -> dict:
    raw = yaml.safe_load(files("crmkit.frameworks.data").joinpath(_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("offices"), dict) or not isinstance(raw.get("encyclopedia"), dict):
        raise DataError(f"{_WHERE}: expected a mapping with 'offices' and 'encyclopedia'")
    return raw


def office_split() -> pd.DataFrame:
    """Each table of a world and the office that holds it: ``table``, ``office``, ``why``.

    >>> split = office_split().set_index("table")
    >>> split.loc["invoices", "office"], split.loc["cases", "office"]
    ('back', 'front')
    """
    rows = []
    for table, entry in _raw()["offices"].items():
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in OFFICES):
            raise DataError(f"{_WHERE}: offices.{table} = {entry!r}: give [office, why] with office in {', '.join(OFFICES)}")
        rows.append((table, entry[0], entry[1]))
    return pd.DataFrame(rows, columns=["table", "office", "why"])


def office_tables(office: str) -> tuple[str, ...]:
    """The tables one office holds (``"back"``: what an ERP system holds).

    >>> "orders" in office_tables("back") and "leads" in office_tables("front")
    True
    """
    if office not in OFFICES:
        raise ConfigError(f"office = {office!r}: {describe_allowed(OFFICES)}")
    split = office_split()
    return tuple(split.loc[split["office"] == office, "table"])


def encyclopedia_channels() -> dict[str, tuple[str, ...]]:
    """The channel lists behind the encyclopedia definition's meanings (see the YAML's remarks).

    >>> encyclopedia_channels()["service_centre_origins"]
    ('phone',)
    """
    return {key: tuple(values) for key, values in _raw()["encyclopedia"].items()}


def _billed_customers(tables: dict) -> pd.Index:
    """The customer ids that appear in any back-office table with a ``customer_id``."""
    ids = [tables[name]["customer_id"] for name in office_tables("back")
           if name in tables and "customer_id" in tables[name].columns]
    return pd.Index(pd.concat(ids).dropna().unique()) if ids else pd.Index([])


def people_beyond_erp(tables: dict) -> pd.DataFrame:
    """The people a CRM knows and an ERP system does not.

    The ERP knows a customer once it bills them: the ids in its back-office tables (orders,
    invoices, payments, refunds). The CRM also knows the customers who signed up but never
    bought and the leads that never became customers (no ``converted_customer_id``).

    Parameters
    ----------
    tables : dict of DataFrame
        A world's tables; reads ``customers``, ``leads`` and the back-office tables.

    Returns
    -------
    DataFrame
        ``people``, ``count`` and ``known_to`` (``ERP and CRM`` or ``CRM only``).

    Examples
    --------
    >>> tables = {"customers": pd.DataFrame({"customer_id": [1, 2, 3]}),
    ...           "orders": pd.DataFrame({"customer_id": [1, 1]}), "invoices": pd.DataFrame({"customer_id": [2]}),
    ...           "leads": pd.DataFrame({"converted_customer_id": pd.array([3, None, None], dtype="Int64")})}
    >>> people_beyond_erp(tables)["count"].tolist()
    [2, 1, 2]
    """
    customers = tables["customers"]["customer_id"]
    billed = customers.isin(_billed_customers(tables))
    rows = [("customers the ERP bills", int(billed.sum()), "ERP and CRM"),
            ("customers who never bought", int((~billed).sum()), "CRM only"),
            ("leads that never became customers", int(tables["leads"]["converted_customer_id"].isna().sum()), "CRM only")]
    return pd.DataFrame(rows, columns=["people", "count", "known_to"])


def _days_to_close(cases: pd.DataFrame) -> pd.Series:
    closed = cases.dropna(subset=["closed_at"])
    return (closed["closed_at"] - closed["opened_at"]).dt.total_seconds() / 86400


def encyclopedia_measures(tables: dict) -> pd.Series:
    """One figure for each meaning of CRM in the encyclopedia definition.

    ``service_response``: the median days from opening to closing a closed case;
    ``one_to_one``: the share of campaign contacts (control groups left out) whose campaign
    picked each customer from their own record; ``online``: the share of interactions on
    online channels; ``service_centre``: the share of cases opened through the call centre.
    The channel lists are in ``crm_scope.yaml`` (:func:`encyclopedia_channels`).

    Examples
    --------
    >>> tables = {"cases": pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-01", "2024-01-01"]),
    ...               "closed_at": pd.to_datetime(["2024-01-03", None]), "origin": ["phone", "web"]}),
    ...           "campaigns": pd.DataFrame({"campaign_id": [1, 2], "targeting_rule": ["random", "at_risk"]}),
    ...           "campaign_members": pd.DataFrame({"campaign_id": [1, 2, 2], "in_control_group": [False, False, True]}),
    ...           "interactions": pd.DataFrame({"channel": ["web", "call_centre", "email", "mail"]})}
    >>> encyclopedia_measures(tables).tolist()
    [2.0, 0.5, 0.5, 0.5]
    """
    channels = encyclopedia_channels()
    cases, campaigns = tables["cases"], tables["campaigns"]
    contacts = tables["campaign_members"]
    contacts = contacts[~contacts["in_control_group"].astype(bool)]
    rule = contacts["campaign_id"].map(campaigns.set_index("campaign_id")["targeting_rule"].astype(str))
    return pd.Series({
        "service_response": float(_days_to_close(cases).median()),
        "one_to_one": float((~rule.isin(channels["untargeted_rules"])).mean()),
        "online": float(tables["interactions"]["channel"].astype(str).isin(channels["online_channels"]).mean()),
        "service_centre": float(cases["origin"].astype(str).isin(channels["service_centre_origins"]).mean()),
    }, name="measure")


def targeted_customers(tables: dict, rule: str = "best_customers") -> pd.Index:
    """The customers a campaign with targeting rule ``rule`` contacted (control groups left out)."""
    campaigns = tables["campaigns"]
    chosen = campaigns.loc[campaigns["targeting_rule"].astype(str) == rule, "campaign_id"]
    if chosen.empty:
        rules = sorted(set(campaigns["targeting_rule"].astype(str)))
        raise DataError(f"rule = {rule!r}: no campaign of this world targets by it; its campaigns use {', '.join(rules)}")
    members = tables["campaign_members"]
    contacted = members[members["campaign_id"].isin(chosen) & ~members["in_control_group"].astype(bool)]
    return pd.Index(contacted["customer_id"].unique())


def _within_target(cases: pd.DataFrame) -> float:
    closed = cases.dropna(subset=["closed_at"])
    target = closed["priority"].astype(str).map(DEFAULT_TARGET_DAYS)
    return float((_days_to_close(closed) <= target).mean())


def _email_reachable(customers: pd.DataFrame) -> float:
    return float((customers["email"].notna() & customers["email_opt_in"].astype(bool)).mean())


def integration_evidence(tables: dict, rule: str = "best_customers") -> pd.DataFrame:
    """Strategy, methodology and technology on one segment, beside all customers.

    Strategy chooses the segment: the customers contacted by campaigns with targeting rule
    ``rule``. Methodology is the process that serves them: the share of their closed cases
    closed within the service target of the case's priority
    (:data:`crmkit.analytics.service.DEFAULT_TARGET_DAYS`). Technology is what the systems
    hold: the share of them the email system may reach (an email on file and consent).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (``segment``, ``all customers``): ``customers``,
        ``within_target`` and ``email_reachable``.

    Examples
    --------
    >>> tables = {"campaigns": pd.DataFrame({"campaign_id": [1], "targeting_rule": ["best_customers"]}),
    ...     "campaign_members": pd.DataFrame({"campaign_id": [1, 1], "customer_id": [1, 2], "in_control_group": [False, True]}),
    ...     "customers": pd.DataFrame({"customer_id": [1, 2], "email": ["a@x", None], "email_opt_in": [True, True]}),
    ...     "cases": pd.DataFrame({"customer_id": [1, 2], "priority": ["low", "low"],
    ...         "opened_at": pd.to_datetime(["2024-01-01"] * 2), "closed_at": pd.to_datetime(["2024-01-02", "2024-02-01"])})}
    >>> integration_evidence(tables).values.tolist()
    [[1.0, 1.0, 1.0], [2.0, 0.5, 0.5]]
    """
    segment = targeted_customers(tables, rule)
    customers, cases = tables["customers"], tables["cases"]
    rows = {}
    for group, people in (("segment", customers["customer_id"].isin(segment)), ("all customers", customers["customer_id"].notna())):
        chosen = customers[people]
        rows[group] = {"customers": len(chosen),
                       "within_target": _within_target(cases[cases["customer_id"].isin(chosen["customer_id"])]),
                       "email_reachable": _email_reachable(chosen)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")
