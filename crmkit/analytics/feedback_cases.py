"""Customer comments as evidence across companies: what each company's customers talk about,
in which words, where it is strong or weak, and whether unhappy writers come back.

Every function takes several worlds at once (name -> world, e.g. from
:func:`crmkit.explore.model_company_worlds`) or one world's ``surveys``, and reads a comment's
tone from the score that came with it (:func:`~crmkit.analytics.feedback_loop.rating_tone`),
which works in any business's words, and its topic from the feedback team's tag (the
``topic`` column, the same codes in every case). :func:`topics_by_company` counts topics and
tones, :func:`strong_and_weak` names each company's best and worst topic,
:func:`comment_keywords` counts the words of one tone, and :func:`return_by_tone` compares how
often the writers of negative and other comments ordered again within a year.

The comments of a simulated world are written by the simulation from its case's own phrases
(``words.comments`` in each ``world.yaml``): evidence about the model, not real customers' voices.
"""

from __future__ import annotations

__all__ = ["STOP_WORDS", "topics_by_company", "strong_and_weak", "comment_keywords", "frame_words",
           "keywords_by_company", "company_comments", "return_by_tone"]

import re

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.feedback_loop import comments_and_return, rating_tone
from crmkit.errors import DataError

# Words too common to say what a comment is about (English function words, and the survey's own
# openers and closers such as "honestly" and "again"). The kit's choice; a lesson may pass its own.
STOP_WORDS = frozenset(
    "the a an and or but of to in on at for with from by my our your me we i it its is was were be been are "
    "this that there they them their so very too not no all any as up out off about after again than then "
    "just still only what when who how will would could can did do does had has have got get one more most "
    "some much many like well really honestly overall thanks thank please keep it's here now over went way took".split())
_Z95 = 1.96  # two-sided 95% normal interval


def _company(name) -> str:
    """A model company's display name ("Tesco Clubcard"); any other name as it is."""
    from crmkit.analytics.case_worlds import MODEL_COMPANIES  # reads every case's world.yaml: only when used

    return MODEL_COMPANIES.get(name, name)


def _commented(surveys: pd.DataFrame) -> pd.DataFrame:
    require_columns(surveys, ("kind", "score", "comment", "topic"), "surveys")
    written = surveys["comment"].notna() & (surveys["comment"].astype(str).str.strip() != "")
    rows = surveys[written]
    return pd.DataFrame({"topic": rows["topic"].astype(str), "tone": rating_tone(rows)})


def topics_by_company(worlds: dict) -> pd.DataFrame:
    """Per company and comment topic: how many comments, their share of the company's comments,
    and the shares that are negative and positive (tone from the score).

    Parameters
    ----------
    worlds : dict
        Name -> world (anything with a ``surveys`` table: ``kind``, ``score``, ``comment``,
        ``topic``). Model companies are shown by their display name.

    Returns
    -------
    DataFrame
        ``company``, ``topic``, ``comments``, ``share``, ``negative_share``, ``positive_share``;
        most discussed topics first within each company.

    Examples
    --------
    >>> import types
    >>> s = pd.DataFrame({"kind": "csat", "score": [1, 5, 4], "comment": ["late", "lovely", "ok"],
    ...                   "topic": ["delivery", "delivery", "price"]})
    >>> topics_by_company({"shop": types.SimpleNamespace(surveys=s)})
      company     topic  comments     share  negative_share  positive_share
    0    shop  delivery         2  0.666667             0.5             0.5
    1    shop     price         1  0.333333             0.0             1.0
    """
    tables = []
    for name, world in worlds.items():
        rows = _commented(world.surveys)
        g = rows.groupby("topic")["tone"]
        table = pd.DataFrame({"comments": g.size(), "negative_share": g.apply(lambda t: (t == "negative").mean()),
                              "positive_share": g.apply(lambda t: (t == "positive").mean())})
        table.insert(1, "share", table["comments"] / max(len(rows), 1))
        tables.append(table.reset_index().assign(company=_company(name)))
    out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["company", "topic"])
    out = out[["company", "topic", "comments", "share", "negative_share", "positive_share"]]
    order = {company: i for i, company in enumerate(dict.fromkeys(out["company"]))}
    out = out.assign(_order=out["company"].map(order)).sort_values(["_order", "comments", "topic"],
                                                                      ascending=[True, False, True])
    return out.drop(columns="_order").reset_index(drop=True)


