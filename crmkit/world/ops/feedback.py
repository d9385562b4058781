"""Surveys: NPS and CSAT answers after orders, events and cases, and periodic relationship NPS.

A response's score follows how the relationship really stands when the customer answers
(minus the log of the true churn hazard: persona, phase, recovered issues and the fading
grievance of issues not put right; see :mod:`crmkit.world.ops.service_history`) plus what
the survey is about (a failed order, a home event, a case put right or not). So NPS
predicts churn in the hold-out period. The comment's topic and tone follow the same
experience; the truth keeps both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from crmkit.world.arrays import TINY
from crmkit.world.codes import codes_of
from crmkit.world.ops.feedback_phrases import build_comments
from crmkit.world.ops.service_cases import desk_level
from crmkit.world.ops.service_checks import SCORE_RANGE
from crmkit.world.parameters import parameter
from crmkit.world.vocabulary import code_of, terms
from crmkit.world.words import words_of

NEUTRAL_BAND = parameter("feedback", "neutral_band")  # |true sentiment| below this reads as neutral
SENTIMENT_SCALE, ANSWER_NOISE = parameter("feedback", "sentiment_scale"), parameter("feedback", "answer_noise")
GRIEVANCE_TOPIC_FROM = parameter("feedback", "grievance_topic_from")
CASE_SURVEY_DELAY = parameter("feedback", "case_survey_delay_days")
ORDER_SURVEY_SENT_AFTER, ORDER_SURVEY_DELAY = (parameter("feedback", n) for n in ("order_survey_sent_after_days", "order_survey_delay_days"))
RELATIONSHIP_DELAY, RELATIONSHIP_DELAY_CAP = (parameter("feedback", n) for n in ("relationship_delay_days", "relationship_delay_cap_days"))
SENTIMENT_DECIMALS = 4  # fixed: the printed precision of the truth's sentiment


@dataclass(frozen=True)
class Topics:
    """The world's topic codes the surveys use: after each service issue, and by role."""

    of_issue: np.ndarray  # topic code by service issue code (0 for the first, no issue)
    reason_of_issue: np.ndarray  # complaint reason code by service issue code (failures only)
    service: int
    event: int
    new_product: int
    loyalty: int

    @classmethod
    def of(cls, config) -> Topics:
        codes = codes_of(config)
        issues = codes.service_issue[1:]  # the first is none
        topic = functools.partial(codes.code, "feedback_topic")
        r = codes.roles
        return cls(np.array([0] + [topic(codes.topic_of_issue[i]) for i in issues]),
                   np.array([codes.code("case_reason", codes.reason_of_issue[i]) for i in issues]),
                   topic(r.service_topic), topic(r.event_topic), topic(r.new_product_topic), topic(r.loyalty_topic))


def _general_topics(rng, n, config) -> np.ndarray:
    loyalty = codes_of(config).roles.loyalty_topic
    names = [t for t in words_of(config).general_topics if t != loyalty or config.loyalty.enabled]
    codes = np.array([codes_of(config).code("feedback_topic", t) for t in names])
    return codes[rng.integers(0, len(codes), n)]


def _responses(**arrays) -> dict[str, np.ndarray]:
    n = len(arrays["customer"])
    return {k: np.broadcast_to(v, n).copy() if np.ndim(v) == 0 else v for k, v in arrays.items()}


def after_cases(context, cases, rng) -> dict[str, np.ndarray]:
    """CSAT answers to the survey sent when a case closes."""
    cfg, level = context.config.service_desk, desk_level(context.config)
    s = cfg.surveys
    rows = np.flatnonzero(~np.isnan(cases["closed"]) & (rng.random(len(cases["time"])) < s.after_case_rate))
    base = np.where(cases["resolved"][rows], s.case_csat_resolved, s.case_csat_unresolved) + level.csat_shift
    effect = (base - s.csat_mean) / max(s.csat_weight, TINY)
    unresolved_complaint = cases["complaint"][rows] & ~cases["resolved"][rows]
    true_cause, topics = cases["true_cause"][rows], Topics.of(context.config)
    issue_topic = np.select([true_cause == r for r in topics.reason_of_issue], list(topics.of_issue[1:]), topics.service)
    return _responses(customer=cases["customer"][rows], time=cases["closed"][rows] + rng.exponential(CASE_SURVEY_DELAY, len(rows)),
                      kind=code_of("survey_kind", "csat"), trigger=code_of("survey_trigger", "after_case"), effect=effect,
                      topic=np.where(unresolved_complaint, issue_topic, topics.service), case=rows, order=-1)


