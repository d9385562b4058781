"""Service agents' activities on cases: the inbound contact, escalation reviews, follow-ups.

Rows follow the ``activities`` spec of the sales component's dictionary; lead and
opportunity are -1 (none) here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.codes import codes_of
from crmkit.world.parameters import parameter
from crmkit.world.units import HOURS_PER_DAY
from crmkit.world.vocabulary import category_dtype, terms
from crmkit.world.words import mapping, words_of

REVIEW_AFTER = parameter("service_activities", "review_after_hours") / HOURS_PER_DAY  # days
REVIEW_DELAY = parameter("service_activities", "review_delay_days")
CALL_SHARE = parameter("service_activities", "follow_up_call_share")


def _subjects(prefix: str, reason: np.ndarray, words: dict[str, str]) -> np.ndarray:
    """``prefix: <the case's words for the reason>`` for each reason code (``words`` in code order)."""
    labels = np.array([f"{prefix}: {text}" for text in words.values()], dtype=object)
    return labels[reason]


def _reason_words(config) -> dict[str, str]:
    """The world's words for each of its case reasons, in the order of its codes."""
    words = words_of(config).reasons
    return {r: words[r] for r in codes_of(config).case_reason}


def _part(rows, kind, direction, status, due, done, subject) -> dict:
    n = len(rows)
    return {"case": rows, "kind": np.broadcast_to(np.asarray(kind, dtype=object), n),
            "direction": np.full(n, direction, dtype=object), "status": np.full(n, status, dtype=object),
            "due": due, "done": done, "subject": subject}


def activity_rows(cases, end: float, rng, reasons: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """Activities of the block's cases, sorted by due time.

    In: cases (time, closed, origin, reason, escalated, fcr, complaint, owner...) and the
    case's words for each reason, in the order of its codes (the kit's when absent). Out: arrays case, kind,
    direction, status, due, done (days; NaN when not done), subject.
    """
    reasons = reasons or _reason_words(None)
    opened, closed = cases["time"], cases["closed"]
    kinds = np.array([mapping("activity_of_case_origin")[o] for o in terms("case_origin")], dtype=object)
    everyone = np.arange(len(opened))
    reason = cases["reason"]
    opening = np.where(cases["complaint"], _subjects("Complaint", reason, reasons), _subjects("Request", reason, reasons))
    parts = [_part(everyone, kinds[cases["origin"]], "inbound", "done", opened, opened, opening)]
    esc = np.flatnonzero(cases["escalated"])
    review = opened[esc] + REVIEW_AFTER + rng.exponential(REVIEW_DELAY, len(esc))
    review_done = review < np.nan_to_num(closed[esc], nan=end)
    esc, review = esc[review_done], review[review_done]
    parts.append(_part(esc, "task", "internal", "done", review, review, _subjects("Escalation review", reason[esc], reasons)))
    follow = np.flatnonzero(~cases["fcr"] & ~np.isnan(closed))
    kind = np.where(rng.random(len(follow)) < CALL_SHARE, "call", "email").astype(object)
    parts.append(_part(follow, kind, "outbound", "done", closed[follow], closed[follow], _subjects("Resolution", reason[follow], reasons)))
    pending = np.flatnonzero(np.isnan(closed))
    due = opened[pending] + 1.0
    ok = due < end  # a follow-up planned inside the window, not yet done at its end
    pending, due = pending[ok], due[ok]
    parts.append(_part(pending, "task", "outbound", "planned", due, np.full(len(due), np.nan), _subjects("Follow up", reason[pending], reasons)))
    rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((rows["case"], rows["due"]))
    return {k: v[order] for k, v in rows.items()}


def _category(labels: np.ndarray, vocabulary: str) -> pd.Categorical:
    # Typed here, like the sales activities, so the two parts concatenate as categoricals.
    return pd.Categorical(labels, dtype=category_dtype(vocabulary))


def activities_frame(context, cases, rng) -> pd.DataFrame:
    """The ``activities`` rows (columns of the sales dictionary's spec, local ids, ``_customer``)."""
    a = activity_rows(cases, context.timeline.observed_end, rng, _reason_words(context.config))
    a = {k: v[cases["owner"][a["case"]] >= 0] for k, v in a.items()}  # no agent in the region: nobody logs it
    ts = context.to_timestamps
    customer = cases["customer"][a["case"]]
    n = len(customer)
    return pd.DataFrame({
        "activity_id": np.arange(n, dtype=np.int64), "staff_id": cases["owner"][a["case"]], "customer_id": customer,
        "lead_id": np.full(n, -1, dtype=np.int64), "opportunity_id": np.full(n, -1, dtype=np.int64), "case_id": a["case"],
        "kind": _category(a["kind"], "activity_kind"), "direction": _category(a["direction"], "activity_direction"),
        "status": _category(a["status"], "activity_status"), "due_at": ts(a["due"]), "done_at": ts(a["done"]),
        "subject": a["subject"], "_customer": customer,
    })

