"""Deals (opportunities) and their stage history.

Customers of the configured personas open deals at a steady rate while their relationship
is alive. A deal enters at its kind's stage and walks through the later canonical stages;
from each stage it goes on with probability ``p(next stage...)`` chosen so that a deal at
stage k is won with the kit's canonical probability ``p_k`` (time in a stage does not depend
on the outcome). If the customer's relationship dissolves first, the owner closes it lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.world.arrays import last_time_before, next_time_after
from crmkit.world.codes import codes_of
from crmkit.world.dictionary import round_money
from crmkit.world.ops.sales_common import assign_owners, flatten_steps, last_in_group, region_codes
from crmkit.world.ops.model_numbers import model_number
from crmkit.world.ops.sales_crosswalk import stage_probabilities
from crmkit.world.people import PersonaTable
from crmkit.world.units import DAYS_PER_YEAR
from crmkit.world.vocabulary import code_of, labels_of
from crmkit.world.words import words_of

WON, LOST = code_of("opportunity_stage", "closed_won"), code_of("opportunity_stage", "closed_lost")
K = WON  # open canonical stages: prospecting .. negotiation (codes 0..K-1) come before closed_won, closed_lost


@dataclass
class Deals:
    """The deals' tables plus arrays for the activities: observed stage changes and open deals."""

    tables: dict[str, pd.DataFrame]
    changes: dict[str, np.ndarray]
    open: dict[str, np.ndarray]


def _spells(context):
    phases = context.phases
    opened = phases["phase"] == code_of("phase", "exploration")  # sign-up or win-back
    dissolved = phases["phase"] == code_of("phase", "dissolution")
    return (phases["customer"][opened].astype(np.int64), phases["time"][opened],
            phases["customer"][dissolved].astype(np.int64), phases["time"][dissolved])


