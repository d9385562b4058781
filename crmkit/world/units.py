"""Units of time the engine converts between: facts of the calendar, not parameters.

Inside the engine a time is a float number of days (see :mod:`crmkit.world.timeline`).
"""

from __future__ import annotations

MONTHS_PER_YEAR = 12  # fixed: the calendar
DAYS_PER_YEAR = 365.25  # fixed: the mean Julian year, leap days included
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR
DAYS_PER_COMMON_YEAR = 365  # fixed: a year without its leap day, for whole-day draws
HOURS_PER_DAY = 24  # fixed: the clock
MINUTES_PER_DAY = 1440  # fixed: 24 hours of 60 minutes
SECONDS_PER_DAY = 86400  # fixed: 24 hours of 3,600 seconds
