"""Answers as plain JSON: what a student's notebook records and what the instructor's key holds.

A recorded answer travels from the student's kernel to the grader, so it is untrusted data:
it is stored as JSON (never pickle, which would run code when read) and decoded into a
value the checks compare: a single value, a Series or a DataFrame, with its index and
column types kept (a month period stays a period, so the grader's messages are the ones the
student saw). Anything else is kept as a short description, which the checks then call the
wrong form. Reading never fails with anything but :class:`~crmkit.errors.DataError`.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re

import numpy as np
import pandas as pd

from crmkit.errors import DataError

__all__ = ["encode_answer", "decode_answer", "Unsupported"]

MAX_ENTRIES = 200_000  # a Series of every order of a small world fits; a runaway answer does not


class Unsupported:
    """Stands for an answer of a type the checks do not take (a dict, a figure...); it keeps
    the type's name so the message can say what was given."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def encode_answer(value) -> dict:
    """``value`` as a JSON-ready dict.

    >>> encode_answer(2.5)
    {'kind': 'scalar', 'value': {'type': 'float', 'value': 2.5}}
    >>> s = pd.Series([3, 4], index=pd.PeriodIndex(["2025-01", "2025-02"], freq="M", name="month"))
    >>> decode_answer(encode_answer(s)).equals(s), decode_answer(encode_answer(s)).index.dtype
    (True, period[M])
    """
    try:
        if isinstance(value, pd.DataFrame) and value.size <= MAX_ENTRIES:
            return {"kind": "frame", "index": _encode_array(value.index),
                    "columns": [_encode_scalar(c) for c in value.columns],
                    "data": [_encode_array(value.iloc[:, i]) for i in range(value.shape[1])]}
        if isinstance(value, pd.Series) and len(value) <= MAX_ENTRIES:
            return {"kind": "series", "name": _encode_scalar(value.name), "index": _encode_array(value.index),
                    "values": _encode_array(value)}
    except (TypeError, ValueError):  # entries the checks cannot read either (dicts, objects...)
        pass
    if value is None:
        return {"kind": "none"}
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return {"kind": "other", "type": type(value).__name__, "text": "too large, or holding values of no supported type"}
    if _is_scalar(value):
        return {"kind": "scalar", "value": _encode_scalar(value)}
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)) and len(value) <= MAX_ENTRIES:
        try:
            return {"kind": "list", "values": [_encode_scalar(v) for v in list(value)]}
        except (TypeError, ValueError):
            pass
    return {"kind": "other", "type": type(value).__name__[:60], "text": repr(value)[:200]}


def decode_answer(data):
    """The value encoded by :func:`encode_answer` (raises :class:`DataError` when unreadable).

    >>> decode_answer({"kind": "scalar", "value": {"type": "int", "value": 7}})
    7
    >>> decode_answer({"kind": "other", "type": "dict", "text": "{}"})
    <dict: {}>
    """
    try:
        return _decode(data)
    except DataError:
        raise
    except Exception as error:  # untrusted input: any failure means "unreadable", said in one way
        raise DataError(f"the recorded answer could not be read ({type(error).__name__}: {str(error)[:120]})") from None


def _decode(data):
    kind = data["kind"]
    if kind == "none":
        return None
    if kind == "scalar":
        return _decode_scalar(data["value"])
    if kind == "series":
        index = _decode_array(data["index"], index=True)
        return pd.Series(_decode_array(data["values"]), index=index, name=_decode_scalar(data["name"]))
    if kind == "frame":
        index = _decode_array(data["index"], index=True)
        columns = [_decode_scalar(c) for c in data["columns"]]
        frame = pd.DataFrame({i: _decode_array(col) for i, col in enumerate(data["data"])}, index=index)
        frame.columns = pd.Index(columns)
        return frame
    if kind == "list":
        return [_decode_scalar(v) for v in _bounded(data["values"])]
    if kind == "other":
        name = re.sub(r"\W", "", str(data.get("type", "object")))[:60] or "object"
        return Unsupported(name, str(data.get("text", ""))[:200])
    raise DataError(f"unknown answer kind {kind!r}")


def _is_scalar(value) -> bool:
    return isinstance(value, (numbers.Number, np.generic, str, datetime.date, pd.Timestamp, pd.Period)) and np.ndim(value) == 0


