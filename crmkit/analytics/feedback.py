"""Customer feedback: NPS and CSAT, and the topics and sentiment of free-text comments.

:func:`nps` and :func:`csat` summarise the scores. :func:`comment_topics` and
:func:`comment_sentiment` read the comments with small, visible word lists
(:data:`TOPIC_KEYWORDS`, :data:`POSITIVE_WORDS`, :data:`NEGATIVE_WORDS`) that a lesson
can print and extend; misspelt words are matched to the lists with a fuzzy match.
:func:`learn_comment_topics` instead learns topics from the feedback team's own tags
(TF-IDF and a logistic regression, scikit-learn). :func:`feedback_accuracy` scores any
of them against a simulated world's ``truth.surveys``.
"""

from __future__ import annotations

__all__ = [
    "nps_category", "nps", "csat", "TOPIC_KEYWORDS", "POSITIVE_WORDS", "NEGATIVE_WORDS",
    "comment_topics", "comment_sentiment", "learn_comment_topics", "feedback_accuracy",
]

import re

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.grouping import group_key
from crmkit.errors import DataError

# Written for the kit's comment language (short English comments about orders, service,
# products, prices, the shop and the loyalty scheme). A word ending in "*" matches any
# ending; a phrase of several words counts twice, as it says more than one word.
TOPIC_KEYWORDS = {
    "delivery": ["deliver*", "parcel*", "late", "shipping", "tracking", "courier*", "waiting", "promised", "early"],
    "damaged_item": ["damage*", "broken", "cracked", "dented", "scratch*", "packaging", "smashed"],
    "wrong_item": ["wrong", "mix-up", "mixed up", "different from"],
    "customer_service": ["service", "agent*", "phone", "call", "called", "staff", "support"],
    "product_quality": ["quality", "sturdy", "plastic", "lasts", "lids", "washes", "does the job", "durable", "flimsy"],
    "price": ["price*", "expensive", "value", "deal*", "discount*", "worth"],
    "product_range": ["range", "stock", "choice", "sizes", "basics", "find", "found", "selection"],
    "new_product": ["new range", "new line", "new product*", "launch*"],
    "home_event": ["party", "event*", "consultant*", "demonstration", "host*"],
    "website_app": ["app", "website*", "online", "checkout", "site", "crash*", "login"],
    "loyalty": ["point*", "reward*", "loyalty", "perks", "member*", "scheme"],
}
POSITIVE_WORDS = frozenset(
    "great excellent love loved friendly helpful fast quick quickly early easy simple fantastic brilliant happy "
    "thanks thank recommend perfect good sturdy fun value solved sorted fixed worth usable lasts perks".split())
NEGATIVE_WORDS = frozenset(
    "late disappointed disappointing broken broke cracked crack damaged poor wrong annoying useless terrible awful "
    "slow confusing crashing frustrating expensive overpriced boring limited cheap pushy disappeared waiting waited "
    "ages badly never fix fuss rude".split())
NEGATORS = frozenset("not no nobody without nothing hardly".split())  # flip the next two words' tone


