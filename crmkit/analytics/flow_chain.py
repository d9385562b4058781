"""The flow model as one chain: identify and predict on the customer master's rows.

:func:`~crmkit.analytics.run_flow` identifies the best customers and predicts value on the
world's ``customer_id``, a clean key the simulator gives every order. A company has no such
key before its master is built: each source system holds its own records of people.
:func:`master_chain` carries the chain on from the *store* stage: every order is booked on a
record of the source system of its channel (:func:`~crmkit.analytics.flow_views.orders_by_record`;
the world does not say which record an order was typed on, so the truth's record owners
stand in for what each system would hold), keyed by the master row that record was resolved
into, and the identify and predict stages run on those rows. The truth is read once more, to
score the predictions: what each person really bought in the hold-out year.

:func:`collect_feedback` is the *collect* stage for what customers say: survey answers and
their comments, per kind of survey and what triggered it.
"""

from __future__ import annotations

__all__ = ["segment_stage", "master_links", "master_orders", "master_holdout", "MasterChain", "master_chain", "collect_feedback",
           "feedback_by_segment"]

from dataclasses import dataclass

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.value import probabilistic_clv
from crmkit.analytics.flow import identify_best
from crmkit.analytics.flow_views import orders_by_record
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.analytics.segments import behaviour_features, segment_customers
from crmkit.analytics.value_scoring import score_value, value_baselines
from crmkit.errors import DataError, describe_allowed


def segment_stage(world, segments: int = 4, seed: int = 0, as_of=None) -> pd.DataFrame:
    """The segment stage of :func:`~crmkit.analytics.run_flow` on its own: the customers known
    by ``as_of`` (default: the end of the observation window) in ``segments`` k-means groups.
    The same arguments give the same segments as ``run_flow(world, segments=..., seed=...)``."""
    as_of = world.observed_until if as_of is None else pd.Timestamp(as_of)
    known = world.customers[world.customers["signup_date"] <= as_of]
    features = behaviour_features(known, world.orders, world.order_items, world.products, world.interactions, as_of)
    return segment_customers(features, k=segments, seed=seed)


def master_links(master: pd.DataFrame) -> pd.DataFrame:
    """The links a customer master was built from: one row per source record and its entity.

    Examples
    --------
    >>> master = pd.DataFrame({"entity_id": [0, 1], "source_record_ids": [[10, 12], [11]]})
    >>> master_links(master).values.tolist()
    [[10, 0], [12, 0], [11, 1]]
    """
    require_columns(master, ("entity_id", "source_record_ids"), "master")
    links = master[["entity_id", "source_record_ids"]].explode("source_record_ids", ignore_index=True)
    links = links.dropna(subset=["source_record_ids"])
    return pd.DataFrame({"source_record_id": links["source_record_ids"].astype("int64").to_numpy(),
                         "entity_id": links["entity_id"].astype("int64").to_numpy()})


def master_orders(orders: pd.DataFrame, source_records: pd.DataFrame, truth_links: pd.DataFrame,
                  links: pd.DataFrame) -> pd.DataFrame:
    """The orders keyed by the master's rows, as the CRM would see them after the store stage.

    Parameters
    ----------
    orders : DataFrame
        order_id, customer_id, ordered_at, channel, net_amount.
    source_records : DataFrame
        source_record_id, source_system, captured_at.
    truth_links : DataFrame
        ``truth.source_links``: which person each record belongs to; used only to book each
        order on a record (:func:`~crmkit.analytics.flow_views.orders_by_record`).
    links : DataFrame
        source_record_id, entity_id: the identity resolution (e.g. :func:`master_links`).

    Returns
    -------
    DataFrame
        order_id, customer_id (the master row's entity id), ordered_at, net_amount,
        source_record_id and true_customer_id (the person, for scoring only). Orders of
        people without any record are left out.
    """
    require_columns(links, ("source_record_id", "entity_id"), "links")
    booked = orders_by_record(orders, source_records, truth_links)
    keyed = booked.merge(links[["source_record_id", "entity_id"]], on="source_record_id")
    keyed = keyed.merge(orders[["order_id", "ordered_at"]], on="order_id").sort_values("order_id", ignore_index=True)
    return pd.DataFrame({"order_id": keyed["order_id"], "customer_id": keyed["entity_id"].astype("int64"),
                         "ordered_at": keyed["ordered_at"], "net_amount": keyed["net_amount"],
                         "source_record_id": keyed["source_record_id"], "true_customer_id": keyed["customer_id"]})


def master_holdout(orders: pd.DataFrame, truth_customers: pd.DataFrame, actual: str = "holdout_value") -> pd.DataFrame:
    """What each master row really bought in the hold-out year (truth), to score predictions.

    Each person's hold-out value goes to the master row holding most of their spend so far
    (ties: the lower entity id): their next orders are typed where their last ones were.
    A fragment of a split person gets 0; a row merging two people gets both their values.

    Parameters
    ----------
    orders : DataFrame
        :func:`master_orders` (customer_id = entity id, true_customer_id, net_amount).
    truth_customers : DataFrame
        ``truth.customers`` (customer_id and ``actual``).

    Returns
    -------
    DataFrame
        customer_id (entity id) and ``actual``, one row per master row with orders.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [0, 0, 1, 2], "true_customer_id": [7, 7, 7, 8],
    ...                        "net_amount": [10.0, 5.0, 3.0, 4.0]})
    >>> truth = pd.DataFrame({"customer_id": [7, 8], "holdout_value": [100.0, 20.0]})
    >>> master_holdout(orders, truth)["holdout_value"].tolist()
    [100.0, 0.0, 20.0]
    """
    require_columns(orders, ("customer_id", "true_customer_id", "net_amount"), "orders")
    spend = orders.groupby(["true_customer_id", "customer_id"], as_index=False)["net_amount"].sum()
    spend = spend.sort_values(["true_customer_id", "net_amount", "customer_id"], ascending=[True, False, True])
    main = spend.drop_duplicates("true_customer_id")
    value = main["true_customer_id"].map(truth_customers.set_index("customer_id")[actual]).fillna(0.0)
    per_row = value.groupby(main["customer_id"].to_numpy()).sum()
    rows = pd.Index(sorted(orders["customer_id"].unique()), name="customer_id")
    return per_row.reindex(rows, fill_value=0.0).astype(float).rename(actual).reset_index()