def _encode_scalar(value) -> dict:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return {"type": "missing", "value": "nan" if isinstance(value, float) else None}
    if isinstance(value, (bool, np.bool_)):
        return {"type": "bool", "value": bool(value)}
    if isinstance(value, (numbers.Integral, np.integer)):
        return {"type": "int", "value": int(value)}
    if isinstance(value, (numbers.Real, np.floating)):
        number = float(value)
        return {"type": "float", "value": number if math.isfinite(number) else str(number)}
    if isinstance(value, pd.Period):
        return {"type": "period", "value": str(value), "freq": value.freqstr}
    if isinstance(value, (pd.Timestamp, datetime.datetime, datetime.date, np.datetime64)):
        return {"type": "timestamp", "value": pd.Timestamp(value).isoformat()}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    raise TypeError(f"cannot record a {type(value).__name__} inside an answer")


def _decode_scalar(data):
    kind, value = data["type"], data["value"]
    if kind == "missing":
        return float("nan") if value == "nan" else None
    if kind == "float":
        return float(value)
    if kind in ("int", "bool", "str"):
        checked = {"int": int, "bool": bool, "str": str}[kind]
        if type(value) is not checked:
            raise DataError(f"a {kind} answer holds a {type(value).__name__}")
        return value
    if kind == "period":
        return pd.Period(str(value), freq=str(data["freq"]))
    if kind == "timestamp":
        return pd.Timestamp(str(value))
    raise DataError(f"unknown value type {kind!r}")


def _encode_array(values) -> dict:
    dtype = values.dtype
    names = list(values.names) if isinstance(values, pd.MultiIndex) else None
    if names is not None:
        return {"dtype": "multi", "names": [_encode_scalar(n) for n in names],
                "levels": [_encode_array(values.get_level_values(i)) for i in range(values.nlevels)]}
    name = _encode_scalar(values.name) if isinstance(values, pd.Index) else None
    if isinstance(dtype, pd.PeriodDtype):
        return {"dtype": "period", "freq": str(dtype)[len("period["):-1], "name": name,
                "values": [None if pd.isna(v) else str(v) for v in values]}
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return {"dtype": "datetime", "unit": str(getattr(dtype, "unit", None) or np.datetime_data(dtype)[0]), "name": name,
                "values": [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in values]}
    encoded = {"dtype": str(dtype), "name": name, "values": [_encode_scalar(v) for v in values]}
    if isinstance(dtype, pd.CategoricalDtype):
        encoded.update(categories=[_encode_scalar(c) for c in dtype.categories], ordered=bool(dtype.ordered))
    return encoded


def _decode_array(data, index: bool = False):
    dtype = str(data["dtype"])
    if dtype == "multi":
        levels = [_decode_array(level, index=True) for level in data["levels"]]
        return pd.MultiIndex.from_arrays(levels, names=[_decode_scalar(n) for n in data["names"]])
    name = _decode_scalar(data["name"]) if data.get("name") is not None else None
    raw = _bounded(data["values"])
    if dtype == "period":
        array = pd.PeriodIndex([None if v is None else str(v) for v in raw], freq=str(data["freq"]))
    elif dtype == "datetime":
        array = pd.DatetimeIndex([None if v is None else str(v) for v in raw])
        unit = str(data.get("unit", "ns"))
        array = array.as_unit(unit) if unit in ("s", "ms", "us", "ns") else array
    elif dtype == "category":
        categories = [_decode_scalar(c) for c in _bounded(data["categories"])]
        array = pd.CategoricalIndex([_decode_scalar(v) for v in raw], categories=categories, ordered=bool(data["ordered"]))
    else:
        array = pd.Index([_decode_scalar(v) for v in raw], dtype=object)
        if dtype in _SAFE_DTYPES or dtype.startswith(("int", "uint", "float", "Int", "UInt", "Float")):
            array = array.astype(dtype)
    array = array.rename(name)
    return array if index else array.array


_SAFE_DTYPES = {"bool", "boolean", "str", "string", "object"}


def _bounded(values) -> list:
    if not isinstance(values, list) or len(values) > MAX_ENTRIES:
        raise DataError(f"an answer may hold at most {MAX_ENTRIES:,} entries")
    return values
