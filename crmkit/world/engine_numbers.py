"""The engine's generic behaviour numbers, read from ``data/engine_numbers.yaml``.

Numbers that are the same in every case (how many customers leave a field blank, how long
after an order a service call comes...) are data like a case's, each with its remark;
this module gives each its allowed range and reads them once.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Annotated

from pydantic import Field

from crmkit import _yaml
from crmkit.world.sections import Positive, Probability, Remark, Section


class Share(Section):
    value: Probability
    remark: Remark


class Days(Section):
    value: Annotated[Positive, Field(le=365)]  # a delay of over a year is no longer a reaction to the order
    remark: Remark


class Hours(Section):
    value: Annotated[Positive, Field(le=48)]  # an email read or an event held more than two days later is another visit
    remark: Remark


class Spread(Section):
    value: Annotated[Positive, Field(le=3)]  # log-normal sigma 3 puts the 95th percentile at 140 times the median
    remark: Remark


class Shape(Section):
    value: Annotated[Positive, Field(ge=0.1, le=100)]  # gamma shape: 0.1 is nearly all at zero, 100 all alike
    remark: Remark


class PeopleNumbers(Section):
    missing_email: Share
    missing_phone: Share
    missing_birth_year: Share
    churn_spread: Spread
    response_shape: Shape
    sensitivity_shape: Shape


class TouchpointNumbers(Section):
    browse_days: Days
    registration_days: Days
    contact_days: Days
    first_day: Days
    phone_share: Share
    reply_share: Share
    open_share: Share
    click_share: Share
    open_hours: Hours
    event_hours: Hours


class EngineNumbers(Section):
    people: PeopleNumbers
    touchpoints: TouchpointNumbers


@cache
def engine_numbers() -> EngineNumbers:
    """The engine's numbers (validated once, then cached)."""
    text = files("crmkit.world.data").joinpath("engine_numbers.yaml").read_text(encoding="utf-8")
    return EngineNumbers.model_validate(_yaml.safe_load(text))
