"""Feedback management as an information loop: what comments say, whether their writers come
back, and which CRM process each topic asks to act.

The course counts feedback management among the *analysis* processes: it consolidates what
customers say and shares it with the *delivery* processes (campaign, sales, service and
complaint management) and the *support* processes (market research, loyalty management),
which in turn feed it new records ("and vice versa"). :func:`rating_tone` reads a comment's
tone from the score that came with it (works for any case's words);
:func:`comments_and_return` adds whether the writer ordered again within a year;
:func:`truly_lapsed` adds what the synthetic truth knows (did the relationship end?);
:func:`feedback_loop` routes each topic to the process that can act on it
(:data:`FEEDBACK_ROUTES`).
"""

from __future__ import annotations

__all__ = ["FEEDBACK_ROUTES", "rating_tone", "comments_and_return", "truly_lapsed", "feedback_loop"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

# Comment topic (the kit's feedback_topic codes, the same in every case) -> the CRM process
# (a stage key of crmkit/frameworks/data/crm_processes.yaml) that can act on it, and its group.
# The kit's reading of the course's processes, not a published mapping; a lesson may pass its own.
FEEDBACK_ROUTES = {
    "delivery": ("complaint_management", "delivery"),  # a late order is a service failure to put right
    "damaged_item": ("complaint_management", "delivery"),
    "wrong_item": ("complaint_management", "delivery"),
    "customer_service": ("service_management", "delivery"),  # how the desk answered
    "home_event": ("sales_management", "delivery"),  # the home sales event is where PSCHSE sells
    "website_app": ("sales_management", "delivery"),  # the web shop is a sales channel
    "price": ("campaign_management", "delivery"),  # offers and discounts are set by campaigns
    "product_quality": ("market_research", "support"),  # what to make: outside what the CRM records
    "product_range": ("market_research", "support"),
    "new_product": ("market_research", "support"),
    "loyalty": ("loyalty_management", "support"),
}
# Score -> tone: NPS's usual detractor (0-6), passive (7-8), promoter (9-10) bands; CSAT 1-2
# dissatisfied, 3 neither, 4-5 satisfied (the "satisfied" band of crmkit.analytics.csat).
_NEGATIVE_UP_TO = {"nps": 6, "csat": 2}
_POSITIVE_FROM = {"nps": 9, "csat": 4}


def rating_tone(surveys: pd.DataFrame) -> pd.Series:
    """The tone of each answer from its score, on its own scale: negative, neutral or positive.

    NPS (0-10): 0-6 negative, 7-8 neutral, 9-10 positive. CSAT (1-5): 1-2 negative, 3
    neutral, 4-5 positive. A scale other than these two raises :class:`DataError`.

    Examples
    --------
    >>> s = pd.DataFrame({"kind": ["nps", "nps", "csat", "csat"], "score": [6, 9, 2, 3]})
    >>> rating_tone(s).tolist()
    ['negative', 'positive', 'negative', 'neutral']
    """
    require_columns(surveys, ("kind", "score"), "surveys")
    kind = surveys["kind"].astype(str)
    unknown = sorted(set(kind) - set(_NEGATIVE_UP_TO))
    if unknown:
        raise DataError(f"surveys.kind = {unknown[0]!r}: allowed are {sorted(_NEGATIVE_UP_TO)}")
    low, high = kind.map(_NEGATIVE_UP_TO), kind.map(_POSITIVE_FROM)
    tone = np.select([surveys["score"] <= low, surveys["score"] >= high], ["negative", "positive"], "neutral")
    return pd.Series(tone, index=surveys.index, name="tone")


def _next_event(rows: pd.DataFrame, events: pd.DataFrame, at: str) -> pd.Series:
    """For each row (customer_id, responded_at): the first event time (``at``) of the same
    customer strictly after the answer, NaT if none."""
    left = rows[["customer_id", "responded_at"]].reset_index().sort_values("responded_at")
    right = events[["customer_id", at]].dropna().sort_values(at)
    both = pd.merge_asof(left, right, left_on="responded_at", right_on=at, by="customer_id",
                         direction="forward", allow_exact_matches=False)
    return both.set_index("index")[at].reindex(rows.index)


def comments_and_return(surveys: pd.DataFrame, orders: pd.DataFrame, as_of, days: int = 365,
                        topics: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each comment with its tone, its topic and whether its writer ordered again within ``days``.

    Parameters
    ----------
    surveys : DataFrame
        ``survey_id``, ``customer_id``, ``responded_at``, ``kind``, ``score``, ``comment``
        and (unless ``topics`` is given) the feedback team's tag ``topic``.
    orders : DataFrame
        ``customer_id``, ``ordered_at``.
    as_of : date
        The end of the data. Only comments at least ``days`` before it are kept, so every
        writer had the whole window to come back.
    days : int, default 365
        The window after the comment.
    topics : DataFrame, optional
        ``survey_id`` and ``topic`` from another reading (e.g. :func:`comment_topics`).

    Returns
    -------
    DataFrame
        ``survey_id``, ``customer_id``, ``responded_at``, ``kind``, ``score``, ``tone`` (from
        the score, :func:`rating_tone`), ``topic`` and ``returned`` (an order in the window).

    Examples
    --------
    >>> s = pd.DataFrame({"survey_id": [1, 2], "customer_id": [1, 2], "kind": "csat", "score": [1, 5],
    ...                   "responded_at": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                   "comment": ["late again", "lovely"], "topic": ["delivery", "product_quality"]})
    >>> o = pd.DataFrame({"customer_id": [2], "ordered_at": pd.to_datetime(["2024-06-01"])})
    >>> comments_and_return(s, o, as_of="2025-12-31")[["survey_id", "tone", "topic", "returned"]]
       survey_id      tone            topic  returned
    0          1  negative         delivery     False
    1          2  positive  product_quality      True
    """
    require_columns(surveys, ("survey_id", "customer_id", "responded_at", "kind", "score", "comment"), "surveys")
    require_columns(orders, ("customer_id", "ordered_at"), "orders")
    if not isinstance(days, (int, np.integer)) or days <= 0:
        raise DataError(f"days = {days!r}: must be a whole number of days > 0")
    written = surveys["comment"].notna() & (surveys["comment"].astype(str).str.strip() != "")
    in_time = surveys["responded_at"] <= pd.Timestamp(as_of) - pd.Timedelta(days=days)
    rows = surveys[written & in_time]
    out = rows[["survey_id", "customer_id", "responded_at", "kind", "score"]].assign(tone=rating_tone(rows))
    if topics is None:
        require_columns(surveys, ("topic",), "surveys")
        out["topic"] = rows["topic"].astype(object)
    else:
        require_columns(topics, ("survey_id", "topic"), "topics")
        out["topic"] = out["survey_id"].map(topics.set_index("survey_id")["topic"]).astype(object)
    following = _next_event(out, orders, "ordered_at")
    out["returned"] = (following <= out["responded_at"] + pd.Timedelta(days=days)).to_numpy()
    return out.reset_index(drop=True)


def truly_lapsed(comments: pd.DataFrame, truth_phases: pd.DataFrame, days: int = 365) -> pd.DataFrame:
    """Add ``lapsed``: whether the synthetic truth puts the writer into Dwyer's dissolution phase
    within ``days`` after the comment (the relationship really ended, whatever the orders show).

    ``comments`` comes from :func:`comments_and_return`; ``truth_phases`` is ``truth.phases``
    (``customer_id``, ``phase``, ``started_at``), which no real company holds.
    """
    require_columns(comments, ("customer_id", "responded_at"), "comments")
    require_columns(truth_phases, ("customer_id", "phase", "started_at"), "truth_phases")
    ends = truth_phases[truth_phases["phase"].astype(str) == "dissolution"]
    following = _next_event(comments, ends, "started_at")
    return comments.assign(lapsed=(following <= comments["responded_at"] + pd.Timedelta(days=days)).to_numpy())


def feedback_loop(comments: pd.DataFrame, routes: dict | None = None) -> pd.DataFrame:
    """Per comment topic: how many comments, how many negative, whether their writers came back,
    and the CRM process that should hear about it.

    Parameters
    ----------
    comments : DataFrame
        From :func:`comments_and_return` (``topic``, ``tone``, ``returned``); comments
        without a topic are left out.
    routes : dict, optional
        Topic -> (process, group); default :data:`FEEDBACK_ROUTES`. A topic without a route
        goes to ``"unrouted"``.

    Returns
    -------
    DataFrame
        One row per topic, most negative comments first: ``topic``, ``comments``,
        ``negative``, ``negative_share``, ``returned_after_negative``,
        ``returned_after_other`` (shares; NaN without such comments), ``process`` and ``group``.

    Examples
    --------
    >>> c = pd.DataFrame({"topic": ["delivery", "delivery", "loyalty"], "tone": ["negative", "positive", "negative"],
    ...                   "returned": [False, True, True]})
    >>> feedback_loop(c)[["topic", "negative", "returned_after_negative", "process", "group"]]
          topic  negative  returned_after_negative               process     group
    0  delivery         1                      0.0  complaint_management  delivery
    1   loyalty         1                      1.0    loyalty_management   support
    """
    require_columns(comments, ("topic", "tone", "returned"), "comments")
    routes = FEEDBACK_ROUTES if routes is None else routes
    rows = comments.dropna(subset=["topic"]).assign(topic=lambda c: c["topic"].astype(str),
                                                    negative=lambda c: c["tone"].astype(str) == "negative")
    g = rows.groupby("topic")
    out = pd.DataFrame({"comments": g.size(), "negative": g["negative"].sum().astype(int)})
    out["negative_share"] = out["negative"] / out["comments"]
    out["returned_after_negative"] = rows[rows["negative"]].groupby("topic")["returned"].mean()
    out["returned_after_other"] = rows[~rows["negative"]].groupby("topic")["returned"].mean()
    out["process"] = [routes.get(topic, ("unrouted", "unrouted"))[0] for topic in out.index]
    out["group"] = [routes.get(topic, ("unrouted", "unrouted"))[1] for topic in out.index]
    out = out.reset_index().sort_values(["negative", "topic"], ascending=[False, True], ignore_index=True)
    return out
