"""Score a forecast against the naive forecast on the student's own world.

A forecast question is graded by its error *relative to a naive forecast* on the same
world, never by a fixed tolerance around the truth: the students' worlds come from one
recipe, so their totals lie close together, and a guess shared by the class (the median of
everyone's answer) would fall inside any tolerance wide enough for honest work. Measured
on 30 worlds of 1,500 customers, the class median was within 20 % of all 30 totals. Asked
per customer instead (what will each of *your* best customers spend?), a shared guess
knows nothing of the student's own customers: its error was 1.6-2.2 times the naive
forecast's on each of the 30 worlds.

Points: the whole question's points when the mean absolute error is at most the naive
forecast's; none from :data:`ZERO_AT` times the naive error on; in between, in proportion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.teach.describe import fmt
from crmkit.teach.diagnose import compare
from crmkit.teach.results import Result

__all__ = ["score_forecast", "ZERO_AT"]

#: The error, as a multiple of the naive forecast's, at which a forecast scores nothing.
ZERO_AT = 1.5


def score_forecast(name: str, answer, truth: pd.Series, baseline: pd.Series, baseline_words: str) -> Result:
    """Score ``answer`` (a Series per label, like ``truth``) by its mean absolute error
    relative to ``baseline``'s; ``detail["score"]`` is the share of the points (0 to 1).

    >>> truth = pd.Series([10.0, 0.0, 30.0], index=pd.Index([1, 2, 3], name="customer_id"))
    >>> naive = pd.Series([20.0, 0.0, 20.0], index=truth.index)
    >>> score_forecast("f", naive, truth, naive, "last year").detail["score"]
    1.0
    >>> score_forecast("f", pd.Series([22.5, 0.0, 17.5], index=truth.index), truth, naive, "last year").detail["score"]
    0.5
    """
    verdict = compare(truth, answer, rtol=0.0, atol=1e300)  # the form: a Series with one value per label
    if not verdict.ok and verdict.status != "wrong_value":  # values are judged below, not by the tolerance
        return Result(name, False, verdict.status, verdict.message, detail=verdict.detail)
    values = pd.to_numeric(answer.reindex(truth.index), errors="coerce").astype(float)
    if not np.isfinite(values).all():
        return Result(name, False, "wrong_value", "Some of your forecasts are empty or not finite numbers (NaN or "
                      "inf): give every customer a number, 0 for those you expect to buy nothing.")
    error = float((values - truth).abs().mean())
    naive = float((baseline.reindex(truth.index).fillna(0.0) - truth).abs().mean())
    ratio = error / naive if naive > 0 else (1.0 if error == 0 else np.inf)
    score = float(np.clip((ZERO_AT - ratio) / (ZERO_AT - 1.0), 0.0, 1.0))
    message = (f"Your forecast is off by {fmt(error)} per customer on average; the naive forecast ({baseline_words}) "
               f"by {fmt(naive)}. It earns {score:.0%} of the points (all at the naive error or less, none from "
               f"{ZERO_AT:g} times it).")
    status = "correct" if score >= 1.0 else "partial" if score > 0 else "wrong_value"
    return Result(name, score >= 1.0, status, message, detail={"score": score, "error": error, "naive_error": naive})
