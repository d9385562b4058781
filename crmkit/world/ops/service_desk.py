"""The service desk and feedback: cases, the agents' activities on them, and survey answers.

Complaints come from the orders that went wrong and that the customer contacted service
about (the core's ``service_contact`` interactions); whether they were put right is the
order's ``recovered`` flag that the lifecycle already used for churn, so an unresolved
complaint means a low satisfaction and a higher churn risk, a resolved one the opposite.
Ordinary requests come at a rate per persona while the relationship is alive. The service
level lever sets how fast cases close and how satisfied customers are with them.

>>> import crmkit as ck
>>> w = ck.simulate("pschse", customers=300, seed=3)
>>> bool((w.cases.closed_at.dropna() > w.cases.opened_at[w.cases.closed_at.notna()]).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.codes import lists_of
from crmkit.world.ops.service_config import ServiceDeskConfig
from crmkit.world.vocabulary import category_dtype, labels_of

__all__ = ["ServiceDeskConfig", "simulate", "check"]


def _labels(vocab: str, codes, lists=None) -> pd.Categorical:
    return labels_of(vocab, codes, lists)


def simulate(context) -> dict[str, pd.DataFrame]:
    """Tables ``cases``, ``surveys``, ``activities`` (when the dictionary has it) and the truth
    ``truth.cases`` and ``truth.surveys`` of one block, local ids; nothing without the section."""
    # Imported here: the config module imports this one for ServiceDeskConfig.
    from crmkit.world.dictionary import observed_tables
    from crmkit.world.ops.feedback import surveys as survey_rows
    from crmkit.world.ops.service_activities import activities_frame
    from crmkit.world.ops.service_cases import all_cases
    from crmkit.world.ops.service_history import History

    if context.config.service_desk is None:
        return {}
    history = History.of(context)
    cases = all_cases(context, history, context.rng("service_cases"))
    answers = survey_rows(context, history, cases, context.rng("surveys"))
    csat = np.full(len(cases["time"]), -1, dtype=np.int64)
    after_case = answers["case"] >= 0
    csat[answers["case"][after_case]] = answers["score"][after_case]
    lists = lists_of(context.config)  # the world's own case reasons and feedback topics
    out = {"cases": _cases_frame(context, cases, csat), "surveys": _surveys_frame(context, answers)}
    out["truth.cases"] = pd.DataFrame({
        "case_id": np.arange(len(csat)), "customer_id": cases["customer"], "true_cause": _labels("case_reason", cases["true_cause"], lists),
        "resolved_well": cases["resolved"], "_customer": cases["customer"]})
    out["truth.surveys"] = pd.DataFrame({
        "survey_id": np.arange(len(answers["time"])), "customer_id": answers["customer"], "topic": _labels("feedback_topic", answers["topic"], lists),
        "sentiment": answers["sentiment"], "sentiment_label": _labels("feedback_sentiment", answers["label"]),
        "_customer": answers["customer"]})
    if "activities" in observed_tables() and context.config.staff is not None:
        out["activities"] = activities_frame(context, cases, context.rng("service_activities"))
    return out


def _cases_frame(context, c, csat) -> pd.DataFrame:
    ts = context.to_timestamps
    return pd.DataFrame({
        "case_id": np.arange(len(csat), dtype=np.int64), "customer_id": c["customer"], "order_id": c["order"],
        "opened_at": ts(c["time"]), "closed_at": ts(c["closed"]), "origin": _labels("case_origin", c["origin"]),
        "reason": _labels("case_reason", c["reason"], lists_of(context.config)), "priority": _labels("case_priority", c["priority"]),
        "status": _labels("case_status", c["status"]), "escalated": c["escalated"], "is_complaint": c["complaint"],
        "first_contact_resolution": c["fcr"], "csat": pd.arrays.IntegerArray(np.maximum(csat, 0), csat <= 0),
        "owner_staff_id": c["owner"], "_customer": c["customer"],
    })


def _surveys_frame(context, r) -> pd.DataFrame:
    tag = pd.Categorical.from_codes(r["tag"], dtype=category_dtype("feedback_topic", lists_of(context.config)))  # -1: no comment, no tag
    return pd.DataFrame({
        "survey_id": np.arange(len(r["time"]), dtype=np.int64), "customer_id": r["customer"],
        "responded_at": context.to_timestamps(r["time"]), "kind": _labels("survey_kind", r["kind"]),
        "trigger": _labels("survey_trigger", r["trigger"]), "score": r["score"], "comment": r["comment"], "topic": tag,
        "case_id": r["case"].astype(np.int64), "order_id": r["order"].astype(np.int64), "_customer": r["customer"],
    })


def check(world) -> list[str]:
    """Breaches of the service desk's consistency rules, in words (see :mod:`service_checks`)."""
    from crmkit.world.ops import service_checks

    return service_checks.check(world)