def nps_category(scores: pd.Series) -> pd.Series:
    """Detractor (0-6), passive (7-8) or promoter (9-10) for each NPS score.

    >>> nps_category(pd.Series([3, 7, 10])).tolist()
    ['detractor', 'passive', 'promoter']
    """
    bins = pd.cut(scores, [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    return bins.rename("nps_category")


def _kind(surveys: pd.DataFrame, kind: str) -> pd.DataFrame:
    require_columns(surveys, ("kind", "score", "responded_at"), "surveys")
    return surveys[surveys.kind.astype(str) == kind]


def nps(surveys: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Net Promoter Score: share of promoters minus share of detractors, times 100.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``kind``, ``score``, ``responded_at``); only nps rows count.
    by : str, optional
        ``"month"`` (of the answer) or a column such as ``"trigger"``; one overall row if None.

    Returns
    -------
    DataFrame
        ``responses``, ``promoters``, ``passives``, ``detractors`` (shares) and ``nps``
        (-100 to 100), per group.

    Examples
    --------
    >>> s = pd.DataFrame({"kind": "nps", "score": [10, 9, 7, 3], "responded_at": pd.Timestamp("2024-01-01")})
    >>> nps(s)[["responses", "promoters", "detractors", "nps"]]
       responses  promoters  detractors   nps
    0          4        0.5        0.25  25.0
    """
    rows = _kind(surveys, "nps")
    category = nps_category(rows.score)
    parts = pd.DataFrame({"key": "all" if by is None else group_key(rows, by, "responded_at", "surveys"),
                          "promoters": category == "promoter", "passives": category == "passive",
                          "detractors": category == "detractor"})
    g = parts.groupby("key", observed=True)
    out = g[["promoters", "passives", "detractors"]].mean()
    out.insert(0, "responses", g.size())
    out["nps"] = 100 * (out.promoters - out.detractors)
    return out.reset_index(drop=by is None).rename(columns={"key": by})


def csat(surveys: pd.DataFrame, by: str | None = None, satisfied_from: int = 4) -> pd.DataFrame:
    """Customer satisfaction: mean score (1-5) and share satisfied (score of ``satisfied_from`` or more).

    Examples
    --------
    >>> s = pd.DataFrame({"kind": "csat", "score": [5, 4, 2, 1], "responded_at": pd.Timestamp("2024-01-01")})
    >>> csat(s)
       responses  mean_score  satisfied
    0          4         3.0        0.5
    """
    rows = _kind(surveys, "csat")
    parts = pd.DataFrame({"key": "all" if by is None else group_key(rows, by, "responded_at", "surveys"),
                          "score": rows.score.astype(float), "satisfied": rows.score >= satisfied_from})
    g = parts.groupby("key", observed=True)
    out = pd.DataFrame({"responses": g.size(), "mean_score": g.score.mean(), "satisfied": g.satisfied.mean()})
    return out.reset_index(drop=by is None).rename(columns={"key": by})


def _commented(surveys: pd.DataFrame) -> pd.DataFrame:
    require_columns(surveys, ("survey_id", "comment"), "surveys")
    rows = surveys[surveys.comment.notna() & (surveys.comment.astype(str).str.strip() != "")]
    return rows[["survey_id", "comment"]].reset_index(drop=True)


def _words(comments: pd.Series) -> pd.DataFrame:
    """One row per word: ``row`` (position of its comment), ``position`` and ``word`` (lower
    case); sentence marks (. ! ? : ;) are kept as words, so a "not" stops at the sentence end."""
    words = comments.str.lower().str.findall(r"[a-z]+(?:-[a-z]+)?|[.!?:;]").explode().dropna()
    tidy = pd.DataFrame({"row": words.index.to_numpy(), "word": words.to_numpy(dtype=str)})
    tidy["position"] = tidy.groupby("row").cumcount()
    return tidy


def _spelling_map(words: pd.Series, known: list[str], cutoff: float = 80.0) -> dict[str, str]:
    """Misspelt words (5+ letters, not in ``known``) mapped to the closest known word."""
    from rapidfuzz import fuzz, process

    vocabulary = [k for k in known if len(k) >= 5]
    fixes = {}
    for word in set(words) - set(known):  # a loop over distinct words, not over comments
        if len(word) >= 5:
            hit = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit is not None:
                fixes[word] = hit[0]
    return fixes


def _fix_spelling(comments: pd.Series, known: list[str]) -> pd.Series:
    lower = comments.str.lower()
    fixes = _spelling_map(_words(lower).word, known)
    if not fixes:
        return lower
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(fixes, key=len, reverse=True))) + r")\b")
    return lower.str.replace(pattern, lambda m: fixes[m.group(0)], regex=True)


def _keyword_pattern(keyword: str) -> str:
    stem = re.escape(keyword.rstrip("*"))
    return rf"\b{stem}[a-z]*" if keyword.endswith("*") else rf"\b{stem}\b"


def comment_topics(surveys: pd.DataFrame, keywords: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The topic of each comment: the topic whose keywords it mentions most.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``survey_id``, ``comment``); rows without a comment are left out.
    keywords : dict, optional
        Topic -> keywords (default :data:`TOPIC_KEYWORDS`); ties go to the topic listed first.

    Returns
    -------
    DataFrame
        ``survey_id``, ``comment``, ``topic`` (empty when no keyword matched) and ``hits``
        (how many keywords of that topic matched).

    Examples
    --------
    >>> s = pd.DataFrame({"survey_id": [1, 2, 3], "comment": ["My parcel came late", "Great valeu for money", None]})
    >>> comment_topics(s)[["survey_id", "topic", "hits"]]
       survey_id     topic  hits
    0          1  delivery     2
    1          2     price     1
    """
    keywords = TOPIC_KEYWORDS if keywords is None else keywords
    rows = _commented(surveys)
    known = sorted({w.rstrip("*") for words in keywords.values() for k in words for w in k.split()})
    text = _fix_spelling(rows.comment.astype(str), known)
    scores = pd.DataFrame({topic: sum(text.str.count(_keyword_pattern(k)) * (2 if " " in k else 1) for k in words)
                           for topic, words in keywords.items()}, index=rows.index)
    best = scores.to_numpy().argmax(axis=1) if len(rows) else np.zeros(0, dtype=int)
    hits = scores.to_numpy().max(axis=1) if len(rows) else np.zeros(0, dtype=int)
    topic = np.where(hits > 0, np.array(list(keywords), dtype=object)[best], None)
    return rows.assign(topic=topic, hits=hits.astype(int))


def comment_sentiment(surveys: pd.DataFrame) -> pd.DataFrame:
    """The tone of each comment from counts of positive and negative words.

    A word after "not", "no", "nobody", "without"... counts with the opposite tone ("not
    happy", "without any fuss"). The score is (positive - negative) / (positive +
    negative), from -1 to 1; the label is negative, neutral (no tone, or balanced) or positive.

    Returns
    -------
    DataFrame
        ``survey_id``, ``comment``, ``sentiment_score`` and ``sentiment``.

    Examples
    --------
    >>> s = pd.DataFrame({"survey_id": [1, 2, 3], "comment": ["Not happy, arrived late", "It was ok", "Great app!"]})
    >>> comment_sentiment(s)[["survey_id", "sentiment_score", "sentiment"]]
       survey_id  sentiment_score sentiment
    0          1             -1.0  negative
    1          2              0.0   neutral
    2          3              1.0  positive
    """
    rows = _commented(surveys)
    words = _words(_fix_spelling(rows.comment.astype(str), sorted(POSITIVE_WORDS | NEGATIVE_WORDS)))
    tone = words.word.isin(POSITIVE_WORDS).astype(int) - words.word.isin(NEGATIVE_WORDS).astype(int)
    negated = words.word.isin(NEGATORS)
    after_negator = negated.groupby(words.row).shift(1, fill_value=False) | negated.groupby(words.row).shift(2, fill_value=False)
    tone = np.where(after_negator, -tone, tone)
    sums = pd.DataFrame({"row": words.row, "net": tone, "loud": np.abs(tone)}).groupby("row")[["net", "loud"]].sum()
    sums = sums.reindex(rows.index, fill_value=0)
    score = (sums.net / sums.loud.replace(0, np.nan)).fillna(0.0)
    label = np.select([score > 0, score < 0], ["positive", "negative"], "neutral")
    return rows.assign(sentiment_score=score.to_numpy(), sentiment=label)


def learn_comment_topics(surveys: pd.DataFrame, seed: int = 0, folds: int = 5) -> pd.DataFrame:
    """Topics learned from the feedback team's tags (column ``topic``), by cross-fitting.

    Each comment's topic is predicted by a TF-IDF (groups of 3-4 letters, robust to
    typos) and a logistic regression (fitted by stochastic gradient descent) trained on the
    *other* folds' tagged comments, so a wrong tag is not simply copied back.

    Returns
    -------
    DataFrame
        ``survey_id``, ``comment``, ``tag`` (the team's tag) and ``topic`` (predicted).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    require_columns(surveys, ("survey_id", "comment", "topic"), "surveys")
    rows = _commented(surveys).assign(tag=surveys.loc[surveys.comment.notna(), "topic"].astype(str).to_numpy())
    rows = rows[rows.tag.isin(list(TOPIC_KEYWORDS))].reset_index(drop=True)
    smallest = rows.tag.value_counts().min() if len(rows) else 0
    if smallest < 2:
        raise DataError(f"surveys: every tagged topic needs at least 2 comments to learn from; the rarest has {smallest}")
    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True),
                          SGDClassifier(loss="log_loss", alpha=1e-4, random_state=seed))
    splits = StratifiedKFold(n_splits=min(folds, int(smallest)), shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, rows.comment.str.lower(), rows.tag, cv=splits)
    return rows.assign(topic=predicted)


def feedback_accuracy(predicted: pd.DataFrame, truth_surveys: pd.DataFrame, column: str = "topic",
                      truth_column: str | None = None) -> dict[str, float]:
    """Share of predictions that match the truth, and what always guessing the commonest true value scores.

    Parameters
    ----------
    predicted : DataFrame
        ``survey_id`` and ``column`` (e.g. from :func:`comment_topics` or :func:`comment_sentiment`).
    truth_surveys : DataFrame
        ``truth.surveys`` (``survey_id``, ``topic``, ``sentiment_label``).
    column, truth_column : str
        The predicted column and its truth column (default: ``sentiment_label`` for
        ``sentiment``, else the same name).

    Examples
    --------
    >>> pred = pd.DataFrame({"survey_id": [1, 2, 3], "topic": ["price", "price", "loyalty"]})
    >>> true = pd.DataFrame({"survey_id": [1, 2, 3], "topic": ["price", "price", "price"]})
    >>> feedback_accuracy(pred, true)
    {'accuracy': 0.667, 'majority_baseline': 1.0, 'rows': 3}
    """
    truth_column = truth_column or ("sentiment_label" if column == "sentiment" else column)
    require_columns(predicted, ("survey_id", column), "predicted")
    require_columns(truth_surveys, ("survey_id", truth_column), "truth_surveys")
    both = predicted[["survey_id", column]].merge(truth_surveys[["survey_id", truth_column]], on="survey_id",
                                                  suffixes=("", "_true"))
    guess, true = both[column].astype(object), both.iloc[:, 2].astype(str)
    accuracy = float((guess.astype(str) == true).mean()) if len(both) else float("nan")
    majority = float(true.value_counts(normalize=True).max()) if len(both) else float("nan")
    return {"accuracy": round(accuracy, 3), "majority_baseline": round(majority, 3), "rows": len(both)}
