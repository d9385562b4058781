"""How good is an identity resolution? Scores against the true links, and a defect sweep.

The simulated worlds know who every source record really is (``truth.source_links``), so
a resolution can be graded pair by pair (:func:`match_quality`), and the grading can be
repeated on worlds whose source systems are cleaner or messier (:func:`defect_sweep`).
The resolution itself lives in :mod:`crmkit.analytics.identity`, which re-exports these
functions.
"""

from __future__ import annotations

__all__ = ["true_entities", "match_quality", "defect_sweep"]

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


def _scaled_systems(config, scale: float) -> dict:
    """Every source system's settings with its defect rates times ``scale`` (capped at 1,
    and shrunk together where defects of one field would add up to more than 1).
    Duplicates and non-customer records are kept as they are: they are who is in the
    data, not how badly it was typed."""
    from crmkit.world.ops.sources import EXCLUSIVE

    systems = {}
    for name, system in config.sources.systems.items():
        rates = {d: (r if d == "duplicate" else min(r * scale, 1.0)) for d, r in system.defects.items()}
        for group in EXCLUSIVE.values():
            total = sum(rates.get(d, 0.0) for d in group)
            if total > 1:
                rates.update({d: rates[d] / total for d in group if d in rates})
        systems[name] = {"non_customer_rate": system.non_customer_rate, "defects": rates}
    return systems


def defect_sweep(case="pschse", customers: int = 2000, seed: int = 1, rates=(0.5, 1.0, 2.0, 3.0),
                 threshold: float = 85.0) -> pd.DataFrame:
    """Identity-resolution quality as the source systems get messier.

    Simulates one small world per defect scale (the case's defect rates times the
    scale: 0.5 halves every typo, missing field and old email; 2 doubles them), resolves
    its records with :func:`resolve_identities` and with the exact-email baseline, and
    scores both with :func:`match_quality`.

    Parameters
    ----------
    case : str or WorldConfig, default "pschse"
        A case with ``sources`` configured.
    customers, seed : int
        Size and seed of each world (the same for every scale).
    rates : sequence of float
        Defect scales to try (0 or more).
    threshold : float, default 85
        Match threshold of :func:`resolve_identities`.

    Returns
    -------
    DataFrame
        One row per scale and method (``"fuzzy"`` or ``"exact_email"``): defect_scale,
        method, records, precision, recall, f1.
    """
    import crmkit as ck
    # Imported here, not at the top: identity.py re-exports this module's functions.
    from crmkit.analytics.identity import exact_email_links, resolve_identities

    config = ck.load_config(case)
    if config.sources is None:
        raise DataError(f"case {config.name!r} has no sources section: no source records to resolve")
    if any(r < 0 for r in rates):
        raise DataError(f"rates = {list(rates)!r}: defect scales must be 0 or more")
    rows = []
    for scale in rates:
        world = ck.simulate(config, customers=customers, seed=seed, progress=False,
                            sources__systems=_scaled_systems(config, scale))
        records, truth = world.tables["source_records"], true_entities(world.truth["source_links"])
        for method, links in (("fuzzy", resolve_identities(records, threshold)),
                              ("exact_email", exact_email_links(records))):
            quality = match_quality(links, truth)
            rows.append({"defect_scale": float(scale), "method": method, "records": len(records),
                         **quality[["precision", "recall", "f1"]].to_dict()})
    return pd.DataFrame(rows)
