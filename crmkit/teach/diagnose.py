"""Compare a learner's answer with the expected one and say *what* differs.

:func:`compare` is the engine behind every exercise check. It never answers only "wrong":
a wrong type, a wrong shape, wrong index labels, missing columns or values that are off
each get their own sentence, with numbers (how many entries, by how much, an example).
Answers are never changed: every comparison works on copies.
"""

from __future__ import annotations

import datetime
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.teach.describe import examples, fmt, kind_of, labels_kind, relative_gap

__all__ = ["Verdict", "compare", "SUPPORTED_ANSWERS"]

SUPPORTED_ANSWERS = "a single value (number, text, date), a pandas Series or a pandas DataFrame"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison.

    ``status`` is ``"correct"``, ``"no_answer"``, ``"wrong_form"`` (type, shape, index or
    columns) or ``"wrong_value"``; ``detail`` holds the figures the message quotes.
    """

    ok: bool
    status: str
    message: str
    detail: dict = field(default_factory=dict)


CORRECT = Verdict(True, "correct", "Correct.")


def compare(expected, answer, *, rtol: float = 1e-3, atol: float = 1e-6, ordered: bool = False) -> Verdict:
    """Compare ``answer`` with ``expected`` and explain the first difference found.

    Parameters
    ----------
    expected : scalar, Series or DataFrame
        The reference answer.
    answer : object
        What the learner gave.
    rtol, atol : float
        Numbers match when ``|answer - expected| <= atol + rtol * |expected|``.
    ordered : bool
        Whether the order of the entries matters (a top-10 list), not only their labels.

    Examples
    --------
    >>> compare(10.0, 10.001).ok
    True
    >>> compare(10.0, 12.0).message
    'Your value 12.00 is 20.0% higher than the expected one.'
    >>> compare(10.0, float("nan")).message.split(":")[0]
    'Your answer is empty'
    >>> compare(10.0, 1e308).message
    'Your value 1.0e+308 is 1.0e+307 times the expected one.'
    >>> s = pd.Series([3, 4], index=pd.Index(["a", "b"], name="month"))
    >>> compare(s, pd.Series([3, 4, 5], index=["a", "b", "c"])).message
    "Your Series has 1 extra entry ('c'); expected one per 'month' (2 in all)."
    """
    if answer is None:
        return Verdict(False, "no_answer", "There is no answer yet (the value is None): "
                       "did you assign the result, or forget a `return` in your function?")
    expected_kind, answer_kind = kind_of(expected), kind_of(answer)
    if expected_kind != answer_kind:
        return _wrong_kind(expected, answer, expected_kind, answer_kind)
    if expected_kind == "scalar":
        return _compare_scalars(expected, answer, rtol, atol)
    if expected_kind == "series":
        return _compare_series(expected, answer, rtol, atol, ordered, what="Series")
    return _compare_frames(expected, answer, rtol, atol, ordered)


def _wrong_kind(expected, answer, expected_kind: str, answer_kind: str) -> Verdict:
    per = f"'{expected.index.name}'" if getattr(getattr(expected, "index", None), "name", None) is not None else "entry"
    wanted = {"scalar": "a single value", "series": f"a pandas Series with one value per {per}",
              "frame": f"a table (DataFrame) with the columns {examples(getattr(expected, 'columns', []), 8)}"}
    size = 1 if answer_kind in ("scalar", "other") else len(answer)
    got = {"scalar": f"a single value ({fmt(answer)})", "series": f"a Series of {size} value{'s' * (size != 1)}",
           "frame": f"a DataFrame with the columns {examples(getattr(answer, 'columns', []), 8)}",
           "other": f"a {type(answer).__name__}"}[answer_kind]
    hint = ""
    index_name = getattr(getattr(expected, "index", None), "name", None)
    if answer_kind == "frame" and expected_kind == "series" and index_name in answer.columns:
        hint = f" Put {index_name!r} back in the index, e.g. with .set_index({index_name!r}), and keep one column."
    elif answer_kind == "frame" and expected_kind == "series" and answer.shape[1] == 1:
        hint = " Select its one column (table['column']) to get a Series."
    elif answer_kind in ("series", "frame") and expected_kind == "scalar" and answer.size == 1:
        hint = " Take the value out with .item()."
    elif answer_kind == "series" and expected_kind == "frame":
        hint = " Turn it into a table, e.g. with .to_frame() or .reset_index()."
    elif answer_kind == "other" and isinstance(answer, (list, tuple, np.ndarray, pd.Index)):
        hint = " Keep the labels: build a pandas object (groupby, value_counts...) instead of a list or array."
    return Verdict(False, "wrong_form", f"You gave {got}; the question asks for {wanted[expected_kind]}.{hint}",
                   {"expected_kind": expected_kind, "answer_kind": answer_kind})


def _compare_scalars(expected, answer, rtol: float, atol: float) -> Verdict:
    expected, answer = _unwrap(expected), _unwrap(answer)
    if _is_number(expected):
        if not _is_number(answer):
            return Verdict(False, "wrong_form", f"You gave {fmt(answer)} ({type(answer).__name__}); the question asks for a number.",
                           {"answer_type": type(answer).__name__})
        if _numbers_match(expected, answer, rtol, atol):
            return CORRECT
        if not np.isfinite(float(answer)):
            return _not_finite(float(answer))
        gap = relative_gap(float(expected), float(answer))
        return Verdict(False, "wrong_value", f"Your value {fmt(answer)} is {gap[0]} the expected one.",
                       {"relative_difference": gap[1]})
    if isinstance(expected, (pd.Timestamp, datetime.date)):
        return _compare_dates(expected, answer)
    if _text_equal(expected, answer):
        return CORRECT
    return Verdict(False, "wrong_value", f"Your answer {fmt(answer)} is not the expected one.", {})


def _not_finite(answer: float) -> Verdict:
    """NaN or infinity: no distance to speak of; say what such a value usually comes from."""
    if np.isnan(answer):
        return Verdict(False, "wrong_value", "Your answer is empty: NaN means 'not a number'. That usually comes from "
                       "a mean, a maximum or a ratio over an empty selection (a filter that kept no rows), or from a "
                       "missing value; check how many rows your selection keeps.", {"not_a_number": True})
    return Verdict(False, "wrong_value", f"Your answer is {answer}: infinite. That usually comes from dividing by "
                   "zero (a ratio over a group with no rows or a zero count).", {"not_a_number": True})


def _compare_dates(expected, answer) -> Verdict:
    try:
        days = (pd.Timestamp(answer) - pd.Timestamp(expected)) / pd.Timedelta(days=1)
    except (TypeError, ValueError):
        return Verdict(False, "wrong_form", f"You gave {fmt(answer)}; the question asks for a date.", {})
    if days == 0:
        return CORRECT
    when = "later" if days > 0 else "earlier"
    size = fmt(int(abs(days))) if float(days).is_integer() else fmt(abs(days))
    return Verdict(False, "wrong_value", f"Your date {fmt(pd.Timestamp(answer))} is {size} days {when} than the expected one.",
                   {"days_off": float(days)})


def _compare_series(expected: pd.Series, answer: pd.Series, rtol, atol, ordered, what: str, column=None) -> Verdict:
    verdict = _compare_index(expected.index, answer.index, what, ordered)
    if not verdict.ok:
        return verdict
    aligned = answer if ordered else answer.reindex(expected.index)
    differs = _differing(expected, aligned, rtol, atol)
    if not differs.any():
        return CORRECT
    where = f"In column '{column}', " if column is not None else ""
    count = int(differs.sum())
    first = expected.index[np.argmax(differs)]
    message = (f"{where}{count} of {len(expected)} values differ; for {fmt(first)} you have "
               f"{fmt(aligned[differs].iloc[0])}.")
    ratio = _common_ratio(expected, aligned)
    if ratio is not None:
        message += f" Every value is {fmt(ratio)} times the expected one."
    return Verdict(False, "wrong_value", message[0].upper() + message[1:],
                   {"values_differing": count, "common_ratio": ratio, "column": column})


def _compare_index(expected: pd.Index, answer: pd.Index, what: str, ordered: bool) -> Verdict:
    name = f"'{expected.name}'" if expected.name is not None else "label"
    if answer.has_duplicates:
        duplicated = answer[answer.duplicated()].unique()
        return Verdict(False, "wrong_form", f"Your {what} has the label {fmt(duplicated[0])} more than once "
                       f"({len(duplicated)} repeated labels): group so there is one row per {name}.",
                       {"duplicated_labels": len(duplicated)})
    extra, missing = answer.difference(expected, sort=False), expected.difference(answer, sort=False)
    if len(extra) == len(answer) and len(answer) > 0:
        return _no_common_labels(expected, answer, what, name)
    if len(extra) or len(missing):
        parts = []
        if len(extra):
            parts.append(f"has {_entries(len(extra), 'extra ')} ({examples(extra)})")
        if len(missing):
            parts.append(f"misses {_entries(len(missing))} ({examples(missing)})")
        return Verdict(False, "wrong_form", f"Your {what} {' and '.join(parts)}; expected one per {name} ({len(expected)} in all).",
                       {"extra_labels": len(extra), "missing_labels": len(missing)})
    if ordered and not answer.equals(expected):
        return Verdict(False, "wrong_form", f"Your {what} has the right entries in the wrong order: "
                       "sort it as the question asks.", {"order": "different"})
    return CORRECT


def _entries(count: int, adjective: str = "") -> str:
    return f"{count} {adjective}entr{'y' if count == 1 else 'ies'}"


def _no_common_labels(expected: pd.Index, answer: pd.Index, what: str, name: str) -> Verdict:
    yours, theirs = labels_kind(answer), labels_kind(expected)
    message = (f"None of your {what}'s labels match: yours are {yours} like {examples(answer)}; "
               f"expected {theirs} like {examples(expected)} (one per {name}).")
    if isinstance(answer, pd.RangeIndex) and expected.name is not None:
        message += f" Put {name} in the index (groupby it, or .set_index('{expected.name}'))."
    elif yours == "dates" and theirs == "periods":
        message += f" Turn the dates into periods, e.g. with .dt.to_period('{expected.freqstr}')."
    return Verdict(False, "wrong_form", message, {"labels": "no overlap", "answer_labels": yours, "expected_labels": theirs})


def _compare_frames(expected: pd.DataFrame, answer: pd.DataFrame, rtol, atol, ordered) -> Verdict:
    if answer.columns.has_duplicates:
        repeated = answer.columns[answer.columns.duplicated()].unique()
        return Verdict(False, "wrong_form", f"Your table has the column {fmt(repeated[0])} more than once.",
                       {"duplicated_columns": len(repeated)})
    missing = [c for c in expected.columns if c not in answer.columns]
    extra = [c for c in answer.columns if c not in expected.columns]
    index_names = [n for n in expected.index.names if n is not None]
    if any(n in extra for n in index_names):
        return Verdict(False, "wrong_form", f"Your table has {examples(index_names)} as a column; the question has it as "
                       f"the index: use .set_index({index_names[0]!r}).", {"index_as_column": True})
    if missing or extra:
        parts = [f"misses the column{'s' * (len(missing) > 1)} {examples(missing, 8)}" if missing else "",
                 f"has the extra column{'s' * (len(extra) > 1)} {examples(extra, 8)}" if extra else ""]
        hint = " (reset_index() turns the index into a column)" if any(n in missing for n in answer.index.names) else ""
        return Verdict(False, "wrong_form", f"Your table {' and '.join(p for p in parts if p)}{hint}.",
                       {"missing_columns": missing, "extra_columns": extra})
    verdict = _compare_index(expected.index, answer.index, "table", ordered)
    if not verdict.ok:
        return verdict
    for column in expected.columns:
        verdict = _compare_series(expected[column], answer[column], rtol, atol, ordered, "table", column=column)
        if not verdict.ok:
            return verdict
    return CORRECT


def _differing(expected: pd.Series, answer: pd.Series, rtol: float, atol: float) -> np.ndarray:
    """A boolean array: which aligned entries differ (missing on both sides counts as equal)."""
    if _numeric(expected) and _numeric(answer):
        e, a = (s.to_numpy(dtype=float, na_value=np.nan) for s in (expected, answer))
        return ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    e, a = _folded(expected), _folded(answer)
    both_missing = e.isna().to_numpy() & a.isna().to_numpy()
    return ~((e.to_numpy() == a.to_numpy()) | both_missing)


def _folded(series: pd.Series) -> pd.Series:
    """Text without case and surrounding spaces, so 'Gold ' matches 'gold'; other values as they are."""
    return series.astype(object).map(lambda v: v.strip().casefold() if isinstance(v, str) else v)


def _common_ratio(expected: pd.Series, answer: pd.Series) -> float | None:
    """The factor every answer value shares with the expected one (a sum for a mean...), if any."""
    if not (_numeric(expected) and _numeric(answer)) or len(expected) < 2:
        return None
    e, a = (s.to_numpy(dtype=float, na_value=np.nan) for s in (expected, answer))
    usable = (e != 0) & np.isfinite(e) & np.isfinite(a)
    if usable.sum() < 2:
        return None
    ratios = a[usable] / e[usable]
    if np.allclose(ratios, ratios[0], rtol=1e-6) and not np.isclose(ratios[0], 1.0):
        return float(ratios[0])
    return None


def _numbers_match(expected, answer, rtol: float, atol: float) -> bool:
    return bool(np.isclose(float(answer), float(expected), rtol=rtol, atol=atol, equal_nan=True))


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _is_number(value) -> bool:
    return isinstance(value, (numbers.Number, np.number)) and not isinstance(value, (bool, np.bool_))


def _unwrap(value):
    """A numpy 0-d array or numpy scalar becomes a plain Python value."""
    return value.item() if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0 else value


def _text_equal(expected, answer) -> bool:
    """Equality that forgives case and surrounding spaces in text answers."""
    if isinstance(expected, str) and isinstance(answer, str):
        return expected.strip().casefold() == answer.strip().casefold()
    try:
        return bool(expected == answer)
    except (TypeError, ValueError):
        return False
