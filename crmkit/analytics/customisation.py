"""Customised offers and satisfaction: do the customers who get them answer happier and stay?

The course's first reason why CRM lifts satisfaction is customisation: offers, advice and
service that fit the customer raise the quality they perceive, so their satisfaction, so
their loyalty. :func:`customisation_outcomes` puts each customer's satisfaction (their mean
survey score) and retention (did they still buy at the end of the data) beside whether they
get customised offers; :func:`customisation_effect` compares the two groups with a 95%
interval of each difference.

The comparison measures the effect of customisation only when the customised were chosen
at random, as in the kit's worlds. When a firm customises for its loyalty members or its
best customers, these were happier and more loyal to begin with, and the difference mixes
that in (confounding). :func:`true_customisation_effect` gives the effect on a simulated
world: the same customers' outcomes in the same world simulated without the effect.
"""

from __future__ import annotations

__all__ = ["customisation_outcomes", "customisation_effect", "true_customisation_effect"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

MEASURES = {"satisfaction": "satisfaction", "retention": "retained"}  # measure: its column of the outcomes
Z_95 = 1.96  # fixed: the normal quantile of a two-sided 95% interval


def customisation_outcomes(customers: pd.DataFrame, surveys: pd.DataFrame, orders: pd.DataFrame, as_of,
                           kind: str = "nps", trigger: str | None = "relationship", recent_days: float = 180,
                           tenure_days: float = 365) -> pd.DataFrame:
    """Each customer's satisfaction and retention beside whether they get customised offers.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``signup_date`` and ``customised_offers`` (bool).
    surveys : DataFrame
        ``customer_id``, ``kind``, ``trigger`` and ``score``.
    orders : DataFrame
        ``customer_id`` and ``ordered_at``.
    as_of : date
        The end of the data.
    kind : {"nps", "csat"}, default "nps"
        The answers that measure satisfaction (their scales differ: never mix them).
    trigger : str or None, default "relationship"
        Only answers to this trigger; the periodic relationship survey asks live customers
        picked at random, not those who just ordered or complained. None: every trigger.
    recent_days : float, default 180
        A customer counts as retained when they ordered in the last ``recent_days``.
    tenure_days : float, default 365
        Retention is judged only for customers who signed up at least this long before
        ``as_of`` (a newcomer has not had the time to leave).

    Returns
    -------
    DataFrame
        One row per customer: ``customer_id``, ``customised``, ``satisfaction`` (mean score;
        empty without an answer) and ``retained`` (1.0 or 0.0; empty for a newcomer).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "customised_offers": [True, False],
    ...                   "signup_date": pd.to_datetime(["2023-01-01", "2025-12-01"])})
    >>> s = pd.DataFrame({"customer_id": [1, 1, 2], "kind": ["nps"] * 3, "trigger": ["relationship"] * 3,
    ...                   "score": [9, 7, 3]})
    >>> o = pd.DataFrame({"customer_id": [1], "ordered_at": pd.to_datetime(["2025-11-01"])})
    >>> customisation_outcomes(c, s, o, "2026-01-01")
       customer_id  customised  satisfaction  retained
    0            1        True           8.0       1.0
    1            2       False           3.0       NaN
    """
    require_columns(customers, ("customer_id", "signup_date", "customised_offers"), "customers")
    require_columns(surveys, ("customer_id", "kind", "trigger", "score"), "surveys")
    require_columns(orders, ("customer_id", "ordered_at"), "orders")
    if kind not in ("nps", "csat"):
        raise DataError(f"kind = {kind!r}: allowed: 'nps' or 'csat' (their scales differ: never mix them)")
    if not (recent_days > 0 and tenure_days >= recent_days):
        raise DataError(f"recent_days = {recent_days!r}, tenure_days = {tenure_days!r}: need 0 < recent_days <= tenure_days")
    end = pd.Timestamp(as_of)
    answers = surveys[(surveys.kind.astype(str) == kind) & ((surveys.trigger.astype(str) == trigger) if trigger else True)]
    satisfaction = answers.groupby("customer_id").score.mean()
    recent = orders.customer_id[(orders.ordered_at >= end - pd.Timedelta(days=recent_days)) & (orders.ordered_at < end)]
    long_enough = customers.signup_date <= end - pd.Timedelta(days=tenure_days)
    retained = customers.customer_id.isin(recent).astype(float).where(long_enough)
    return pd.DataFrame({"customer_id": customers.customer_id.to_numpy(),
                         "customised": customers.customised_offers.astype(bool).to_numpy(),
                         "satisfaction": customers.customer_id.map(satisfaction).astype(float).to_numpy(),
                         "retained": retained.to_numpy()})


def _difference(values: pd.Series, treated: pd.Series) -> dict:
    """Mean of the treated minus that of the rest, with a 95% (Welch, normal) interval."""
    keep = values.notna()
    a, b = values[keep & treated], values[keep & ~treated]
    difference = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)) if min(len(a), len(b)) > 1 else np.nan
    return {"customised": a.mean(), "not_customised": b.mean(), "difference": difference,
            "ci_low": difference - Z_95 * se, "ci_high": difference + Z_95 * se,
            "n_customised": len(a), "n_not_customised": len(b)}


