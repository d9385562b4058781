"""A simple lead score, and how to judge one.

A lead score ranks new prospects so consultants call the promising ones first. The score
here is a logistic regression on what the CRM knows a few days after a lead is captured
(its source, the owner's rating, its region, whether a campaign brought it, and how much
contact there was in its first days). It is trained on leads whose outcome was known by
a cut-off date and judged on the leads captured after it: against what they really did
(AUC) and, in a simulated world, against their hidden true quality (rank correlation).
"""

from __future__ import annotations

__all__ = ["lead_features", "LeadScorer", "fit_lead_scorer", "score_leads", "source_rate_scores", "random_lead_scores",
           "evaluate_lead_scores"]

from dataclasses import dataclass

import pandas as pd
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from crmkit._random import as_generator
from crmkit.analytics._checks import require_columns
from crmkit.analytics.leads import lead_status_as_of
from crmkit.errors import DataError
from crmkit.world.vocabulary import terms


# Feature -> its vocabulary (the column's own categories when it has them: a world's codes);
# None: the world's own values (a case names its regions in world.yaml).
CATEGORY_FEATURES = {"lead_source": "lead_source", "rating": "lead_rating", "region": None}


def lead_features(leads: pd.DataFrame, activities: pd.DataFrame, first_days: int = 1) -> pd.DataFrame:
    """What the CRM knows about each lead ``first_days`` days after it was captured.

    Parameters
    ----------
    leads : DataFrame
        The ``leads`` table (``lead_id``, ``created_at``, ``lead_source``, ``rating``,
        ``region``, ``campaign_id``).
    activities : DataFrame
        The ``activities`` table (``lead_id``, ``due_at``, ``direction``, ``status``).
    first_days : int
        Only activities due in this many days after capture count, so the features do not
        peek at what happened later (including the outcome itself).

    Returns
    -------
    DataFrame
        ``lead_id``, ``lead_source``, ``rating``, ``region``, ``from_campaign`` (bool),
        ``early_activities`` and ``early_inbound`` (counts, cancelled ones left out).

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2], "created_at": pd.to_datetime(["2024-01-01"] * 2),
    ...     "lead_source": ["web_form", "referral"], "rating": ["hot", "cold"],
    ...     "region": ["West", "South"], "campaign_id": [None, 4]})
    >>> acts = pd.DataFrame({"lead_id": [1, 1, 2], "direction": ["inbound", "outbound", "inbound"],
    ...     "status": ["done", "done", "done"], "due_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01"])})
    >>> lead_features(leads, acts, first_days=3)[["early_activities", "early_inbound"]].values.tolist()
    [[2, 1], [0, 0]]
    """
    require_columns(leads, ["lead_id", "created_at", *CATEGORY_FEATURES, "campaign_id"], "leads")
    require_columns(activities, ["lead_id", "due_at", "direction", "status"], "activities")
    if first_days < 0:
        raise DataError(f"first_days = {first_days!r}: must be zero or more")
    acts = activities[activities.lead_id.notna() & activities.status.astype(str).ne("cancelled")]
    created = acts.lead_id.map(leads.set_index("lead_id").created_at)
    early = acts[(pd.to_datetime(acts.due_at) - created) < pd.Timedelta(days=first_days)]
    out = leads[["lead_id", *CATEGORY_FEATURES]].copy()
    out["from_campaign"] = leads.campaign_id.notna().to_numpy()
    counts = early.groupby("lead_id").size()
    inbound = early[early.direction.astype(str).eq("inbound")].groupby("lead_id").size()
    out["early_activities"] = out.lead_id.map(counts).fillna(0).astype(int)
    out["early_inbound"] = out.lead_id.map(inbound).fillna(0).astype(int)
    return out.reset_index(drop=True)


