"""Leads and their status history: converted leads (some of the block's customers) and the
prospects of each source who never converted, with a hidden quality that drives conversion.

A source converts a share ``r`` of its leads and conversion is proportional to quality
(``P(convert | q) = c * q`` with ``c = r / E[q]``), so with a Beta(a, b) quality the converted
leads' quality is Beta(a + 1, b) and the others' a mixture of Beta(a, b) and Beta(a, b + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.world.arrays import TRUTH_DECIMALS
from crmkit.world.codes import codes_of, lists_of
from crmkit.world.ops.sales_common import assign_owners, flatten_steps, last_in_group, previous_in_group, region_codes
from crmkit.world.parameters import parameter
from crmkit.world.people import PersonaTable
from crmkit.world.vocabulary import labels_of, terms
from crmkit.world.words import words_of

HOT_FROM, COLD_BELOW = parameter("sales_leads", "hot_from"), parameter("sales_leads", "cold_below")  # rating thresholds
WORKING_WITHIN = parameter("sales_leads", "working_within_share")  # shares of a lead's life, see parameters.yaml
NURTURING_FROM, NURTURING_SPREAD = parameter("sales_leads", "nurturing_from_share"), parameter("sales_leads", "nurturing_spread_share")
QUALIFIED_FROM, QUALIFIED_SPREAD = parameter("sales_leads", "qualified_from_share"), parameter("sales_leads", "qualified_spread_share")
NEW, WORKING, NURTURING, QUALIFIED, UNQUALIFIED, CONVERTED = range(len(terms("lead_status")))  # vocabulary lead_status order
STEPS = (NEW, WORKING, NURTURING, QUALIFIED, UNQUALIFIED)  # a lead's steps; the last closes it (unqualified or converted)


@dataclass
class Leads:
    """The leads' tables plus what the activities need: every observed status change
    (``changes``) and the leads still open at the end (``open``), as arrays."""

    tables: dict[str, pd.DataFrame]
    changes: dict[str, np.ndarray]
    open: dict[str, np.ndarray]


def _cats(vocab: str, codes) -> pd.Categorical:
    return labels_of(vocab, codes)


def _lead_sources(config, source) -> pd.Categorical:
    """The lead source of each lead (``source``: position in the case's leads.sources) as the world's code."""
    codes = codes_of(config)
    return labels_of("lead_source", np.array([codes.code("lead_source", s) for s in config.sales.leads.sources])[source],
                     lists_of(config))


def _draw_leads(context) -> dict[str, np.ndarray]:
    """Who the leads are: source, customer (or prospect), acquisition source, conversion time."""
    config, people, n = context.config, context.people, context.block.size
    cfg = config.sales.leads
    rng = context.rng("leads")
    sources, codes = list(cfg.sources.values()), codes_of(config)  # the world's own acquisition sources
    source_of_acq = np.full(len(codes.acquisition_source), -1)
    for i, src in enumerate(sources):
        source_of_acq[[codes.code("acquisition_source", a) for a in src.acquisition_sources]] = i
    share = np.array([s.lead_share for s in sources])
    rate = np.array([s.conversion_rate for s in sources])
    src = source_of_acq[people["acquisition_source"]]
    customers = np.flatnonzero((src >= 0) & (rng.random(n) < share[np.maximum(src, 0)]))
    # Prospects: as many as make each source convert at its rate (in expectation, per block size).
    personas = PersonaTable.of(config)
    acq_prob = personas.weights @ personas.source_probs
    expected = n * share * np.array([acq_prob[source_of_acq == i].sum() for i in range(len(sources))])
    count = rng.poisson(expected * (1 - rate) / rate)
    p_src = np.repeat(np.arange(len(sources)), count)
    p_cust = rng.integers(0, n, len(p_src))
    p_acq = np.zeros(len(p_src), dtype=np.int64)
    for i, s in enumerate(sources):
        rows = np.flatnonzero(p_src == i)
        acq = np.array([codes.code("acquisition_source", a) for a in s.acquisition_sources])
        p_acq[rows] = acq[rng.integers(0, len(acq), len(rows))]
    converted = np.r_[np.ones(len(customers), bool), np.zeros(len(p_src), bool)]
    cust = np.r_[customers, p_cust]
    source = np.r_[src[customers], p_src]
    signup = people["signup"][cust]
    lag = rng.exponential(np.array([s.days_before_signup for s in sources])[source])
    return {"source": source, "customer": cust, "converted": converted, "created": np.maximum(signup - lag, 0.0),
            "converts_at": np.where(converted, signup, np.nan), "acq": np.r_[people["acquisition_source"][customers], p_acq]}


def _quality(rng, cfg, source, converted) -> tuple[np.ndarray, np.ndarray]:
    """Hidden quality and true conversion probability, drawn given the outcome (see the module)."""
    a, b = cfg.quality_mean * cfg.quality_concentration, (1 - cfg.quality_mean) * cfg.quality_concentration
    c = np.array([s.conversion_rate for s in cfg.sources.values()])[source] / cfg.quality_mean
    plain = (1 - c) / ((1 - c) + c * b / (a + b))  # weight of Beta(a, b) in the non-converters' mixture
    q = np.where(converted, rng.beta(a + 1, b, len(source)),
                 np.where(rng.random(len(source)) < plain, rng.beta(a, b, len(source)), rng.beta(a, b + 1, len(source))))
    return q, c * q


def _steps(rng, cfg, d, quality) -> tuple[np.ndarray, np.ndarray]:
    """Times (leads x 5 steps: new, working, nurturing, qualified, closing) and which steps happen."""
    m = len(d["created"])
    created, conv = d["created"], d["converted"]
    span = np.where(conv, d["converts_at"] - created, rng.exponential(cfg.unconverted_life_days, m))
    u = rng.random((m, 3))  # fixed: three uniforms per lead (nurturing and qualifying times, qualified or not)
    working = created + np.minimum(rng.exponential(cfg.working_after_days, m), WORKING_WITHIN * span)
    times = np.column_stack([created, working, created + span * (NURTURING_FROM + NURTURING_SPREAD * u[:, 0]),
                             created + span * (QUALIFIED_FROM + QUALIFIED_SPREAD * u[:, 1]), created + span])
    happens = np.ones((m, len(STEPS)), bool)
    happens[:, NURTURING] = rng.random(m) < cfg.nurturing_share
    happens[:, QUALIFIED] = conv | (u[:, 2] < quality)  # better prospects get qualified more often, converted or not
    return times, happens


def build_leads(context, staff: pd.DataFrame) -> Leads:
    """The ``leads``, ``lead_history`` and ``truth.leads`` tables of a block (local ids, ``_customer``)."""
    cfg, ts, end = context.config.sales.leads, context.to_timestamps, context.timeline.observed_end
    rng = context.rng("lead_history")
    d = _draw_leads(context)
    order = np.lexsort((d["customer"], d["created"]))  # lead ids in order of creation
    d = {k: v[order] for k, v in d.items()}
    m = len(order)
    quality, p_convert = _quality(rng, cfg, d["source"], d["converted"])
    regions = list(words_of(context.config).geography.regions)
    region = region_codes(np.asarray(context.people["region"]), regions)[d["customer"]]
    owner = np.zeros(m, dtype=np.int64)
    for i, src in enumerate(cfg.sources.values()):
        rows = np.flatnonzero(d["source"] == i)
        owner[rows] = assign_owners(rng, staff, src.owner_roles, region[rows], regions)
    times, happens = _steps(rng, cfg, d, quality)
    codes = np.tile(STEPS, (m, 1))
    codes[d["converted"], len(STEPS) - 1] = CONVERTED
    rows = flatten_steps(happens & (times < end), times, codes)
    sort = np.lexsort((rows["step"], rows["object"], rows["time"]))
    rows = {k: v[sort] for k, v in rows.items()}
    by_lead = np.lexsort((rows["step"], rows["object"]))
    current = np.full(m, NEW)
    current[rows["object"][by_lead][last_in_group(rows["object"][by_lead])]] = rows["code"][by_lead][last_in_group(rows["object"][by_lead])]
    previous = np.empty(len(sort), dtype=np.int64)
    previous[by_lead] = previous_in_group(rows["object"][by_lead], rows["code"][by_lead], -1)
    score = quality + cfg.rating_noise * rng.standard_normal(m)
    rating = np.where(score >= HOT_FROM, 0, np.where(score < COLD_BELOW, 2, 1))
    lead_cust = np.where(d["converted"], d["customer"], -1)
    leads = pd.DataFrame({
        "lead_id": np.arange(m), "created_at": ts(d["created"]),
        "lead_source": _lead_sources(context.config, d["source"]),
        "campaign_id": _campaigns(context, d["created"], d["acq"]), "status": _cats("lead_status", current),
        "rating": _cats("lead_rating", rating), "owner_staff_id": owner,
        "region": pd.array(np.array(regions, dtype=object)[region], dtype="str"),
        "converted_at": ts(d["converts_at"]), "converted_customer_id": lead_cust, "_customer": d["customer"],
    })
    lid = rows["object"]
    history = pd.DataFrame({
        "history_id": np.arange(len(lid)), "lead_id": lid, "from_status": _cats("lead_status", previous),
        "to_status": _cats("lead_status", rows["code"]), "changed_at": ts(rows["time"]),
        "changed_by_staff_id": owner[lid], "_customer": d["customer"][lid],
    })
    truth = pd.DataFrame({"lead_id": np.arange(m), "quality": np.round(quality, TRUTH_DECIMALS),
                          "conversion_probability": np.round(p_convert, TRUTH_DECIMALS), "would_convert": d["converted"],
                          "_customer": d["customer"]})
    changes = {"lead": lid, "time": rows["time"], "code": rows["code"], "staff": owner[lid], "_customer": d["customer"][lid],
               "customer": np.where(rows["time"] >= np.nan_to_num(d["converts_at"][lid], nan=np.inf), lead_cust[lid], -1)}
    still_open = np.flatnonzero(~np.isin(current, [UNQUALIFIED, CONVERTED]))
    last_change = np.zeros(m)
    last_change[lid] = rows["time"]  # rows are in time order: the last assignment is the latest change
    opened = {"lead": still_open, "since": last_change[still_open], "staff": owner[still_open], "_customer": d["customer"][still_open]}
    return Leads({"leads": leads, "lead_history": history, "truth.leads": truth}, changes, opened)


def _campaigns(context, created, acq) -> np.ndarray:
    """The acquisition campaign running through the lead's source when it was captured (-1: none)."""
    out = np.full(len(created), -1, dtype=np.int64)
    for i, c in reversed(list(enumerate(context.config.campaigns.plan))):
        if c.objective != "acquisition":
            continue
        start = context.timeline.days_of(c.start_date)
        sources = [codes_of(context.config).code("acquisition_source", s) for s in c.sources]
        hit = (created >= start) & (created < start + c.days) & np.isin(acq, sources)
        out[hit] = i
    return out
