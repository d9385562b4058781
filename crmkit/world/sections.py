"""Building blocks of the configuration schema, shared by every section's model.

Every number of a world's configuration is finite and never a ``true``/``false`` (YAML and
Python both let a boolean pass for 0 or 1: ``customers: true`` would build one customer).
Each field adds its own range where it is declared, with a comment saying why.
"""

from __future__ import annotations

import datetime as dt
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.fields import FieldInfo

from crmkit.world.vocabulary import terms


def refuse_bool(value: Any) -> Any:
    """Refuse ``True``/``False`` where a number is expected (pydantic would read them as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


Number = Annotated[float, BeforeValidator(refuse_bool), Field(allow_inf_nan=False)]
Whole = Annotated[int, BeforeValidator(refuse_bool)]
Probability = Annotated[Number, Field(ge=0, le=1)]
NonNegative = Annotated[Number, Field(ge=0)]
Positive = Annotated[Number, Field(gt=0)]
# Mix weights are normalised, so only their ratios matter; the cap keeps their sum finite.
Weight = Annotated[Number, Field(ge=0, le=1_000_000)]
# A multiplier of a rate or a hazard: ten times (or a tenth) is already a different business.
Multiplier = Annotated[Number, Field(gt=0, le=10)]
# pandas timestamps end in 2262; birth years (start year minus an age up to 110) stay after 1840.
FIRST_DATE, LAST_DATE = dt.date(1950, 1, 1), dt.date(2100, 12, 31)  # fixed: see above
Date = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE)]
# 16 is the GDPR's default age of digital consent (Art. 8), the youngest a customer record
# may hold without a parent; past 110 a birth date is a data error, not a customer.
Age = Annotated[Whole, Field(ge=16, le=110)]
Remark = Annotated[str, Field(min_length=3, description="Where the numbers come from, or that they are invented.")]


class Section(BaseModel):
    """A part of a world's configuration: unknown keys refused, immutable once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_keys(mapping: dict, vocab: str, field: str) -> dict:
    """Refuse keys outside a vocabulary list and all-zero weights (used by validators)."""
    allowed = terms(vocab)
    for key in mapping:
        if key not in allowed:
            raise ValueError(f"{field} has key {key!r}; allowed keys: {', '.join(allowed)}")
    return some_weight(mapping, field)


def some_weight(mapping: dict, field: str = "the") -> dict:
    """Refuse a mix whose weights are all zero (a mix must be able to draw something)."""
    if mapping and sum(mapping.values()) <= 0:
        raise ValueError(f"{field} weights must not all be zero")
    return mapping


def _bounds(annotation: Any, metadata: list) -> tuple[Any, dict]:
    """The bare type of ``annotation`` and the bounds (ge, gt, le, lt) it and ``metadata`` carry."""
    bounds: dict = {}
    items = list(metadata)
    optional = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(optional) == 1:  # X | None: read X
        annotation = optional[0]
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        items += extra
    while items:
        item = items.pop(0)
        if isinstance(item, FieldInfo):
            items += item.metadata
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(item, getattr(annotated_types, name.capitalize())):
                bounds[name] = getattr(item, name)
    return annotation, bounds


def describe_range(model: type[BaseModel], loc: tuple) -> str:
    """Say which values the setting at ``loc`` (a pydantic error location) allows, or ``""``.

    >>> class Box(Section):
    ...     sizes: dict[str, Annotated[int, Field(ge=1, le=50)]]
    >>> describe_range(Box, ("sizes", "a")), describe_range(Box, ("sizes",))
    ('1 <= value <= 50', '')
    """
    annotation, bounds = model, {}
    for part in loc:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return ""
            annotation, bounds = _bounds(field.annotation, field.metadata)
            continue
        args = get_args(annotation)
        if get_origin(annotation) is dict and len(args) == 2:
            annotation, bounds = _bounds(args[1], [])
        elif get_origin(annotation) in (list, tuple) and args and isinstance(part, int):
            annotation, bounds = _bounds(args[min(part, len(args) - 1)], [])  # list[X] or tuple[X, Y]
        else:
            return ""
    return _say_range(bounds)


def _say_range(bounds: dict) -> str:
    low = f"{bounds['ge']} <= " if "ge" in bounds else f"{bounds['gt']} < " if "gt" in bounds else ""
    high = f" <= {bounds['le']}" if "le" in bounds else f" < {bounds['lt']}" if "lt" in bounds else ""
    return f"{low}value{high}" if low or high else ""