def strong_and_weak(topics: pd.DataFrame, min_comments: int = 20) -> pd.DataFrame:
    """Each company's strongest topic (highest positive share) and weakest (highest negative share),
    among the topics with at least ``min_comments`` comments (fewer say little).

    ``topics`` comes from :func:`topics_by_company`. Ties go to the topic first in alphabetical
    order. A company without such a topic has no row.

    Examples
    --------
    >>> t = pd.DataFrame({"company": "shop", "topic": ["delivery", "price"], "comments": [30, 25],
    ...                   "negative_share": [0.4, 0.1], "positive_share": [0.3, 0.8]})
    >>> strong_and_weak(t)
      company strongest  positive_share   weakest  negative_share  topics
    0    shop     price             0.8  delivery             0.4       2
    """
    require_columns(topics, ("company", "topic", "comments", "negative_share", "positive_share"), "topics")
    if not isinstance(min_comments, (int, np.integer)) or min_comments < 1:
        raise DataError(f"min_comments = {min_comments!r}: must be a whole number >= 1")
    rows = []
    for company, table in topics[topics["comments"] >= min_comments].groupby("company", sort=False):
        table = table.sort_values("topic")
        best, worst = table.loc[table["positive_share"].idxmax()], table.loc[table["negative_share"].idxmax()]
        rows.append({"company": company, "strongest": best["topic"], "positive_share": best["positive_share"],
                     "weakest": worst["topic"], "negative_share": worst["negative_share"], "topics": len(table)})
    return pd.DataFrame(rows, columns=["company", "strongest", "positive_share", "weakest", "negative_share", "topics"])


def comment_keywords(surveys: pd.DataFrame, tone: str | None = "negative", n: int = 10,
                     stop_words: frozenset = STOP_WORDS) -> pd.Series:
    """The words most comments of one tone use: a keyword count in the business's own words.

    Each word (lower case, three letters or more, not in ``stop_words``) counts once per comment.

    Parameters
    ----------
    surveys : DataFrame
        ``kind``, ``score``, ``comment`` (and ``topic``).
    tone : {"negative", "neutral", "positive"} or None
        The tone of the comments to count (from the score); None counts every comment.
    n : int
        How many words to return.

    Returns
    -------
    Series
        Word -> number of comments using it, most used first (ties alphabetical).

    Examples
    --------
    >>> s = pd.DataFrame({"kind": "csat", "score": [1, 2, 5], "topic": "delivery",
    ...                   "comment": ["The van was late", "late again, van missed the slot", "On time"]})
    >>> comment_keywords(s, "negative", n=2).to_dict()
    {'late': 2, 'van': 2}
    """
    if tone not in (None, "negative", "neutral", "positive"):
        raise DataError(f"tone = {tone!r}: allowed are 'negative', 'neutral', 'positive' or None")
    rows = _commented(surveys)
    text = surveys.loc[rows.index, "comment"].astype(str)
    if tone is not None:
        text = text[rows["tone"] == tone]
    words = text.str.lower().str.findall(r"[a-z]+(?:'[a-z]+)?").map(set).explode().dropna()
    words = words[(words.str.len() >= 3) & ~words.isin(stop_words)]
    counts = words.value_counts()
    counts = counts.rename_axis("word").reset_index().sort_values(["count", "word"], ascending=[False, True])
    return counts.set_index("word")["count"].head(n).rename("comments")