@dataclass(frozen=True)
class MasterChain:
    """The identify and predict stages run on the customer master's rows (synthetic data).

    ``orders`` are keyed by entity id (:func:`master_orders`); ``best`` is
    :func:`~crmkit.analytics.identify_best` on them; ``predictions`` holds each row's BG/NBD
    value (``predicted_value``) and the two naive baselines (``average``, ``last_period``);
    ``actual`` is the truth's hold-out value per row (:func:`master_holdout`).
    """

    orders: pd.DataFrame
    best: pd.DataFrame
    predictions: pd.DataFrame
    actual: pd.DataFrame

    def scores(self) -> pd.DataFrame:
        """Each prediction scored against the hold-out truth (:func:`~crmkit.analytics.score_value`)."""
        return score_value(self.predictions, self.actual)


def master_chain(world, master: pd.DataFrame, as_of=None, horizon_days: int = 365, top_share: float = 0.2
                 ) -> MasterChain:
    """Identify the best customers and predict value on the rows of ``master``.

    Parameters
    ----------
    world : World
        The world whose orders and source records the master was built from (its truth is
        read to book orders on records and to score).
    master : DataFrame
        A customer master (:func:`~crmkit.analytics.customer_master`, e.g. ``flow.master``).
    as_of : date-like, optional
        The analysis date (default: the end of the observation window).
    horizon_days : int
        The prediction horizon (365: next year, the hold-out year).
    top_share : float
        The share of rows by spend flagged best.
    """
    as_of = world.observed_until if as_of is None else pd.Timestamp(as_of)
    orders = master_orders(world.orders, world.source_records, world.truth.source_links, master_links(master))
    summary = rfm_fast(orders, as_of)
    best = identify_best(orders, as_of, top_share, summary=summary)
    predicted = probabilistic_clv(summary, horizon_days)[["customer_id", "predicted_value"]]
    predictions = predicted.merge(value_baselines(orders, as_of, horizon_days), on="customer_id")
    return MasterChain(orders, best, predictions, master_holdout(orders, world.truth.customers))


def collect_feedback(surveys: pd.DataFrame) -> pd.DataFrame:
    """Collect what customers say: survey answers and comments per kind and trigger.

    Columns in: kind, trigger, score, comment, topic. Columns out: kind, trigger, answers,
    comments (answers with a written comment), comment_share, mean_score and top_topic (the
    topic most comments are about; empty without comments).

    Examples
    --------
    >>> s = pd.DataFrame({"kind": ["nps", "nps", "csat"], "trigger": ["after_order"] * 3, "score": [9, 3, 4],
    ...                   "comment": ["Great", None, "Slow"], "topic": ["price", None, "delivery"]})
    >>> collect_feedback(s)[["kind", "answers", "comments", "top_topic"]].values.tolist()
    [['csat', 1, 1, 'delivery'], ['nps', 2, 1, 'price']]
    """
    require_columns(surveys, ("kind", "trigger", "score", "comment", "topic"), "surveys")
    frame = surveys.assign(kind=surveys["kind"].astype(str), trigger=surveys["trigger"].astype(str),
                           has_comment=surveys["comment"].notna())
    groups = frame.groupby(["kind", "trigger"])
    table = groups.agg(answers=("score", "size"), comments=("has_comment", "sum"), mean_score=("score", "mean"))
    table["comment_share"] = table["comments"] / table["answers"]
    topics = frame.dropna(subset=["topic"]).assign(topic=lambda f: f["topic"].astype(str))
    top = topics.groupby(["kind", "trigger"])["topic"].agg(lambda t: t.value_counts().sort_index().idxmax())
    table["top_topic"] = top.reindex(table.index).fillna("")
    return table.reset_index()[["kind", "trigger", "answers", "comments", "comment_share", "mean_score", "top_topic"]]


def feedback_by_segment(surveys: pd.DataFrame, segments: pd.DataFrame, kind: str = "nps") -> pd.DataFrame:
    """Carry the feedback on to the segments: each segment's answers of one ``kind``.

    Returns one row per segment: answers, mean_score and comment_share (every answer
    counts once; customers outside ``segments`` are left out).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": [1, 1, 2, 3], "kind": ["nps"] * 4, "score": [10, 8, 2, 7],
    ...                   "comment": [None, "ok", None, None]})
    >>> seg = pd.DataFrame({"customer_id": [1, 2], "segment": [0, 1]})
    >>> feedback_by_segment(s, seg)["mean_score"].tolist()
    [9.0, 2.0]
    """
    require_columns(surveys, ("customer_id", "kind", "score", "comment"), "surveys")
    kinds = sorted(surveys["kind"].astype(str).unique())
    if kind not in kinds:
        raise DataError(f"kind = {kind!r}: {describe_allowed(kinds)}")
    answers = surveys[surveys["kind"].astype(str) == kind].merge(segments[["customer_id", "segment"]], on="customer_id")
    answers = answers.assign(has_comment=answers["comment"].notna())
    return answers.groupby("segment").agg(answers=("score", "size"), mean_score=("score", "mean"),
                                          comment_share=("has_comment", "mean")).reset_index()
