"""Numbers of the billing and deal models that no case sets, read from data with their remarks.

They live in ``crmkit/world/data/billing_and_deals.yaml``, each with a remark on where it comes
from, so that what drives a world is data a reader can find, not a literal in the code.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


from crmkit import _yaml
from crmkit.errors import ConfigError

__all__ = ["model_number"]


@cache
def _numbers() -> dict[str, float]:
    raw = _yaml.safe_load(files("crmkit.world.data").joinpath("billing_and_deals.yaml").read_text(encoding="utf-8"))
    return {name: float(entry["value"]) for name, entry in raw.items()}


def model_number(name: str) -> float:
    """The value of one model number.

    >>> model_number("stage_days_shape")
    2.0
    >>> model_number("warp_factor")
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: model number 'warp_factor' is not in billing_and_deals.yaml; known: issue_lag_shape, defaulter_paid_share_max, instalment_first_share_low, instalment_first_share_high, refund_min_days, refund_min_spread_days, stage_days_shape
    """
    numbers = _numbers()
    if name not in numbers:
        raise ConfigError(f"model number {name!r} is not in billing_and_deals.yaml; known: {', '.join(numbers)}")
    return numbers[name]
