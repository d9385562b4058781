"""What a case says about itself beyond its world: its shipped dataset and its strategy levers.

Both are optional sections of a case's ``world.yaml``; the kit's dataset list and the
model-company lessons read them, so a new case needs no code to join either.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from crmkit.world.sections import Remark, Section, Whole

Setting = str | bool | int | float


class Dataset(Section):
    """The small ready-made world the kit ships for the case (``crmkit datasets``)."""

    remark: Remark
    # Shipped datasets are read in class, on a laptop: 50,000 customers is a few hundred MB of CSV.
    customers: Whole = Field(ge=1, le=50_000, description="Customers of the shipped dataset.")
    seed: Whole = Field(ge=0, le=2**63 - 1, description="Master seed of the shipped dataset.")


class Levers(Section):
    """The settings through which the case imitates its company's strategy."""

    remark: Remark
    company: Annotated[str, Field(min_length=2)] = Field(description="The model company's display name.")
    # The comparison lesson lists the model companies in this order (lowest first).
    order: Whole = Field(ge=0, le=1000)
    switch_off: dict[str, dict[str, Setting]] = Field(
        {}, description="Each lever's name -> the settings (dotted paths) that switch it off; the first is the main one.")

    @field_validator("switch_off")
    @classmethod
    def _paths(cls, v):
        for lever, settings in v.items():
            if not settings:
                raise ValueError(f"lever {lever!r} names no setting to switch it off")
            for path in settings:
                if not all(part.isidentifier() for part in path.split(".")):
                    raise ValueError(f"lever {lever!r}: {path!r} is not a dotted setting path like loyalty.enabled")
        return v
