"""The warehouse's KPIs computed in pandas: the twin of each ``kpi_<name>.sql``.

Same rows, same columns, same order as the SQL (see :mod:`crmkit.analytics.warehouse`),
so a lesson can set the two side by side and a test can hold them equal.

>>> import crmkit as ck
>>> world = ck.simulate("pschse", customers=300, seed=1)
>>> list(kpi_pandas(world.tables, "repeat_rate").columns)
['buyers', 'repeat_buyers', 'repeat_rate']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.service import DEFAULT_TARGET_DAYS
from crmkit.errors import DataError, describe_allowed

__all__ = ["kpi_pandas"]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Labels as plain text (as SQL returns them), index reset."""
    out = df.reset_index(drop=True)
    for column, dtype in out.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _ratio(numerator, denominator):
    """``numerator / denominator``, missing where the denominator is 0 (SQL's NULLIF)."""
    return numerator / pd.Series(denominator, dtype="float64").replace(0, np.nan)


def revenue_by_segment_channel(t) -> pd.DataFrame:
    orders = t["orders"].merge(t["customers"][["customer_id", "loyalty_tier"]], on="customer_id")
    grouped = orders.groupby(["loyalty_tier", "channel"], observed=True, dropna=False)
    out = grouped.agg(orders=("order_id", "size"), buyers=("customer_id", "nunique"), revenue=("net_amount", "sum"))
    out = _plain(out.reset_index().rename(columns={"loyalty_tier": "segment"}))
    return out.sort_values(["segment", "channel"], na_position="last").reset_index(drop=True)


def repeat_rate(t) -> pd.DataFrame:
    per_buyer = t["orders"].groupby("customer_id").size()
    buyers, repeat = len(per_buyer), int((per_buyer >= 2).sum())
    return pd.DataFrame({"buyers": [buyers], "repeat_buyers": [repeat],
                         "repeat_rate": [repeat / buyers if buyers else np.nan]})


def retention_by_cohort(t) -> pd.DataFrame:
    cohorts = pd.DataFrame({"customer_id": t["customers"]["customer_id"],
                            "cohort": t["customers"]["signup_date"].dt.year})
    sizes = cohorts.groupby("cohort").size().rename("customers")
    active = pd.DataFrame({"customer_id": t["orders"]["customer_id"],
                           "year": t["orders"]["ordered_at"].dt.year}).drop_duplicates()
    active = active.merge(cohorts, on="customer_id")
    active = active[active["year"] >= active["cohort"]]
    out = active.groupby(["cohort", "year"]).size().rename("active").reset_index().join(sizes, on="cohort")
    out = out.assign(retention=out["active"] / out["customers"])
    return out[["cohort", "year", "customers", "active", "retention"]].sort_values(["cohort", "year"]).reset_index(drop=True)


def campaign_response_roi(t) -> pd.DataFrame:
    members = t["campaign_members"][~t["campaign_members"]["in_control_group"]]
    all_ids = t["campaign_members"]["campaign_id"].unique()
    contacts = members.groupby("campaign_id").size().reindex(all_ids, fill_value=0).rename("contacts")
    responders = members["responded_at"].notna().groupby(members["campaign_id"]).sum()
    responses = members.merge(t["orders"][["order_id", "net_amount"]], left_on="response_order_id", right_on="order_id")
    revenue = responses.groupby("campaign_id")["net_amount"].sum()
    out = t["campaigns"][["campaign_id", "name", "channel", "fixed_cost", "cost_per_contact"]]
    out = out[out["campaign_id"].isin(all_ids)].join(contacts, on="campaign_id")
    out["responders"] = out["campaign_id"].map(responders).fillna(0).astype("int64")
    out["revenue"] = out["campaign_id"].map(revenue).fillna(0.0)
    out["cost"] = out["fixed_cost"] + out["cost_per_contact"] * out["contacts"]
    out["response_rate"] = _ratio(out["responders"], out["contacts"])
    out["roi"] = _ratio(out["revenue"] - out["cost"], out["cost"])
    columns = ["campaign_id", "name", "channel", "contacts", "responders", "response_rate", "revenue", "cost", "roi"]
    return _plain(out[columns].sort_values("campaign_id"))


def pipeline_coverage(t) -> pd.DataFrame:
    deals = t["opportunities"].merge(t["staff"][["staff_id", "region"]], left_on="owner_staff_id", right_on="staff_id")
    day = t["opportunities"]["created_at"].max().floor("D")
    open_ = ~deals["is_closed"]
    recent = deals["is_won"] & (deals["close_date"] > day - pd.Timedelta(days=365))
    out = pd.DataFrame({"region": deals["region"], "open_pipeline": deals["amount"].where(open_, 0.0),
                        "weighted_pipeline": (deals["amount"] * deals["probability"]).where(open_, 0.0),
                        "won_last_year": deals["amount"].where(recent, 0.0)})
    out = out.groupby("region", observed=True).sum().reset_index()
    out["coverage"] = _ratio(out["open_pipeline"], out["won_last_year"])
    return _plain(out).sort_values("region").reset_index(drop=True)


def service_level(t) -> pd.DataFrame:
    cases = t["cases"][t["cases"]["priority"].isin(list(DEFAULT_TARGET_DAYS))]
    closed = cases["closed_at"].notna()
    days = (cases["closed_at"] - cases["opened_at"]).dt.total_seconds() / 86400
    target = cases["priority"].astype(object).map(DEFAULT_TARGET_DAYS)
    frame = pd.DataFrame({"priority": cases["priority"].astype(object), "closed": closed,
                          "within": (days <= target).astype(float).where(closed),
                          "fcr": cases["first_contact_resolution"].astype(float).where(closed),
                          "csat": cases["csat"].astype("float64")})
    out = frame.groupby("priority").agg(cases=("closed", "size"), closed=("closed", "sum"), service_level=("within", "mean"),
                                        first_contact_resolution=("fcr", "mean"), mean_csat=("csat", "mean"))
    return out.reset_index().sort_values("priority").reset_index(drop=True)


def nps(t) -> pd.DataFrame:
    answers = t["surveys"][t["surveys"]["kind"] == "nps"]
    frame = pd.DataFrame({"year": answers["responded_at"].dt.year, "promoter": answers["score"] >= 9,
                          "detractor": answers["score"] <= 6})
    out = frame.groupby("year").agg(responses=("promoter", "size"), promoters=("promoter", "sum"),
                                    detractors=("detractor", "sum")).reset_index()
    out["nps"] = 100.0 * (out["promoters"] - out["detractors"]) / out["responses"]
    return out.sort_values("year").reset_index(drop=True)


_TWINS = {f.__name__: f for f in (revenue_by_segment_channel, repeat_rate, retention_by_cohort, campaign_response_roi,
                                  pipeline_coverage, service_level, nps)}


def kpi_pandas(tables, name: str) -> pd.DataFrame:
    """One warehouse KPI computed in pandas from a world's tables (``world.tables``)."""
    if name not in _TWINS:
        raise DataError(f"kpi = {name!r}: {describe_allowed(tuple(_TWINS))}")
    return _TWINS[name](tables)
