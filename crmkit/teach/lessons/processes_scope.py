"""Exercises of lesson 03 on what CRM covers and how it is brought in: the people the CRM knows and the
ERP does not (the front office), the world's profile and the class of product it calls for by the
kit's rule table, and the stages of a roll-out. Imported into :mod:`crmkit.teach.lessons.processes`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.crm_scope import people_beyond_erp
from crmkit.analytics.crm_selection import choose_product_class, product_classes, rollout_order, world_profile
from crmkit.teach import Exercise, Mistake

__all__ = ["BEYOND_ERP", "CRM_PROFILE", "PRODUCT_CLASS", "ROLLOUT"]


# --- the front office: people the ERP does not know ---------------------------------------------------


def _counts(w) -> pd.Series:
    return people_beyond_erp(w.tables).set_index("people")["count"]


BEYOND_ERP = Exercise(
    "people_beyond_erp",
    "The ERP knows a customer once it bills them (a `customer_id` in a back-office table). How many **people** "
    "does the CRM know that the ERP does not: the customers with no row in any back-office table, plus the "
    "`leads` that never became customers (no `converted_customer_id`)?",
    reference=lambda w: int(_counts(w)[["customers who never bought", "leads that never became customers"]].sum()),
    mistakes=[
        Mistake("customers_only", "You counted the customers who never bought; the CRM also knows the prospects, the "
                "leads that never became customers. Add them.", answer=lambda w: int(_counts(w)["customers who never bought"])),
        Mistake("leads_only", "You counted the leads that never became customers; the CRM also knows the customers "
                "who signed up but never bought. Add them.",
                answer=lambda w: int(_counts(w)["leads that never became customers"])),
        Mistake("every_lead", "You added every lead; a converted lead is a customer already (counted once, as a "
                "customer). Keep the leads without converted_customer_id.",
                answer=lambda w: int(_counts(w)["customers who never bought"]) + len(w.leads)),
        Mistake("erp_people", "You counted the people the ERP does know (the customers it bills). The question asks "
                "for those only the CRM knows.", answer=lambda w: int(_counts(w)["customers the ERP bills"])),
    ])


# --- the world's profile and the class of product it calls for ---------------------------------------


def _profile(w) -> pd.Series:
    return world_profile(w.tables, w.observed_until)


def _front_rows(w, every_table: bool = False) -> float:
    profile = _profile(w)
    if not every_table:
        return float(profile["records_per_day"])
    days = (w.observed_until.normalize() - w.customers["signup_date"].min().normalize()).days + 1
    return sum(len(table) for table in w.tables.values()) / days


def _with(w, **changes) -> pd.Series:
    profile = _profile(w).rename(None)
    for key, value in changes.items():
        profile[key] = value(w)
    return profile


CRM_PROFILE = Exercise(
    "crm_profile",
    "What would a CRM product have to carry for your world? Give a Series: `customers` (rows of `customers`), "
    "`users` (rows of `staff`), `channels` (interaction channels with at least one contact), `source_systems` "
    "(source systems with at least one record in `source_records`) and `records_per_day` (the rows of the "
    "front-office tables, `ck.analytics.crm_scope.office_tables('front')`, divided by the calendar days from the "
    "first `signup_date` to `world.observed_until`, both days counted).",
    reference=lambda w: _profile(w).rename(None),
    rtol=2e-3,  # one day more or less in the window moves records_per_day by 0.1%
    mistakes=[
        Mistake("empty_channels", "You counted every channel the vocabulary knows, also those without a contact "
                "(a categorical column keeps its unused categories). Count the channels with contacts: "
                "astype(str).nunique().", answer=lambda w: _with(w, channels=lambda v: float(len(v.interactions["channel"].cat.categories)))),
        Mistake("empty_systems", "You counted every source system the vocabulary knows, also one that captured "
                "nothing. Count the systems with records.",
                answer=lambda w: _with(w, source_systems=lambda v: float(len(v.source_records["source_system"].cat.categories)))),
        Mistake("every_table", "Your records a day count every table, the back office's orders and invoices too. "
                "The CRM carries the front-office tables only.", answer=lambda w: _with(w, records_per_day=lambda v: _front_rows(v, True))),
    ])


def _class_by_size(w) -> str:
    """The class a wrong rule picks: the first whose customer limit the world stays within."""
    limits = product_classes()["customers"].astype(float).fillna(np.inf)
    return str(limits.ge(_profile(w)["customers"]).idxmax())


PRODUCT_CLASS = Exercise(
    "product_class",
    "Apply the kit's rule table (`ck.analytics.crm_selection.product_classes()`) to your world's profile: a class "
    "fits when every figure of the profile stays within its limit; the choice is the first class, smallest "
    "first, that fits. Give the class's key (a text).",
    reference=lambda w: str(choose_product_class(_profile(w)).query("chosen").index[0]),
    mistakes=[
        Mistake("size_only", "You chose by the number of customers alone. The course says the choice depends on "
                "complexity too: compare every figure of the profile with the class's limits.",
                answer=_class_by_size),
    ])


# --- a roll-out in stages ---------------------------------------------------------------------------


def _stages(order) -> pd.Series:
    return pd.Series(range(1, len(order) + 1), index=pd.Index(list(order), name="source_system"), dtype="int64")


def _systems(w, by: str = "records", ascending: bool = False, empty_too: bool = False) -> pd.Series:
    stages = rollout_order(w.source_records).sort_values([by, "source_system"], ascending=[ascending, True])
    order = list(stages["source_system"])
    if empty_too:
        order += [str(s) for s in w.source_records["source_system"].cat.categories if str(s) not in order]
    return _stages(order)


ROLLOUT = Exercise(
    "rollout_stages",
    "Not one system at once: roll the CRM out source system by source system, the one that captured the **most "
    "person records** (`source_records`) first, so that the first stage brings the largest share of customers "
    "into the one view. Number the systems with records in that order (1 = first); give a Series indexed by "
    "`source_system`.",
    reference=lambda w: _stages(rollout_order(w.source_records)["source_system"]),
    mistakes=[
        Mistake("smallest_first", "You started with the system that captured the fewest records. The first stage "
                "should bring in the most customers: sort by the number of records, largest first.",
                answer=lambda w: _systems(w, ascending=True)),
        Mistake("by_missing_email", "You ordered the systems by their share of records without an email. That is "
                "worth knowing for each stage's data cleaning, but the rule asks for the number of records.",
                answer=lambda w: _systems(w, by="missing_email")),
        Mistake("empty_system", "You gave a stage to a system that captured no record (a categorical column keeps "
                "its unused categories). A system with nothing to bring in is no stage.",
                answer=lambda w: _systems(w, empty_too=True)),
    ])
