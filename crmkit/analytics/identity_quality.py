"""How good is an identity resolution? Scores against the true links.

The simulated worlds know who every source record really is (``truth.source_links``), so
a resolution can be graded pair by pair (:func:`match_quality`). The resolution itself
lives in :mod:`crmkit.analytics.identity`; repeating the grading on cleaner or messier
source systems in :mod:`crmkit.analytics.identity_sweep`.
"""

from __future__ import annotations

__all__ = ["true_entities", "match_quality"]

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def true_entities(source_links: pd.DataFrame) -> pd.DataFrame:
    """The true entity of each source record, from ``truth.source_links``.

    A record of a customer belongs to that customer (entity_id = customer_id); a record of
    someone who never became a customer is a person of its own (entity_id = minus one
    minus its source_record_id, so it never collides with a customer id).

    Examples
    --------
    >>> links = pd.DataFrame({"source_record_id": [0, 1, 2], "customer_id": pd.array([7, None, 7], dtype="Int64")})
    >>> true_entities(links)["entity_id"].tolist()
    [7, -2, 7]
    """
    require_columns(source_links, ("source_record_id", "customer_id"), "truth.source_links")
    customer = source_links["customer_id"].astype("Int64")
    stranger = -1 - source_links["source_record_id"].astype("int64")
    return pd.DataFrame({"source_record_id": source_links["source_record_id"].to_numpy(),
                         "entity_id": customer.fillna(stranger).astype("int64").to_numpy()})


def _pairs(sizes: pd.Series) -> int:
    """How many pairs groups of these sizes hold (n * (n - 1) / 2 each)."""
    return int((sizes * (sizes - 1) // 2).sum())


def match_quality(links: pd.DataFrame, truth_links: pd.DataFrame) -> pd.Series:
    """Pairwise precision, recall and F1 of an identity resolution against the truth.

    Every pair of records put in the same entity is a *predicted* link; every pair that
    belongs to the same true person is a *true* link. Precision = share of predicted links
    that are true (how often a merge is right); recall = share of true links found (how
    many duplicates were caught); F1 = their harmonic mean.

    Parameters
    ----------
    links : DataFrame
        Columns source_record_id and entity_id (e.g. :func:`resolve_identities`).
    truth_links : DataFrame
        ``truth.source_links`` (source_record_id, customer_id) or :func:`true_entities`.

    Returns
    -------
    Series
        precision, recall, f1, predicted_pairs, true_pairs, correct_pairs.

    Examples
    --------
    >>> truth = pd.DataFrame({"source_record_id": [1, 2, 3, 4], "customer_id": [1, 1, 1, 2]})
    >>> found = pd.DataFrame({"source_record_id": [1, 2, 3, 4], "entity_id": [0, 0, 1, 1]})
    >>> match_quality(found, truth)[["precision", "recall"]].round(3).tolist()
    [0.5, 0.333]
    """
    require_columns(links, ("source_record_id", "entity_id"), "links")
    truth = truth_links if "entity_id" in truth_links else true_entities(truth_links)
    both = links[["source_record_id", "entity_id"]].merge(
        truth[["source_record_id", "entity_id"]], on="source_record_id", suffixes=("", "_true"))
    if len(both) != len(links):
        raise DataError(f"links: {len(links) - len(both)} source_record_id values have no truth row")
    predicted = _pairs(both.groupby("entity_id").size())
    true = _pairs(both.groupby("entity_id_true").size())
    correct = _pairs(both.groupby(["entity_id", "entity_id_true"]).size())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.Series({"precision": precision, "recall": recall, "f1": f1, "predicted_pairs": predicted,
                      "true_pairs": true, "correct_pairs": correct}, name="match_quality")