def customisation_effect(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Satisfaction and retention of the customised against the other customers.

    Parameters
    ----------
    outcomes : DataFrame
        From :func:`customisation_outcomes`.

    Returns
    -------
    DataFrame
        One row per ``measure`` (satisfaction: mean score; retention: share retained):
        ``customised``, ``not_customised``, ``difference`` (customised minus the rest), a 95%
        interval ``ci_low``-``ci_high`` of the difference (customers are the unit, so a
        customer who answered often does not count more), and the customers counted in each
        group. The difference is the effect of customisation only if the customised were
        chosen at random.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": [1, 2, 3, 4], "customised": [True, True, False, False],
    ...                   "satisfaction": [9.0, 7.0, 6.0, 4.0], "retained": [1.0, 1.0, 0.0, 1.0]})
    >>> customisation_effect(o)[["measure", "difference", "n_customised"]]
            measure  difference  n_customised
    0  satisfaction         3.0             2
    1     retention         0.5             2
    """
    require_columns(outcomes, ("customised", *MEASURES.values()), "outcomes")
    treated = outcomes.customised.astype(bool)
    if treated.all() or not treated.any():
        raise DataError("outcomes.customised: needs customers with and without customised offers "
                        "(a world without personalisation.customised_offers has none)")
    rows = [{"measure": measure, **_difference(outcomes[column], treated)} for measure, column in MEASURES.items()]
    return pd.DataFrame(rows)


def true_customisation_effect(outcomes: pd.DataFrame, without: pd.DataFrame) -> pd.DataFrame:
    """The effect on the customised, from a simulated world and the same world without it.

    ``without`` holds the outcomes of the same case, size and seed simulated with
    ``personalisation.customised_offers.churn_multiplier`` at 1: the same customers get
    customised offers (they are drawn apart from everything else), which now change
    nothing. What the customised scored and how many stayed, minus what the very same
    customers did without the effect, is the true effect on them.

    Parameters
    ----------
    outcomes, without : DataFrame
        From :func:`customisation_outcomes` on the two worlds.

    Returns
    -------
    DataFrame
        One row per ``measure``: ``with_effect`` and ``without_effect`` (the customised
        customers' mean in each world) and ``true_effect``.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": [1, 2], "customised": [True, False],
    ...                   "satisfaction": [9.0, 5.0], "retained": [1.0, 0.0]})
    >>> w = o.assign(satisfaction=[7.0, 5.0])
    >>> true_customisation_effect(o, w)["true_effect"].tolist()
    [2.0, 0.0]
    """
    require_columns(outcomes, ("customer_id", "customised", *MEASURES.values()), "outcomes")
    require_columns(without, ("customer_id", "customised", *MEASURES.values()), "without")
    mine = outcomes[outcomes.customised.astype(bool)].set_index("customer_id")
    theirs = without[without.customised.astype(bool)].set_index("customer_id")
    if not mine.index.equals(theirs.index):
        raise DataError("without: its customised customers differ from those of outcomes; simulate the same "
                        "case, size and seed with only personalisation.customised_offers.churn_multiplier at 1")
    rows = [{"measure": measure, "with_effect": mine[column].mean(), "without_effect": theirs[column].mean()}
            for measure, column in MEASURES.items()]
    table = pd.DataFrame(rows)
    return table.assign(true_effect=table.with_effect - table.without_effect)
