"""The canonical vocabulary: the allowed values of every categorical column."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import yaml

from crmkit.errors import describe_allowed


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Return every vocabulary list by name.

    >>> vocabulary()["phase"]
    ('awareness', 'exploration', 'expansion', 'commitment', 'dissolution')
    """
    merged: dict[str, tuple[str, ...]] = {}
    # vocabulary.yaml, then one fragment per domain (vocabulary_sales.yaml, ...), sorted.
    data = files("crmkit.world.data")
    for name in sorted(p.name for p in data.iterdir() if p.name.startswith("vocabulary") and p.name.endswith(".yaml")):
        for key, values in (yaml.safe_load(data.joinpath(name).read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"vocabulary list {key!r} is defined twice (again in {name})")
            merged[key] = tuple(values)
    return merged


def terms(name: str) -> tuple[str, ...]:
    """Return the allowed values of one vocabulary list.

    >>> terms("loyalty_tier")
    ('none', 'bronze', 'silver', 'gold', 'platinum')
    """
    vocab = vocabulary()
    if name not in vocab:
        raise KeyError(f"unknown vocabulary {name!r}: {describe_allowed(sorted(vocab))}")
    return vocab[name]


@cache
def category_dtype(name: str) -> pd.CategoricalDtype:
    """The pandas categorical type of one vocabulary list, categories in canonical order.

    Cached: building the categories index costs more than most of the tables that use it.
    """
    return pd.CategoricalDtype(list(terms(name)))


def labels_of(name: str, codes) -> pd.Categorical:
    """Integer codes of vocabulary ``name`` as a categorical (-1 = missing).

    >>> labels_of("phase", [0, -1]).tolist()
    ['awareness', nan]
    """
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), dtype=category_dtype(name))


def code_of(name: str, value: str) -> int:
    """Position of ``value`` in vocabulary ``name``.

    >>> code_of("phase", "expansion")
    2
    """
    return terms(name).index(value)