def frame_words(world) -> frozenset:
    """The words of a world's comment openers and closers ("Very disappointed:", "Not coming back."):
    they frame a comment's tone and say nothing of its topic, so a keyword count leaves them out.
    Empty for a world without a ``config.words``."""
    words = getattr(getattr(world, "config", None), "words", None)
    if words is None:
        return frozenset()
    phrases = [str(phrase) for fillers in (words.openers, words.closers) for tone in fillers.by_sentiment()
               for phrase in tone]
    return frozenset(re.findall(r"[a-z]+(?:'[a-z]+)?", " ".join(phrases).lower()))


def keywords_by_company(worlds: dict, tone: str | None = "negative", n: int = 8) -> pd.DataFrame:
    """The ``n`` words most comments of ``tone`` use, per company (one column each, most used first),
    leaving out :data:`STOP_WORDS` and each world's :func:`frame_words`
    (:func:`comment_keywords`)."""
    columns = {_company(name): comment_keywords(world.surveys, tone, n, STOP_WORDS | frame_words(world)).index
               for name, world in worlds.items()}
    return pd.DataFrame({name: pd.Series(words) for name, words in columns.items()}).rename_axis("rank")


def company_comments(worlds: dict, days: int = 365) -> pd.DataFrame:
    """Every comment of each world written at least ``days`` before its end, with its tone, its
    topic tag and whether its writer ordered again within ``days``
    (:func:`~crmkit.analytics.feedback_loop.comments_and_return`), and a ``company`` column."""
    tables = []
    for name, world in worlds.items():
        end = pd.Timestamp(world.observed_until).normalize() + pd.Timedelta(days=1)
        table = comments_and_return(world.surveys, world.orders, as_of=end, days=days)
        tables.append(table.assign(company=_company(name)))
    return pd.concat(tables, ignore_index=True)


def return_by_tone(comments: pd.DataFrame, by: str = "company") -> pd.DataFrame:
    """Do the writers of negative comments come back less? Per group (default per company).

    Parameters
    ----------
    comments : DataFrame
        From :func:`company_comments` (``tone``, ``returned`` and the ``by`` column).
    by : str
        The column to group by.

    Returns
    -------
    DataFrame
        ``negative`` and ``other`` (how many comments), ``returned_after_negative`` and
        ``returned_after_other`` (shares that ordered again), ``gap`` (negative minus other)
        and ``gap_low``, ``gap_high``: a 95% interval (normal approximation), wide when
        few comments are negative. NaN where a group has no comment of a kind.

    Examples
    --------
    >>> c = pd.DataFrame({"company": "shop", "tone": ["negative", "negative", "positive", "neutral"],
    ...                   "returned": [False, True, True, True]})
    >>> return_by_tone(c)[["negative", "other", "returned_after_negative", "returned_after_other", "gap"]]
             negative  other  returned_after_negative  returned_after_other  gap
    company                                                                     
    shop            2      2                      0.5                   1.0 -0.5
    """
    require_columns(comments, ("tone", "returned", by), "comments")
    negative = comments["tone"].astype(str) == "negative"
    returned = comments["returned"].astype(float)
    groups = comments[by]
    out = pd.DataFrame({"negative": negative.groupby(groups, sort=False).sum().astype(int),
                        "other": (~negative).groupby(groups, sort=False).sum().astype(int)})
    out["returned_after_negative"] = returned[negative].groupby(groups[negative], sort=False).mean()
    out["returned_after_other"] = returned[~negative].groupby(groups[~negative], sort=False).mean()
    out["gap"] = out["returned_after_negative"] - out["returned_after_other"]
    variance = sum(out[f"returned_after_{kind}"] * (1 - out[f"returned_after_{kind}"]) / out[count].replace(0, np.nan)
                   for kind, count in (("negative", "negative"), ("other", "other")))
    out["gap_low"] = out["gap"] - _Z95 * np.sqrt(variance)
    out["gap_high"] = out["gap"] + _Z95 * np.sqrt(variance)
    return out
