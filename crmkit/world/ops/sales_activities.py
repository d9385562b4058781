"""Activities on leads and deals: one call, email, meeting or task per status or stage
change (done, or now and then cancelled), and a planned follow-up on some items still open
at the end of the window. The service desk adds its own activities on cases to the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from crmkit.world.arrays import last_time_before, take_text
from crmkit.world.vocabulary import code_of, labels_of, terms
from crmkit.world.words import words_of

LATE_DAYS = 1.0  # invented: a done activity was due up to a day before it was logged


def _pick(rng, mix: dict[str, float], n: int) -> np.ndarray:
    """Activity kind codes drawn from a mix over vocabulary ``activity_kind``."""
    weights = np.array([mix.get(k, 0.0) for k in terms("activity_kind")])
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def subject_pool(subjects: dict[str, dict[str, list[str]]]) -> pa.Array:
    """Every subject of the world's ``words.sales_subjects``, by object then activity kind."""
    return pa.array([s for obj in subjects.values() for k in terms("activity_kind") for s in obj[k]])


def _subjects(rng, subjects: dict, obj: str, kind: np.ndarray) -> np.ndarray:
    """Positions in :func:`subject_pool` of a subject for each activity of ``kind`` on a lead or deal."""
    sizes = np.array([len(subjects[o][k]) for o in subjects for k in terms("activity_kind")])
    first = np.r_[0, np.cumsum(sizes)[:-1]].reshape(len(subjects), -1)[list(subjects).index(obj)]
    size = sizes.reshape(len(subjects), -1)[list(subjects).index(obj)]
    return first[kind] + (rng.random(len(kind)) * size[kind]).astype(np.int64)


def _direction(rng, cfg, a: dict, alive) -> np.ndarray:
    """Tasks are internal; others inbound now and then, but only from someone still a customer
    (or a prospect not yet one): customers act only while their relationship is alive."""
    inbound = (rng.random(len(a["kind"])) < cfg.inbound_share) & (a["kind"] != code_of("activity_kind", "task"))
    ask = np.flatnonzero(inbound & (a["customer"] >= 0))
    inbound[ask] = alive(a["customer"][ask], np.where(np.isnan(a["done"][ask]), a["due"][ask], a["done"][ask]))
    out = np.where(inbound, code_of("activity_direction", "inbound"), code_of("activity_direction", "outbound"))
    return np.where(a["kind"] == code_of("activity_kind", "task"), code_of("activity_direction", "internal"), out)


def _part(rng, cfg, obj, mix, rows, planned: bool, subjects: dict) -> dict[str, np.ndarray]:
    n = len(rows["time"])
    kind = _pick(rng, mix, n)
    customer = rows["customer"]
    if planned:  # a follow-up due between the last change and the end of the window
        status = np.full(n, code_of("activity_status", "planned"))
        due, done = rows["time"], np.full(n, np.nan)
    else:
        cancelled = rng.random(n) < cfg.cancelled_share
        status = np.where(cancelled, code_of("activity_status", "cancelled"), code_of("activity_status", "done"))
        due = np.where(cancelled, rows["time"], np.maximum(rows["time"] - LATE_DAYS * rng.random(n), 0.0))
        done = np.where(cancelled, np.nan, rows["time"])
    return {"staff": rows["staff"], "customer": customer, "lead": rows.get("lead", np.full(n, -1)),
            "deal": rows.get("deal", np.full(n, -1)), "kind": kind, "status": status,
            "due": due, "done": done, "subject": _subjects(rng, subjects, obj, kind), "_customer": rows["_customer"]}


def _follow_ups(rng, cfg, items: dict, end: float) -> dict[str, np.ndarray]:
    keep = rng.random(len(items["since"])) < cfg.follow_up_share
    rows = {k: v[keep] for k, v in items.items()}
    rows["time"] = rows["since"] + rng.random(keep.sum()) * (end - rows["since"])
    rows.setdefault("customer", np.full(keep.sum(), -1))
    return rows


def build_activities(context, leads, deals) -> pd.DataFrame:
    """The sales part of the ``activities`` table (local ids, ``_customer``), ordered by due time."""
    cfg, end, ts = context.config.sales.activities, context.timeline.observed_end, context.to_timestamps
    rng = context.rng("activities")
    phases = context.phases
    opened = phases["phase"] == code_of("phase", "exploration")
    gone = phases["phase"] == code_of("phase", "dissolution")

    def alive(customer, time):
        return (last_time_before(phases["customer"][opened], phases["time"][opened], customer, time)
                > last_time_before(phases["customer"][gone], phases["time"][gone], customer, time))

    worked = leads.changes["code"] != code_of("lead_status", "new")  # creation is not an activity
    lead_rows = {k: v[worked] for k, v in leads.changes.items()}
    subjects = words_of(context.config).sales_subjects
    parts = [
        _part(rng, cfg, "lead", cfg.lead_kinds, lead_rows, False, subjects),
        _part(rng, cfg, "deal", cfg.deal_kinds, deals.changes, False, subjects),
        _part(rng, cfg, "lead", cfg.lead_kinds, _follow_ups(rng, cfg, leads.open, end), True, subjects),
        _part(rng, cfg, "deal", cfg.deal_kinds, _follow_ups(rng, cfg, deals.open, end), True, subjects),
    ]
    a = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((a["_customer"], a["due"]))
    a = {k: v[order] for k, v in a.items()}
    a["direction"] = _direction(rng, cfg, a, alive)
    n = len(order)
    cat = labels_of
    return pd.DataFrame({
        "activity_id": np.arange(n), "staff_id": a["staff"], "customer_id": a["customer"], "lead_id": a["lead"],
        "opportunity_id": a["deal"], "case_id": np.full(n, -1, dtype=np.int64),
        "kind": cat("activity_kind", a["kind"]), "direction": cat("activity_direction", a["direction"]),
        "status": cat("activity_status", a["status"]), "due_at": ts(a["due"]), "done_at": ts(a["done"]),
        "subject": take_text(subject_pool(subjects), a["subject"]), "_customer": a["_customer"],
    })
