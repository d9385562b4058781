"""The service desk of one world prepared once, to be read at any target, origin and months.

:class:`ServiceDesk` holds every case and every order of a world as arrays
(:meth:`ServiceDesk.from_world`, the slow part, done once); calling it with a service-level
target (hours), a case origin and a range of months answers at once with a
:class:`ServiceView`: the share of cases closed within the target, first-contact resolution,
escalations, satisfaction, complaints per 1,000 orders by recorded reason, and the retention
after orders by service experience. The figures are those of
:func:`crmkit.analytics.service_levels`, :func:`~crmkit.analytics.complaint_rates` and
:func:`~crmkit.analytics.service_and_retention` at the same settings (a test pins them equal).

>>> desk = ServiceDesk.from_world(world)  # doctest: +SKIP
>>> desk(target_hours=24, origin="phone").levels.within_target  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["TARGET_HOURS", "data_end", "retention_by_experience", "ServiceDesk", "ServiceView"]

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.service_retention import EXPERIENCES, retention_after_orders
from crmkit.errors import ConfigError

#: The service-level targets (hours to close a case) an explorer offers.
TARGET_HOURS = (1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168)


def data_end(world) -> pd.Timestamp:
    """The end of a world's data: midnight after its last observed day (``observed_until``).

    >>> import types
    >>> data_end(types.SimpleNamespace(observed_until=pd.Timestamp("2025-12-31")))
    Timestamp('2026-01-01 00:00:00')
    """
    return pd.Timestamp(world.observed_until).normalize() + pd.Timedelta(days=1)


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier).dt.total_seconds() / 86400).to_numpy(dtype=float)


def retention_by_experience(experience, retained) -> pd.DataFrame:
    """Retention per service experience and its difference from orders without a complaint.

    Parameters
    ----------
    experience : array of int
        Per order: 0 complaint resolved badly, 1 resolved well, 2 no complaint.
    retained : array of bool
        Per order: the customer bought again.

    Returns
    -------
    DataFrame
        The columns of :func:`crmkit.analytics.service_and_retention`: ``experience``,
        ``orders``, ``retained``, ``retention_rate``, ``difference`` (vs no_complaint) and
        its 95% normal-approximation interval ``ci_low``-``ci_high``.

    Examples
    --------
    >>> retention_by_experience([2, 2, 2, 2, 0, 0], [True, True, True, False, True, False])[
    ...     ["experience", "orders", "retention_rate", "difference"]]
           experience  orders  retention_rate  difference
    0    no_complaint       4            0.75        0.00
    1   resolved_well       0             NaN         NaN
    2  resolved_badly       2            0.50       -0.25
    """
    codes = np.asarray(experience, dtype=int)
    back = np.asarray(retained, dtype=bool)
    orders = np.bincount(codes, minlength=3)[[2, 1, 0]]  # in the order of EXPERIENCES
    kept = np.bincount(codes[back], minlength=3)[[2, 1, 0]]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(orders > 0, kept / np.maximum(orders, 1), np.nan)
        difference = rate - rate[0]
        p0 = rate[0]
        se = np.sqrt(rate * (1 - rate) / np.where(orders > 0, orders, np.nan) + p0 * (1 - p0) / max(orders[0], 1))
    low, high = difference - 1.96 * se, difference + 1.96 * se
    low[0] = high[0] = 0.0
    return pd.DataFrame({"experience": list(EXPERIENCES), "orders": orders, "retained": kept, "retention_rate": rate,
                         "difference": difference, "ci_low": low, "ci_high": high})


def _month_index(times: pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    ordinal = times.dt.to_period("M").astype("period[M]").array.asi8 if len(times) else np.zeros(0, dtype=np.int64)
    return (ordinal - months[0].ordinal).astype(np.int64)


def _decided_outcome(cases: pd.DataFrame) -> np.ndarray:
    """Each complaint's outcome when the record decides it whatever the target (the rules of
    :func:`crmkit.analytics.complaint_outcomes` before time to close): 1.0 well, 0.0 badly,
    NaN when only the time to close can tell."""
    csat = cases.csat.astype("Float64").astype(float).to_numpy()
    rules = [(~np.isnan(csat), (csat >= 4).astype(float)), (cases.first_contact_resolution.to_numpy(bool), 1.0),
             (cases.escalated.to_numpy(bool), 0.0), (cases.closed_at.isna().to_numpy(), 0.0)]
    return np.select([r[0] for r in rules], [r[1] for r in rules], np.nan)


@dataclass(frozen=True, eq=False)
class ServiceView:
    """The service desk at one setting: ``levels`` (cases, due, within_target,
    first_contact_resolution, escalation_rate, mean_csat), ``monthly`` (within target per
    month opened), ``complaints`` (per recorded reason) and ``retention`` (per experience)."""

    target_hours: float
    origin: str
    first_month: pd.Period
    last_month: pd.Period
    levels: pd.Series
    monthly: pd.DataFrame
    complaints: pd.DataFrame
    retention: pd.DataFrame

    def __str__(self) -> str:
        lv = self.levels
        return (f"{self.origin} cases {self.first_month}..{self.last_month}: {lv.within_target:.1%} of "
                f"{lv.due:.0f} due cases "
                f"closed within {self.target_hours:g} h; first-contact resolution {lv.first_contact_resolution:.1%}; "
                f"escalated {lv.escalation_rate:.1%}; mean CSAT {lv.mean_csat:.2f}")

    def _repr_html_(self) -> str:
        return (f"<p>{self}</p>" + self.complaints.to_html(index=False, float_format="{:.3f}".format)
                + self.retention.to_html(index=False, float_format="{:.3f}".format))


@dataclass(frozen=True, eq=False)
class ServiceDesk:
    """Cases, order counts and orders' complaints of one world as arrays, built once by
    :meth:`from_world`; call it with the settings to get a :class:`ServiceView`."""

    months: pd.PeriodIndex
    cases: dict  # arrays, one entry per case: month, origin, reason_code, days_to_close, days_open_at_end, ...
    orders_per_month: np.ndarray
    kept_orders: dict  # arrays, one entry per order with a whole retention window: month, retained
    complaints: dict  # arrays, one entry per complaint on a kept order: position, origin, decided, days_to_close
    origins: tuple = field(default=())
    reasons: tuple = field(default=())
    month_starts: pd.DatetimeIndex = field(default=None)

    @classmethod
    def from_world(cls, world, from_days: float = 180, to_days: float = 365) -> ServiceDesk:
        """Prepare a world's cases and orders (the slow part, done once).

        Retention after an order is as in :func:`crmkit.analytics.retention_after_orders`: the
        customer ordered again ``from_days`` to ``to_days`` after it; only orders with that whole
        window before :func:`data_end` count.
        """
        start = pd.Timestamp(world.config.calendar.start_date)
        end = data_end(world)
        months = pd.period_range(start, world.observed_until, freq="M")
        c = world.cases
        reason_code, reasons = pd.factorize(c.reason.astype(str), sort=True)
        cases = {
            "month": _month_index(c.opened_at, months), "origin": c.origin.astype(str).to_numpy(),
            "reason_code": reason_code, "is_complaint": c.is_complaint.to_numpy(bool),
            "days_to_close": _days(c.closed_at, c.opened_at),
            "days_open_at_end": _days(pd.Series(end, index=c.index), c.opened_at),
            "fcr": c.first_contact_resolution.to_numpy(float), "escalated": c.escalated.to_numpy(float),
            "csat": c.csat.astype("Float64").astype(float).to_numpy()}
        orders = world.orders
        per_month = np.bincount(_month_index(orders.ordered_at, months), minlength=len(months))[:len(months)]
        kept = retention_after_orders(orders, c.iloc[:0], from_days, to_days, as_of=end)  # no cases: who came back
        complained = c[c.is_complaint.astype(bool) & c.order_id.isin(kept.order_id)]
        position = pd.Series(np.arange(len(kept)), index=kept.order_id)
        kept = {"month": _month_index(kept.ordered_at, months), "retained": kept.retained.to_numpy(bool)}
        complaints = {"position": position.loc[complained.order_id.astype("int64")].to_numpy(),
                      "origin": complained.origin.astype(str).to_numpy(), "decided": _decided_outcome(complained),
                      "days_to_close": _days(complained.closed_at, complained.opened_at)}
        origins = (tuple(str(o) for o in c.origin.cat.categories) if hasattr(c.origin, "cat")
                   else tuple(sorted(set(cases["origin"]))))
        return cls(months, cases, per_month, kept, complaints, origins, tuple(str(r) for r in reasons),
                   months.to_timestamp())

    def __call__(self, target_hours: float = 48, origin: str = "all", first_month=None,
                 last_month=None) -> ServiceView:
        """The service desk for one target, origin (``"all"`` or one of the world's) and month range.

        Cases count by the month they were opened, orders by the month they were placed; the
        range includes both ends (``"2024-01"`` style labels; None = the first or last month).
        """
        if not isinstance(target_hours, (int, float)) or target_hours <= 0:
            raise ConfigError(f"target_hours = {target_hours!r}: give a positive number of hours")
        check_choice("origin", origin, ("all", *self.origins))
        low, high = self._month_range(first_month, last_month)
        cases, target_days = self.cases, target_hours / 24
        days = cases["days_to_close"]
        due = ~np.isnan(days) | (cases["days_open_at_end"] > target_days)  # an open case past its target missed it
        in_time = due & (np.nan_to_num(days, nan=np.inf) <= target_days)
        by_origin = np.ones(len(days), bool) if origin == "all" else cases["origin"] == origin
        chosen = by_origin & (cases["month"] >= low) & (cases["month"] <= high)
        months = cases["month"]
        per_month = np.bincount(months[by_origin & due], minlength=len(self.months))
        monthly = pd.DataFrame({"month": self.month_starts, "due": per_month,
                                "within_target": np.bincount(months[by_origin & in_time], minlength=len(self.months)) /
                                np.where(per_month > 0, per_month, np.nan)})
        return ServiceView(float(target_hours), origin, self.months[low], self.months[high],
                           self._levels(chosen, due, in_time), monthly, self._complaints(chosen, low, high),
                           self._retention(target_days, origin, low, high))

    def _month_range(self, first_month, last_month) -> tuple[int, int]:
        labels = [str(m) for m in self.months]
        first = labels[0] if first_month is None else str(first_month)
        last = labels[-1] if last_month is None else str(last_month)
        check_choice("first_month", first, labels)
        check_choice("last_month", last, labels)
        low, high = sorted((labels.index(first), labels.index(last)))  # a reversed range is read the right way round
        return low, high

    def _levels(self, chosen: np.ndarray, due: np.ndarray, in_time: np.ndarray) -> pd.Series:
        """The service levels of the ``chosen`` cases, as :func:`crmkit.analytics.service_levels` gives them."""
        cases = self.cases
        csat = cases["csat"][chosen]
        answered = ~np.isnan(csat)
        return pd.Series({"cases": float(chosen.sum()), "due": float(due[chosen].sum()),
                          "within_target": in_time[chosen].sum() / due[chosen].sum() if due[chosen].any() else np.nan,
                          "first_contact_resolution": cases["fcr"][chosen].mean() if chosen.any() else np.nan,
                          "escalation_rate": cases["escalated"][chosen].mean() if chosen.any() else np.nan,
                          "mean_csat": csat[answered].mean() if answered.any() else np.nan})

    def _complaints(self, chosen: np.ndarray, low: int, high: int) -> pd.DataFrame:
        """Complaints per recorded reason (as :func:`crmkit.analytics.complaint_rates`), most first."""
        codes = self.cases["reason_code"][chosen & self.cases["is_complaint"]]
        counts = np.bincount(codes, minlength=len(self.reasons))
        order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], self.reasons[i]))
        complaints = counts[order]
        orders = self.orders_per_month[low:high + 1].sum()
        return pd.DataFrame({"reason": pd.Series([self.reasons[i] for i in order], dtype="str"),
                             "complaints": complaints, "share_of_complaints": complaints / max(complaints.sum(), 1),
                             "per_1000_orders": 1000 * complaints / max(orders, 1)})

    def _retention(self, target_days: float, origin: str, low: int, high: int) -> pd.DataFrame:
        """Retention after the kept orders of months ``low..high`` by service experience; with one
        origin, orders whose complaints all came in another way are left out."""
        kept, c = self.kept_orders, self.complaints
        mine = np.ones(len(c["origin"]), bool) if origin == "all" else (c["origin"] == origin)
        well = np.where(np.isnan(c["decided"]), c["days_to_close"] <= target_days, c["decided"] == 1.0)
        worst = np.full(len(kept["month"]), 2)  # 2 = no complaint; the worst complaint of an order counts
        np.minimum.at(worst, c["position"][mine], well[mine].astype(int))
        elsewhere = np.zeros(len(worst), bool)
        elsewhere[c["position"][~mine]] = True
        keep = (kept["month"] >= low) & (kept["month"] <= high) & ~(elsewhere & (worst == 2))
        return retention_by_experience(worst[keep], kept["retained"][keep])
