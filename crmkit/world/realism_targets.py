"""What a case says its customer base must look like: ranges for the realism statistics.

A case's ``realism`` section states, for the matched cohort of
:mod:`crmkit.analytics.realism` (first purchase in the first weeks, followed 78 weeks),
the range each statistic must fall in, with a remark on where the targets come from
(``world_calibration.md``). The world tests check every case against its own ranges.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from crmkit.world.sections import Number, Probability, Remark, Section

# A fitted BG/NBD r above 50 means every customer buys alike: no customer base looks like that.
Shape = Annotated[Number, Field(gt=0, le=50)]
# Skewness of spend per purchase: CDNOW 6.4; 100 is a handful of purchases worth a fortune.
Skew = Annotated[Number, Field(ge=-100, le=100)]

RANGES = ("one_time_share", "bgnbd_r", "dropout", "top20_share", "spend_skew")


class RealismTargets(Section):
    remark: Remark
    # Defaults as CDNOW's cohort: first purchase in a quarter, followed 78 weeks [C] (world_calibration.md
    # section 1); a cohort of at most a year, followed half a year to ten years.
    cohort_weeks: int = Field(12, ge=1, le=52, description="Customers whose first purchase falls in these first weeks.")
    window_weeks: int = Field(78, ge=26, le=520, description="Weeks the cohort is followed from the start date.")
    one_time_share: tuple[Probability, Probability] = Field(description="Buyers with no repeat purchase in the window.")
    bgnbd_r: tuple[Shape, Shape] = Field(description="BG/NBD gamma shape of purchase rates (lower: more spread).")
    dropout: tuple[Probability, Probability] = Field(description="BG/NBD mean dropout per purchase, a / (a + b).")
    top20_share: tuple[Probability, Probability] = Field(description="Revenue share of the best fifth of the cohort.")
    spend_skew: tuple[Skew, Skew] = Field(description="Skewness of spend per purchase.")

    @model_validator(mode="after")
    def _ordered(self):
        for name in RANGES:
            low, high = getattr(self, name)
            if low > high:
                raise ValueError(f"{name}: the low end ({low}) must not be above the high end ({high})")
        return self

    def misses(self, statistics: dict[str, float]) -> list[str]:
        """Each statistic outside its range, in words (an empty list: all within)."""
        out = []
        for name in RANGES:
            low, high = getattr(self, name)
            if not low <= statistics[name] <= high:
                out.append(f"{name} {statistics[name]:.3f} outside {low}-{high}")
        return out
