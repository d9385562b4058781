"""Working calendars: which days count, and turning working-day offsets into dates.

The schedule counts time in working days from the project start. Offset ``k`` is the
``k``-th working day (0 is the first working day on or after the start). A task that
starts at offset ``es`` and lasts ``d`` days works on days ``es`` to ``es + d - 1``; its
finish is reported at the end of day ``es + d - 1``, as Microsoft Project does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from crmkit.errors import ConfigError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)


@dataclass(frozen=True)
class WorkCalendar:
    """Working weekdays and holidays.

    >>> cal = WorkCalendar(holidays=((dt.date(2026, 1, 19), "MLK Day"),))
    >>> cal.date_at(dt.date(2026, 1, 16), 1)
    datetime.date(2026, 1, 20)
    """

    working_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    holidays: tuple[tuple[dt.date, str], ...] = ()
    hours_per_day: int = 8
    name: str = "Standard"

    def __post_init__(self):
        unknown = [d for d in self.working_days if d not in WEEKDAYS]
        if unknown or not self.working_days:
            raise ConfigError(
                f"calendar.working_days is {list(self.working_days)}; allowed: a non-empty list of {', '.join(WEEKDAYS)}"
            )

    def _busdays(self) -> np.busdaycalendar:
        weekmask = [int(day in self.working_days) for day in WEEKDAYS]
        return np.busdaycalendar(weekmask=weekmask, holidays=[day for day, _ in self.holidays])

    def date_at(self, start: dt.date, offsets):
        """The date of working day ``offsets`` (int or integer array) counted from ``start``.

        >>> WorkCalendar().date_at(dt.date(2026, 1, 3), [0, 5])  # a Saturday start
        [datetime.date(2026, 1, 5), datetime.date(2026, 1, 12)]
        """
        days = np.busday_offset(np.datetime64(start, "D"), offsets, roll="forward", busdaycal=self._busdays())
        return days.astype(object).tolist() if np.ndim(days) else days.astype(object)

    def offset_of(self, start: dt.date, day: dt.date) -> int:
        """How many working days lie from ``start`` up to (not including) ``day``.

        >>> WorkCalendar().offset_of(dt.date(2026, 1, 5), dt.date(2026, 1, 12))
        5
        """
        return int(np.busday_count(np.datetime64(start, "D"), np.datetime64(day, "D"), busdaycal=self._busdays()))

    def start_datetime(self, start: dt.date, offset: int) -> dt.datetime:
        """When work at offset ``offset`` begins: 08:00 on that working day."""
        return dt.datetime.combine(self.date_at(start, int(offset)), DAY_START)

    def finish_datetime(self, start: dt.date, offset: int) -> dt.datetime:
        """When work up to offset ``offset`` ends: 17:00 on the day before (08:00 at offset 0).

        >>> WorkCalendar().finish_datetime(dt.date(2026, 1, 5), 5)
        datetime.datetime(2026, 1, 9, 17, 0)
        """
        if offset <= 0:
            return self.start_datetime(start, 0)
        return dt.datetime.combine(self.date_at(start, int(offset) - 1), DAY_END)


def calendar_from_dict(data: dict) -> WorkCalendar:
    """Build a calendar from the ``calendar`` mapping of a plan.yaml.

    >>> calendar_from_dict({"holidays": {"2026-07-03": "Independence Day (observed)"}}).holidays
    ((datetime.date(2026, 7, 3), 'Independence Day (observed)'),)
    """
    holidays = []
    given = data.get("holidays") or {}
    if not isinstance(given, dict):
        raise ConfigError(f"calendar.holidays is {given!r}; allowed: a mapping of ISO dates to names, like 2026-07-03: Independence Day")
    for day, name in given.items():
        try:
            holidays.append((dt.date.fromisoformat(str(day)), str(name)))
        except ValueError:
            raise ConfigError(f"calendar.holidays has date {day!r}; allowed: ISO dates like 2026-07-03") from None
    days = data.get("working_days", WorkCalendar.working_days)
    if isinstance(days, str) or not isinstance(days, (list, tuple)):
        raise ConfigError(f"calendar.working_days is {days!r}; allowed: a non-empty list of {', '.join(WEEKDAYS)}")
    hours = data.get("hours_per_day", 8)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 24:
        raise ConfigError(f"calendar.hours_per_day is {hours!r}; allowed: a whole number of hours from 1 to 24")
    return WorkCalendar(
        working_days=tuple(days),
        holidays=tuple(sorted(holidays)),
        hours_per_day=hours,
        name=str(data.get("name", "Standard")),
    )
