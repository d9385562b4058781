"""Small words for feedback messages: what kind of answer this is, numbers and labels in print.

Kept apart from :mod:`crmkit.teach.diagnose` so the comparison logic reads on its own.
"""

from __future__ import annotations

import datetime
import numbers

import numpy as np
import pandas as pd

__all__ = ["kind_of", "fmt", "examples", "labels_kind", "relative_gap"]

HUGE, TINY = 1e15, 1e-6  # beyond these, numbers print as 1.0e+308 instead of hundreds of digits


def kind_of(value) -> str:
    """Classify an answer: ``"scalar"``, ``"series"``, ``"frame"`` or ``"other"``.

    >>> kind_of(3.5), kind_of(pd.Series([1])), kind_of(pd.DataFrame()), kind_of([1, 2])
    ('scalar', 'series', 'frame', 'other')
    """
    if isinstance(value, pd.DataFrame):
        return "frame"
    if isinstance(value, pd.Series):
        return "series"
    if isinstance(value, np.ndarray):
        return "scalar" if value.ndim == 0 else "other"
    if isinstance(value, (numbers.Number, np.generic, str, datetime.date, pd.Timestamp, pd.Period)):
        return "scalar"
    return "other"


def fmt(value) -> str:
    """A value as a message shows it: money-like numbers with two decimals, text quoted.

    >>> fmt(1234.5), fmt(7), fmt(0.01234), fmt("gold"), fmt(pd.Timestamp("2025-03-01"))
    ('1,234.50', '7', '0.0123', "'gold'", '2025-03-01')
    >>> fmt(1e308), fmt(-3e-12), fmt(10**40)
    ('1.0e+308', '-3.0e-12', '1.0e+40')
    """
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        value = value.item()
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{value:,}" if abs(value) < HUGE else _scientific(int(value))
    if isinstance(value, numbers.Real):
        if not np.isfinite(value):
            return str(value)
        if abs(value) >= HUGE or 0 < abs(value) < TINY:  # 1e308 would print 300 digits
            return f"{value:.1e}"
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}" if 0 < abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v) for v in value) + ")"
    return str(value)


def _scientific(value: int) -> str:
    """A whole number of any size as ``1.0e+400`` (a float cannot hold past 1.8e+308)."""
    digits = str(abs(value))
    rounded = round(int(digits[:3]) / 10)  # the first two digits, rounded on the third
    lead, exponent = (rounded, len(digits) - 1) if rounded < 100 else (10, len(digits))
    return f"{'-' * (value < 0)}{lead // 10}.{lead % 10}e+{exponent:02d}"


def examples(labels, limit: int = 3) -> str:
    """Up to ``limit`` labels, then how many more.

    >>> examples([1, 2, 3, 4, 5])
    '1, 2, 3 and 2 more'
    >>> examples(["month"])
    "'month'"
    """
    labels = list(labels)
    shown = ", ".join(fmt(label) for label in labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def labels_kind(index: pd.Index) -> str:
    """What an index holds, in words: dates, periods, numbers, text or pairs of labels.

    >>> labels_kind(pd.period_range("2025-01", periods=2, freq="M")), labels_kind(pd.Index([3, 4]))
    ('periods', 'numbers')
    """
    if isinstance(index, pd.MultiIndex):
        return f"combinations of {index.nlevels} labels"
    if isinstance(index, pd.PeriodIndex):
        return "periods"
    if isinstance(index, pd.DatetimeIndex):
        return "dates"
    if pd.api.types.is_numeric_dtype(index.dtype):
        return "numbers"
    if pd.api.types.is_string_dtype(index.dtype) or index.inferred_type == "string":
        return "text"
    return f"{index.inferred_type} values"


def relative_gap(expected: float, answer: float) -> tuple[str, float]:
    """How far ``answer`` is from ``expected`` in words, and as a signed relative difference.

    The words complete "Your value ... is ___ the expected one".

    >>> relative_gap(100.0, 112.3)
    ('12.3% higher than', 0.123)
    >>> relative_gap(100.0, 350.0)
    ('3.5 times', 2.5)
    >>> relative_gap(0.0, -2.0)
    ('2.00 lower than', -inf)
    """
    if expected == 0:
        direction = "higher" if answer > 0 else "lower"
        return f"{fmt(abs(answer))} {direction} than", float(np.sign(answer) * np.inf)
    share = (answer - expected) / abs(expected)
    if expected > 0 and share >= 1:
        ratio = answer / expected
        return f"{fmt(ratio) if ratio >= HUGE else format(ratio, ',.3g')} times", round(float(share), 6)
    direction = "higher" if share > 0 else "lower"
    percent = f"{abs(share) * 100:.1f}%" if 0.001 <= abs(share) < 1e6 else f"{abs(share) * 100:.2g}%"
    return f"{percent} {direction} than", round(float(share), 6)
