"""A learner's journey with one company as they write it down, checked and made a tidy table.

The events, their kinds and the invented example live here; :mod:`crmkit.analytics.my_journey`
reads the table like a synthetic customer's (and lists these names as its own).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, describe_allowed

#: What can happen in a journey, and what each kind means.
JOURNEY_KINDS = {
    "visit": "you looked around (a shop, the website, the app) without buying",
    "signup": "you became a known customer (an account, a loyalty card)",
    "order": "you bought something (give its amount)",
    "complaint": "you complained",
    "contact": "you asked the company something, not a complaint",
    "message": "the company contacted you (an email, a letter, a notification)",
    "left": "you stopped being a customer",
}
FIELDS = ("date", "channel", "kind", "amount", "note")
COLUMNS = ["occurred_at", "channel", "kind", "amount", "note"]

#: An invented example (not a real person's): a shopper's first months with a grocer.
EXAMPLE_JOURNEY = (
    {"date": "2024-03-02", "channel": "web", "kind": "visit", "note": "compared delivery slots"},
    {"date": "2024-03-09", "channel": "point_of_sale", "kind": "signup", "note": "took a loyalty card at the till"},
    {"date": "2024-03-09", "channel": "point_of_sale", "kind": "order", "amount": 42.50},
    {"date": "2024-04-20", "channel": "mobile_app", "kind": "order", "amount": 61.20},
    {"date": "2024-05-03", "channel": "call_centre", "kind": "complaint", "note": "delivery two hours late"},
    {"date": "2024-06-14", "channel": "email", "kind": "message", "note": "vouchers for things I buy"},
    {"date": "2024-06-22", "channel": "point_of_sale", "kind": "order", "amount": 38.90},
    {"date": "2024-09-07", "channel": "web", "kind": "order", "amount": 74.00},
    {"date": "2024-12-21", "channel": "point_of_sale", "kind": "order", "amount": 95.30},
)


def journey_frame(events, world=None) -> pd.DataFrame:
    """Check a written-down journey and return it as a tidy table, in time order.

    Parameters
    ----------
    events : list of dict or DataFrame
        One event a row: ``date`` (``"YYYY-MM-DD"``), ``channel`` (a touchpoint of the world),
        ``kind`` (a key of :data:`JOURNEY_KINDS`), ``amount`` (an order's, above 0; only
        orders have one) and an optional free-text ``note``.
    world : World, optional
        Its channels are the touchpoints allowed; without one, the kit's generic channels.

    Returns
    -------
    DataFrame
        ``occurred_at`` (datetime64[s]), ``channel``, ``kind``, ``amount`` (NaN but for
        orders) and ``note``, sorted by ``occurred_at`` (events of one day keep their order).

    Raises
    ------
    ConfigError
        Naming the event, the field, the value and what is allowed.

    Examples
    --------
    >>> journey = journey_frame([{"date": "2024-05-01", "channel": "web", "kind": "order", "amount": 20},
    ...                          {"date": "2024-04-01", "channel": "email", "kind": "message"}])
    >>> journey[["occurred_at", "kind", "amount"]]
      occurred_at     kind  amount
    0  2024-04-01  message     NaN
    1  2024-05-01    order    20.0
    >>> journey_frame([{"date": "2024-05-01", "channel": "pigeon", "kind": "visit"}])
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: events[0].channel = 'pigeon': not a touchpoint of this world; one of 'web', 'mobile_app', 'email', 'point_of_sale', 'call_centre', 'social', 'home_sales_event', 'product_registration', 'mail'
    """
    rows = events.to_dict("records") if isinstance(events, pd.DataFrame) else list(events)
    if not rows:
        raise ConfigError("events = []: write down at least one event (date, channel, kind)")
    channels = _channels(world)
    table = pd.DataFrame([_event(i, row, channels) for i, row in enumerate(rows)], columns=COLUMNS)
    table["occurred_at"] = table["occurred_at"].astype("datetime64[s]")
    return table.sort_values("occurred_at", kind="stable", ignore_index=True)


def _channels(world) -> tuple[str, ...]:
    from crmkit.world.codes import codes_of
    from crmkit.world.vocabulary import terms

    return tuple(codes_of(world.config).channel) if world is not None else terms("channel")


def _event(i: int, row, channels) -> dict:
    """One checked event; the first bad field raises, named with its place in the list."""
    if not isinstance(row, dict):
        raise ConfigError(f"events[{i}] = {row!r}: each event is a dict with {', '.join(FIELDS)}")
    unknown = [key for key in row if key not in FIELDS]
    if unknown:
        raise ConfigError(f"events[{i}] has the field {unknown[0]!r}; {describe_allowed(FIELDS)}")
    for field in ("date", "channel", "kind"):
        if _missing(row.get(field)):
            raise ConfigError(f"events[{i}].{field} is missing: every event needs a date, a channel and a kind")
    if row["channel"] not in channels:
        raise ConfigError(f"events[{i}].channel = {row['channel']!r}: not a touchpoint of this world; "
                          f"{describe_allowed(channels)}")
    if row["kind"] not in JOURNEY_KINDS:
        raise ConfigError(f"events[{i}].kind = {row['kind']!r}: {describe_allowed(JOURNEY_KINDS)}")
    return {"occurred_at": _date(i, row["date"]), "channel": row["channel"], "kind": row["kind"],
            "amount": _amount(i, row), "note": "" if _missing(row.get("note")) else str(row["note"])}


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _date(i: int, value) -> pd.Timestamp:
    refused = ConfigError(f"events[{i}].date = {value!r}: not a date; write it as 'YYYY-MM-DD'")
    if isinstance(value, str) and not re.match(r"\s*\d{4}-\d{2}-\d{2}", value):
        raise refused  # "today" or "now" would read the clock: the journey would change from run to run
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise refused from None


def _amount(i: int, row) -> float:
    value = row.get("amount")
    if row["kind"] != "order":
        if not _missing(value):
            raise ConfigError(f"events[{i}].amount = {value!r} on a {row['kind']!r}: only an order has an amount")
        return np.nan
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ConfigError(f"events[{i}].amount = {value!r}: an order needs an amount, a number above 0")
    return float(value)