def after_orders(context, rng) -> dict[str, np.ndarray]:
    """Answers to the survey sent after an order (CSAT after an event)."""
    cfg, o = context.config, context.orders
    s = cfg.service_desk.surveys
    rows = np.flatnonzero(context.observed & (rng.random(len(o["time"])) < s.after_order_rate))
    issue, recovered = o["issue"][rows], o["recovered"][rows]
    codes = codes_of(cfg)  # the order channel of an event is a role of the world's codes (none: no events)
    event_channel = codes.roles.event_order_channel
    event = o["channel"][rows] == (codes.code("order_channel", event_channel) if event_channel is not None else -1)
    effect = np.where(issue > 0, np.where(recovered, s.recovered_order, s.unrecovered_order), 0.0) + np.where(event, s.event_order, 0.0)
    new, topics = _has_new_product(context)[context.order_id[rows]], Topics.of(cfg)
    topic = np.select([(issue > 0) & ~recovered, issue > 0, event, new],
                      [topics.of_issue[issue], topics.service, topics.event, topics.new_product],
                      _general_topics(rng, len(rows), cfg))
    nps = ~event & (rng.random(len(rows)) < s.after_order_nps_share)
    return _responses(customer=o["customer"][rows], time=o["time"][rows] + ORDER_SURVEY_SENT_AFTER + rng.exponential(ORDER_SURVEY_DELAY, len(rows)),
                      kind=np.where(nps, code_of("survey_kind", "nps"), code_of("survey_kind", "csat")),
                      trigger=np.where(event, code_of("survey_trigger", "after_event"), code_of("survey_trigger", "after_order")),
                      effect=effect, topic=topic, case=-1, order=context.order_id[rows])


def _has_new_product(context) -> np.ndarray:
    """For each local order id: whether the order holds a product launched during the world."""
    items = context.frames["order_items"]
    launched = np.array([p.launched_on is not None for p in context.config.products.items])
    hit = launched[items["product_id"].to_numpy()]
    return np.bincount(items["order_id"].to_numpy()[hit], minlength=int((context.order_id >= 0).sum())) > 0


def relationship(context, history, rng) -> dict[str, np.ndarray]:
    """Periodic relationship NPS: every few months a share of live customers answers."""
    cfg, t = context.config, context.timeline
    s = cfg.service_desk.surveys
    waves = t.month_starts[s.relationship_every_months:t.observed_months:s.relationship_every_months]
    n = context.block.size
    who = [np.flatnonzero(rng.random(n) < s.relationship_rate) for _ in waves]
    customer = np.concatenate(who) if who else np.zeros(0, np.int64)
    sent = np.repeat(waves, [len(w) for w in who])
    time = sent + np.minimum(rng.exponential(RELATIONSHIP_DELAY, len(customer)), RELATIONSHIP_DELAY_CAP)
    grievance, recovered, latest = history.grievance_at(customer, time)
    topics = Topics.of(cfg)
    topic = np.select([grievance > GRIEVANCE_TOPIC_FROM, recovered], [topics.of_issue[latest], topics.service], _general_topics(rng, len(customer), cfg))
    return _responses(customer=customer, time=time, kind=code_of("survey_kind", "nps"), trigger=code_of("survey_trigger", "relationship"),
                      effect=0.0, topic=topic, case=-1, order=-1)


def score(context, history, r, rng) -> dict[str, np.ndarray]:
    """Keep answers given while alive in the window, sorted by time; add score, sentiment, comment."""
    keep = (r["time"] < context.timeline.observed_end) & history.alive(r["customer"], r["time"])
    order = np.lexsort((r["customer"][keep], r["time"][keep]))
    r = {k: v[keep][order] for k, v in r.items()}
    s, c = context.config.service_desk.surveys, context.config.service_desk.comments
    n = len(r["time"])
    satisfaction, _, _ = history.satisfaction(context.people, r["customer"], r["time"])
    feeling = satisfaction + r["effect"] + s.score_noise * rng.standard_normal(n)
    answer = feeling + ANSWER_NOISE * rng.standard_normal(n)  # a score is a rough reading of the feeling
    nps = r["kind"] == code_of("survey_kind", "nps")
    r["score"] = np.where(nps, np.clip(np.round(s.nps_mean + s.nps_weight * answer), *SCORE_RANGE["nps"]),
                          np.clip(np.round(s.csat_mean + s.csat_weight * answer), *SCORE_RANGE["csat"])).astype(np.int64)
    r["sentiment"] = np.round(np.tanh(feeling / SENTIMENT_SCALE), SENTIMENT_DECIMALS)
    r["label"] = np.digitize(r["sentiment"], [-NEUTRAL_BAND, NEUTRAL_BAND])
    rate = np.array([c.rate.get(x, 0.0) for x in terms("feedback_sentiment")])[r["label"]]
    commented = rng.random(n) < rate
    r["comment"] = np.where(commented, None, None).astype(object)
    topics = codes_of(context.config).feedback_topic
    r["comment"][commented] = build_comments(rng, r["topic"][commented], r["label"][commented], c.lowercase, c.typo,
                                                 words_of(context.config), topics)
    tagged = np.where(rng.random(n) < c.mistagged, rng.integers(0, len(topics), n), r["topic"])
    r["tag"] = np.where(commented, tagged, -1)
    return r


def surveys(context, history, cases, rng) -> dict[str, np.ndarray]:
    """Every survey response of the block (see :func:`score` for the columns added)."""
    parts = [after_cases(context, cases, rng), after_orders(context, rng), relationship(context, history, rng)]
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return score(context, history, joined, rng)