def _open_times(context, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When deals open: (customer, time, kind index), only while the relationship is alive."""
    config, people, end = context.config, context.people, context.timeline.observed_end
    names = PersonaTable.of(config).names
    o_cust, o_time, d_cust, d_time = _spells(context)
    parts = []
    for k, kind in enumerate(config.sales.opportunities.kinds.values()):
        allowed = [names.index(p) for p in kind.personas] if kind.personas else list(range(len(names)))
        eligible = np.flatnonzero(np.isin(people["persona"], allowed))
        years = np.maximum(end - people["signup"][eligible], 0) / DAYS_PER_YEAR
        count = rng.poisson(kind.per_customer_year * years)
        cust = np.repeat(eligible, count)
        time = people["signup"][cust] + rng.random(len(cust)) * (end - people["signup"][cust])
        alive = last_time_before(o_cust, o_time, cust, time) > last_time_before(d_cust, d_time, cust, time)
        parts.append((cust[alive], time[alive], np.full(alive.sum(), k)))
    cust, time, kind = (np.concatenate(x) for x in zip(*parts))
    order = np.lexsort((cust, time))
    return cust[order], time[order], kind[order]


def _walk(rng, kinds, kind, start, dissolved_at, churn_at) -> dict[str, np.ndarray]:
    """Each deal's walk through the stages: entry times, reached stages, outcome, amounts.

    A deal that would close after the customer's relationship dissolved is lost (a won deal
    books an order, and a lapsed customer orders nothing); its owner closes it at the latest
    ``churn_at``.
    """
    n, p = len(kind), stage_probabilities()[:K]
    entry = np.array([code_of("opportunity_stage", k.entry_stage) for k in kinds])[kind]
    go_on = p / np.r_[p[1:], 1.0]  # so that P(won | at stage j) = p_j
    days = np.array([k.stage_days for k in kinds])[kind]
    shape = model_number("stage_days_shape")  # see billing_and_deals.yaml
    duration = rng.gamma(shape, days[:, None] / shape, (n, K))
    j = np.arange(K)[None, :]
    in_path = j >= entry[:, None]
    fails = in_path & (rng.random((n, K)) >= go_on[None, :])
    last = np.where(fails.any(1), fails.argmax(1), K - 1)  # the stage where the deal closes
    reached = in_path & (j <= last[:, None])
    enters = start[:, None] + np.cumsum(np.where(reached, duration, 0), axis=1) - np.where(reached, duration, 0)
    close = start + np.where(reached, duration, 0).sum(1)
    won = ~fails.any(1)
    churned = dissolved_at < close
    reached &= enters <= np.minimum(churn_at, close)[:, None]
    close = np.minimum(close, churn_at)
    won &= ~churned
    spread = np.array([[k.amount_spread, k.amount_revision, k.amount_median] for k in kinds])[kind]
    first = spread[:, 2] * np.exp(spread[:, 0] * rng.standard_normal(n))
    revise = np.exp(spread[:, 1:2] * rng.standard_normal((n, K + 1)) - spread[:, 1:2] ** 2 / 2)
    revised = (np.arange(K + 1)[None, :] > entry[:, None]) & np.c_[reached, np.ones(n, bool)]  # every change after entry
    amounts = first[:, None] * np.cumprod(np.where(revised, revise, 1.0), axis=1)
    remaining = (K - j) * days[:, None]  # the owner's estimate: the stages still ahead
    return {"entry": entry, "reached": reached, "enters": enters, "close": close, "won": won, "churned": churned,
            "amounts": round_money(amounts), "expected_close": np.c_[enters + remaining, close]}


def _kinds(config, kind) -> pd.Categorical:
    """The kind of each deal (``kind``: position in the case's opportunities.kinds) as the world's code."""
    codes = codes_of(config)
    return labels_of("opportunity_kind", np.array([codes.code("opportunity_kind", k) for k in config.sales.opportunities.kinds])[kind],
                     codes.lists)


def build_deals(context, staff: pd.DataFrame) -> Deals:
    """The ``opportunities``, ``opportunity_history`` and ``truth.opportunities`` tables of a block."""
    cfg, ts, end = context.config.sales.opportunities, context.to_timestamps, context.timeline.observed_end
    kinds = list(cfg.kinds.values())
    rng = context.rng("opportunities")
    cust, start, kind = _open_times(context, rng)
    n = len(cust)
    _, _, d_cust, d_time = _spells(context)
    dissolved_at = next_time_after(d_cust, d_time, cust, start)
    w = _walk(rng, kinds, kind, start, dissolved_at, dissolved_at + cfg.lost_on_churn_days)
    codes = np.c_[np.tile(np.arange(K), (n, 1)), np.where(w["won"], WON, LOST)]
    times = np.c_[w["enters"], w["close"]]
    rows = flatten_steps(np.c_[w["reached"], np.ones(n, bool)] & (times < end), times, codes)
    sort = np.lexsort((rows["step"], rows["object"], rows["time"]))
    rows = {k: v[sort] for k, v in rows.items()}
    oid, step = rows["object"], rows["step"]
    regions = list(words_of(context.config).geography.regions)
    region = region_codes(np.asarray(context.people["region"]), regions)[cust]
    owner = np.zeros(n, dtype=np.int64)
    for k, spec in enumerate(kinds):
        these = np.flatnonzero(kind == k)
        owner[these] = assign_owners(rng, staff, spec.owner_roles, region[these], regions)
    prob = stage_probabilities()
    amount, close_day = w["amounts"][oid, step], np.floor(w["expected_close"][oid, step])
    history = pd.DataFrame({
        "history_id": np.arange(len(oid)), "opportunity_id": oid, "stage": _stage(rows["code"]),
        "amount": amount, "probability": prob[rows["code"]], "close_date": ts(close_day),
        "changed_at": ts(rows["time"]), "changed_by_staff_id": owner[oid], "_customer": cust[oid],
    })
    by_deal = np.lexsort((step, oid))
    last = by_deal[last_in_group(oid[by_deal])]  # every deal has its entry row: created < end
    current = rows["code"][last]
    labels = np.array([k.label for k in kinds])[kind]
    deals = pd.DataFrame({
        "opportunity_id": np.arange(n), "customer_id": cust,
        "name": np.char.add(np.char.add(labels.astype(str), " - "), np.asarray(context.people["last_name"])[cust].astype(str)),
        "kind": _kinds(context.config, kind),
        "stage": _stage(current), "amount": amount[last], "probability": prob[current], "close_date": ts(close_day[last]),
        "is_closed": current >= WON, "is_won": current == WON, "owner_staff_id": owner, "created_at": ts(start), "_customer": cust,
    })
    truth = pd.DataFrame({
        "opportunity_id": np.arange(n), "final_stage": _stage(np.where(w["won"], WON, LOST)), "is_won": w["won"],
        "closed_at": ts(w["close"]), "final_amount": w["amounts"][:, K], "closed_after_window": w["close"] >= end,
        "lost_to_churn": w["churned"], "_customer": cust,
    })
    changes = {"deal": oid, "time": rows["time"], "code": rows["code"], "staff": owner[oid], "customer": cust[oid], "_customer": cust[oid]}
    still = np.flatnonzero(current < WON)
    opened = {"deal": still, "since": rows["time"][last][still], "staff": owner[still], "customer": cust[still], "_customer": cust[still]}
    return Deals({"opportunities": deals, "opportunity_history": history, "truth.opportunities": truth}, changes, opened)


def _stage(codes) -> pd.Categorical:
    return labels_of("opportunity_stage", codes)
