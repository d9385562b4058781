"""Building blocks of the configuration schema, shared by every section's model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.world.vocabulary import terms

Probability = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
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
    if mapping and sum(mapping.values()) <= 0:
        raise ValueError(f"{field} weights must not all be zero")
    return mapping