def _categories(values: pd.Series, vocab: str | None) -> list[str] | None:
    """A categorical column's own categories (a world's codes: a case may declare its own lead
    sources), else the kit's vocabulary list, else None (the values seen)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return list(terms(vocab)) if vocab else None


def _design_matrix(features: pd.DataFrame, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    # One column per vocabulary value (or per value seen in training), so training and scoring
    # always get the same columns.
    parts = [pd.get_dummies(pd.Categorical(features[col].astype(str), categories=_categories(features[col], vocab)), prefix=col)
             for col, vocab in CATEGORY_FEATURES.items()]
    numeric = features[["from_campaign", "early_activities", "early_inbound"]].reset_index(drop=True)
    matrix = pd.concat([*parts, numeric], axis=1).astype(float)
    return matrix if columns is None else matrix.reindex(columns=list(columns), fill_value=0.0)


@dataclass(frozen=True)
class LeadScorer:
    """A fitted lead score: the logistic regression and how it was trained."""

    model: LogisticRegression
    columns: tuple[str, ...]
    cutoff: pd.Timestamp
    first_days: int
    training_leads: int

    @property
    def weights(self) -> pd.DataFrame:
        """Each feature's weight (log-odds), largest effect first."""
        table = pd.DataFrame({"feature": self.columns, "weight": self.model.coef_[0]})
        return table.reindex(table.weight.abs().sort_values(ascending=False).index).reset_index(drop=True)


def fit_lead_scorer(leads: pd.DataFrame, lead_history: pd.DataFrame, activities: pd.DataFrame, cutoff,
                    first_days: int = 1, seed: int = 0) -> LeadScorer:
    """Train a logistic-regression lead score on the leads decided before ``cutoff``.

    A lead counts as decided when, just before ``cutoff``, its status (from ``lead_history``)
    was ``converted`` or ``unqualified``; it is a positive example when converted. Leads
    still being worked at the cut-off are left out, as their outcome was not yet known.

    ``leads``, ``lead_history`` and ``activities`` need the columns of :func:`lead_features`
    and :func:`lead_status_as_of`; nothing on or after ``cutoff`` is used. ``first_days``
    goes to :func:`lead_features`; ``seed`` is the solver's random state (lbfgs is
    deterministic anyway). Returns a :class:`LeadScorer` for :func:`score_leads`;
    ``scorer.weights`` lists the learnt weights.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3, 4], "created_at": pd.to_datetime(["2024-01-01"] * 4),
    ...     "lead_source": ["referral", "referral", "web_form", "web_form"],
    ...     "rating": ["hot", "hot", "cold", "cold"], "region": ["West"] * 4, "campaign_id": [None] * 4})
    >>> history = pd.DataFrame({"lead_id": [1, 2, 3, 4], "changed_at": pd.to_datetime(["2024-01-05"] * 4),
    ...     "to_status": ["converted", "converted", "unqualified", "converted"]})
    >>> acts = pd.DataFrame(columns=["lead_id", "due_at", "direction", "status"])
    >>> fit_lead_scorer(leads, history, acts, cutoff="2024-02-01").training_leads
    4
    """
    cutoff = pd.Timestamp(cutoff)
    status = lead_status_as_of(lead_history, cutoff)
    decided = status[status.status.isin(["converted", "unqualified"])]
    train = leads[leads.lead_id.isin(decided.lead_id) & (leads.created_at < cutoff)]
    labels = train.lead_id.map(decided.set_index("lead_id").status).eq("converted").to_numpy()
    if labels.all() or not labels.any():
        raise DataError(f"cutoff = {cutoff.date()}: the leads decided before it are all of one outcome; "
                        "choose a later cut-off")
    known_activities = activities[pd.to_datetime(activities.due_at) < cutoff]
    matrix = _design_matrix(lead_features(train, known_activities, first_days))
    model = LogisticRegression(max_iter=1000, random_state=seed).fit(matrix.to_numpy(), labels)
    return LeadScorer(model, tuple(matrix.columns), cutoff, first_days, len(train))


