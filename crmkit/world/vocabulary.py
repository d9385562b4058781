"""The canonical vocabulary: the allowed values of every categorical column.

A world may declare its own lists for some of them (its service issues, case reasons,
feedback topics: see :mod:`crmkit.world.codes`); every function here takes those as
``lists`` (name -> values) and falls back to the kit's lists for the others.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from crmkit import _yaml
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
        for key, values in (_yaml.safe_load(data.joinpath(name).read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"vocabulary list {key!r} is defined twice (again in {name})")
            merged[key] = tuple(values)
    return merged


def terms(name: str, lists: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Return the allowed values of one vocabulary list (the world's own ``lists`` first).

    >>> terms("loyalty_tier")
    ('none', 'bronze', 'silver', 'gold', 'platinum')
    >>> terms("case_reason", {"case_reason": ("noise", "bill")})
    ('noise', 'bill')
    """
    if lists and name in lists:
        return tuple(lists[name])
    vocab = vocabulary()
    if name not in vocab:
        raise KeyError(f"unknown vocabulary {name!r}: {describe_allowed(sorted(vocab))}")
    return vocab[name]


def category_dtype(name: str, lists: dict[str, tuple[str, ...]] | None = None) -> pd.CategoricalDtype:
    """The pandas categorical type of one vocabulary list, categories in canonical order."""
    return _dtype(terms(name, lists))


@cache
def _dtype(values: tuple[str, ...]) -> pd.CategoricalDtype:
    # Cached: building the categories index costs more than most of the tables that use it.
    return pd.CategoricalDtype(list(values))


def labels_of(name: str, codes, lists: dict[str, tuple[str, ...]] | None = None) -> pd.Categorical:
    """Integer codes of vocabulary ``name`` as a categorical (-1 = missing).

    >>> labels_of("phase", [0, -1]).tolist()
    ['awareness', nan]
    """
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), dtype=category_dtype(name, lists))


def code_of(name: str, value: str, lists: dict[str, tuple[str, ...]] | None = None) -> int:
    """Position of ``value`` in vocabulary ``name``.

    >>> code_of("phase", "expansion")
    2
    """
    return terms(name, lists).index(value)
