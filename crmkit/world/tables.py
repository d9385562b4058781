"""From a block's arrays to its tables: local ids, timestamps, observed window and truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.arrays import TRUTH_DECIMALS
from crmkit.world.codes import codes_of, lists_of
from crmkit.world.dictionary import round_money
from crmkit.world.people import PersonaTable
from crmkit.world.vocabulary import category_dtype, code_of, labels_of


def _labels(vocab: str, codes, lists=None) -> pd.Categorical:
    return labels_of(vocab, codes, lists)  # lists: the world's own (crmkit.world.codes.lists_of)


def _local_ids(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64)


def observed_order_ids(orders, observed) -> np.ndarray:
    """Local id of each order row: observed orders numbered in time order, -1 for hold-out ones.

    Every table that points at an order goes through this map.
    """
    rows = np.flatnonzero(observed)
    rows = rows[np.argsort(orders["time"][rows], kind="stable")]
    order_id = np.full(len(observed), -1, dtype=np.int64)
    order_id[rows] = _local_ids(len(rows))
    return order_id


def assemble(block, people, orders, items, observed, order_id, phases, joins, members, ledger, interactions) -> dict[str, pd.DataFrame]:
    """Every core table of one block (observed and truth), ids local and 0-based (-1 = none)."""
    ts = block.timeline.to_timestamps
    obs_rows = np.flatnonzero(order_id >= 0)
    obs_rows = obs_rows[np.argsort(order_id[obs_rows])]
    out = {
        "customers": _customers(block, people, joins, ledger),
        "orders": pd.DataFrame({
            "order_id": order_id[obs_rows], "customer_id": orders["customer"][obs_rows],
            "ordered_at": ts(orders["time"][obs_rows]), "channel": _labels("order_channel", orders["channel"][obs_rows], lists_of(block.config)),
            "campaign_id": orders["campaign"][obs_rows], "item_count": orders["item_count"][obs_rows],
            "gross_amount": orders["gross"][obs_rows], "discount_amount": orders["discount"][obs_rows],
            "net_amount": orders["net"][obs_rows], "service_issue": labels_of("service_issue", orders["issue"][obs_rows], lists_of(block.config)),
            "site_id": orders["site"][obs_rows], "_customer": orders["customer"][obs_rows],
        }),
    }
    kept = observed[items["order"]]
    item_order = order_id[items["order"][kept]]
    sort = np.argsort(item_order, kind="stable")
    out["order_items"] = pd.DataFrame({
        "item_id": _local_ids(kept.sum()), "order_id": item_order[sort], "product_id": items["product"][kept][sort],
        "quantity": items["quantity"][kept][sort], "unit_price": items["unit_price"][kept][sort],
        "line_amount": items["line_amount"][kept][sort], "_customer": orders["customer"][items["order"][kept]][sort],
    })
    out["interactions"] = pd.DataFrame({
        "interaction_id": _local_ids(len(interactions["time"])),
        "customer_id": np.where(interactions["anonymous"], -1, interactions["customer"]),
        "occurred_at": ts(interactions["time"]), "channel": _labels("channel", interactions["channel"], lists_of(block.config)),
        "kind": _labels("interaction_kind", interactions["kind"], lists_of(block.config)),
        "order_id": np.where(interactions["order"] >= 0, order_id[interactions["order"]], -1),
        "campaign_id": interactions["campaign"], "_customer": interactions["customer"],
    })
    out["campaign_members"] = _members(block, members, order_id)
    by_time = np.lexsort((ledger["reason"], ledger["customer"], ledger["time"]))
    led = {k: v[by_time] for k, v in ledger.items()}
    out["loyalty_ledger"] = pd.DataFrame({
        "entry_id": _local_ids(len(led["time"])), "customer_id": led["customer"], "occurred_at": ts(led["time"]),
        "reason": _labels("ledger_reason", led["reason"]), "points": led["points"],
        "order_id": np.where(led["order"] >= 0, order_id[led["order"]], -1),
        "balance_after": led["balance"], "tier_after": _labels("loyalty_tier", led["tier"]),
        "_customer": led["customer"],
    })
    out.update(_truth(block, people, orders, observed, phases, members, interactions, order_id))
    return out


def _customers(block, people, joins, ledger) -> pd.DataFrame:
    ts, n = block.timeline.to_timestamps, block.size
    joined = np.full(n, np.nan)
    joined[joins["customer"].astype(int)] = joins["time"]
    joined[joined >= block.timeline.observed_end] = np.nan
    tier = np.full(n, code_of("loyalty_tier", "none"))
    if len(ledger["customer"]):  # rows are by customer and time: the last row holds the tier
        last = np.r_[ledger["customer"][1:] != ledger["customer"][:-1], True]
        tier[ledger["customer"][last]] = ledger["tier"][last]
    return pd.DataFrame({
        "customer_id": _local_ids(n), "first_name": people["first_name"], "last_name": people["last_name"],
        "email": people["email"], "phone": people["phone"], "city": people["city"], "state": people["state"],
        "region": pd.array(people["region"], dtype="str"),  # the case's own regions: text, not a vocabulary
        "birth_year": pd.Series(people["birth_year"], dtype="Int64").mask(people["birth_year"] <= 0),
        "signup_date": ts(np.floor(people["signup"])),
        "acquisition_source": _labels("acquisition_source", people["acquisition_source"], lists_of(block.config)),
        "acquisition_campaign_id": _acquisition_campaign(block, people),
        "loyalty_tier": _labels("loyalty_tier", tier), "loyalty_joined_at": ts(joined),
        "email_opt_in": people["email_opt_in"], "sms_opt_in": people["sms_opt_in"], "mail_opt_in": people["mail_opt_in"],
        "customised_offers": people["customised"], "_customer": _local_ids(n),
    })


def _acquisition_campaign(block, people) -> np.ndarray:
    """Credit a sign-up to the first acquisition campaign running then through its source."""
    credited = np.full(block.size, -1, dtype=np.int64)
    for i, c in reversed(list(enumerate(block.config.campaigns.plan))):
        if c.objective != "acquisition":
            continue
        start = block.timeline.days_of(c.start_date)
        sources = [codes_of(block.config).code("acquisition_source", s) for s in c.sources]
        hit = (people["signup"] >= start) & (people["signup"] < start + c.days) & np.isin(people["acquisition_source"], sources)
        credited[hit] = i
    return credited


def _members(block, members, order_id) -> pd.DataFrame:
    ts = block.timeline.to_timestamps
    camp = members["campaign"].astype(np.int64)
    starts = np.array([block.timeline.days_of(c.start_date) for c in block.config.campaigns.plan] or [0.0])
    response = members["response_order"].astype(np.int64)
    return pd.DataFrame({
        "member_id": _local_ids(len(camp)), "campaign_id": camp, "customer_id": members["customer"].astype(np.int64),
        "added_at": ts(starts[camp]), "in_control_group": members["control"].astype(bool),
        "status": _labels("member_status", members["status"]), "responded_at": ts(members["responded_at"]),
        "response_order_id": np.where(response >= 0, order_id[np.maximum(response, 0)], -1),
        "_customer": members["customer"].astype(np.int64),
    })


def _truth(block, people, orders, observed, phases, members, interactions, order_id) -> dict[str, pd.DataFrame]:
    ts, n, end = block.timeline.to_timestamps, block.size, block.timeline.observed_end
    sort = np.lexsort((phases["time"], phases["customer"]))
    ph = {k: v[sort] for k, v in phases.items()}
    cust = ph["customer"].astype(np.int64)
    same_next = np.r_[cust[1:] == cust[:-1], False]
    ended = np.where(same_next, np.r_[ph["time"][1:], np.nan], np.nan)
    dissolution = ph["phase"] == code_of("phase", "dissolution")
    before_end = ph["time"] < end
    last_before_end = np.full(n, -1)
    last_before_end[cust[before_end]] = np.flatnonzero(before_end)  # rows sorted: the last assignment wins
    last_row = np.full(n, -1)
    last_row[cust] = np.arange(len(cust))
    first_churn = np.full(n, np.nan)
    np.fmin.at(first_churn, cust[dissolution], ph["time"][dissolution])
    o_cust, value = orders["customer"], orders["net"]
    failures = observed & (orders["issue"] > 0)
    personas = PersonaTable.of(block.config)
    truth_customers = pd.DataFrame({
        "customer_id": _local_ids(n), "persona": np.array(personas.names)[people["persona"]],
        "purchase_rate": np.round(people["true_rate"], TRUTH_DECIMALS), "expected_order_value": round_money(people["true_order_value"]),
        "service_sensitivity": np.round(people["true_sensitivity"], TRUTH_DECIMALS), "first_churned_at": ts(first_churn),
        "churned_at": ts(np.where(dissolution[last_row], ph["time"][last_row], np.nan)),
        "won_back": np.bincount(cust[ph["winback"].astype(bool)], minlength=n) > 0,
        "alive_at_end": ph["phase"][last_before_end] != code_of("phase", "dissolution"),
        "service_failures": np.bincount(o_cust[failures], minlength=n),
        "unrecovered_failures": np.bincount(o_cust[failures & ~orders["recovered"]], minlength=n),
        "observed_value": round_money(np.bincount(o_cust[observed], weights=value[observed], minlength=n)),
        "holdout_orders": np.bincount(o_cust[~observed], minlength=n),
        "holdout_value": round_money(np.bincount(o_cust[~observed], weights=value[~observed], minlength=n)),
        "home_site_id": people["home_site"], "customisation_churn_multiplier": people["true_customisation"],
        "_customer": _local_ids(n),
    })
    anonymous = interactions["anonymous"]
    return {
        "truth.customers": truth_customers,
        "truth.phases": pd.DataFrame({
            "phase_id": _local_ids(len(cust)), "customer_id": cust, "phase": _labels("phase", ph["phase"]),
            "started_at": ts(ph["time"]), "ended_at": ts(ended), "is_winback": ph["winback"].astype(bool), "_customer": cust,
        }),
        "truth.campaign_uplift": pd.DataFrame({
            "member_id": _local_ids(len(members["customer"])), "baseline_probability": np.round(members["baseline"], TRUTH_DECIMALS),
            "true_uplift": np.round(members["uplift"], TRUTH_DECIMALS), "_customer": members["customer"].astype(np.int64),
        }),
        "truth.anonymous_interactions": pd.DataFrame({
            "interaction_id": np.flatnonzero(anonymous), "customer_id": interactions["customer"][anonymous],
            "_customer": interactions["customer"][anonymous],
        }),
        "truth.service_issues": _service_truth(orders, failures, order_id, lists_of(block.config)),
    }


def _service_truth(orders, failures, order_id, lists) -> pd.DataFrame:
    rows = np.flatnonzero(failures)
    rows = rows[np.argsort(order_id[rows], kind="stable")]
    return pd.DataFrame({
        "order_id": order_id[rows], "issue": labels_of("service_issue", orders["issue"][rows], lists),
        "recovered": orders["recovered"][rows], "_customer": orders["customer"][rows],
    })