def score_leads(scorer: LeadScorer, leads: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Score leads with a fitted :class:`LeadScorer`: ``lead_id`` and ``score`` (chance to convert).

    Reads the columns of :func:`lead_features`; see :func:`fit_lead_scorer` for an example.
    """
    features = lead_features(leads, activities, scorer.first_days)
    score = scorer.model.predict_proba(_design_matrix(features, scorer.columns).to_numpy())[:, 1]
    return pd.DataFrame({"lead_id": features.lead_id.to_numpy(), "score": score})


def source_rate_scores(leads: pd.DataFrame, lead_history: pd.DataFrame, cutoff) -> pd.DataFrame:
    """Naive baseline score: the conversion rate of the lead's source among leads decided before ``cutoff``.

    Pass all the leads: the rates are learnt from those decided before ``cutoff``. Returns
    ``lead_id`` and ``score`` for every lead of ``leads`` (0 for a source never seen).

    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3], "lead_source": ["referral", "web_form", "referral"],
    ...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"])})
    >>> history = pd.DataFrame({"lead_id": [1, 2], "to_status": ["converted", "unqualified"],
    ...     "changed_at": pd.to_datetime(["2024-01-09", "2024-01-09"])})
    >>> source_rate_scores(leads, history, "2024-02-01").score.tolist()
    [1.0, 0.0, 1.0]
    """
    require_columns(leads, ["lead_id", "lead_source", "created_at"], "leads")
    status = lead_status_as_of(lead_history, cutoff)
    decided = status[status.status.isin(["converted", "unqualified"])]
    train = leads[["lead_id", "lead_source", "created_at"]].merge(decided, on="lead_id")
    train = train[train.created_at < pd.Timestamp(cutoff)]
    rate = train.status.eq("converted").groupby(train.lead_source.astype(str)).mean()
    score = leads.lead_source.astype(str).map(rate).fillna(0.0).astype(float)
    return pd.DataFrame({"lead_id": leads.lead_id.to_numpy(), "score": score.to_numpy()})


def random_lead_scores(leads: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Baseline score drawn at random (uniform 0 to 1): ``lead_id`` and ``score``.

    >>> len(random_lead_scores(pd.DataFrame({"lead_id": [1, 2]}), seed=1))
    2
    """
    require_columns(leads, ["lead_id"], "leads")
    return pd.DataFrame({"lead_id": leads.lead_id.to_numpy(), "score": as_generator(seed).random(len(leads))})


def evaluate_lead_scores(scores: pd.DataFrame, leads: pd.DataFrame,
                         truth_leads: pd.DataFrame | None = None) -> pd.DataFrame:
    """How well one or more score columns rank the leads of ``scores``.

    ``scores`` holds ``lead_id`` and one or more score columns (say the model and a
    baseline), usually for the leads captured after the training cut-off. ``leads`` gives
    the outcome (``status``; not converted by the end of the window counts as not
    converted); ``truth_leads`` (optional) is ``truth.leads`` (``quality``,
    ``conversion_probability``).

    Returns
    -------
    DataFrame
        One row per score column: ``score``, ``leads``, ``converted``, ``auc`` (chance that a
        converted lead outranks one that did not convert; 0.5 is guessing) and, with the
        truth, ``quality_correlation`` and ``probability_correlation`` (Spearman).

    Examples
    --------
    >>> scores = pd.DataFrame({"lead_id": [1, 2, 3], "model": [0.9, 0.2, 0.4]})
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3], "status": ["converted", "unqualified", "working"]})
    >>> evaluate_lead_scores(scores, leads).auc.tolist()
    [1.0]
    """
    require_columns(scores, ["lead_id"], "scores")
    require_columns(leads, ["lead_id", "status"], "leads")
    table = scores.merge(leads[["lead_id", "status"]], on="lead_id", how="inner")
    converted = table.status.astype(str).eq("converted").to_numpy()
    if converted.all() or not converted.any():
        raise DataError("scores: the scored leads are all of one outcome, so no AUC can be computed")
    if truth_leads is not None:
        require_columns(truth_leads, ["lead_id", "quality", "conversion_probability"], "truth_leads")
        table = table.merge(truth_leads[["lead_id", "quality", "conversion_probability"]], on="lead_id", how="left")
    rows = []
    for column in [c for c in scores.columns if c != "lead_id"]:
        row = {"score": column, "leads": len(table), "converted": int(converted.sum()),
               "auc": roc_auc_score(converted, table[column])}
        if truth_leads is not None:
            row["quality_correlation"] = spearmanr(table[column], table.quality).statistic
            row["probability_correlation"] = spearmanr(table[column], table.conversion_probability).statistic
        rows.append(row)
    return pd.DataFrame(rows)
