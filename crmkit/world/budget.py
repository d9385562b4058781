"""How many rows a world will make, estimated from its config before anything is simulated.

One line of ``world.yaml`` can ask for more than a machine holds (a purchase rate of a
million a month, a window of a thousand years). The ranges of the config stop single
absurd numbers; this estimate stops sensible numbers that multiply into too much. It is
deliberately cheap and on the high side (it ignores that not every customer is active for
the whole window at the highest phase multiplier): on the five shipped cases it is 1.8 to 2.2
times the real count. It only has to tell a world of tens of millions of rows from one of
billions; the bounds below are stated in estimated rows.

>>> from crmkit.world.cases import load_config
>>> 20 < rows_per_customer(load_config("pschse")) < 200
True
>>> check_budget(load_config("pschse", customers=1_000_000), streamed=True)
>>> check_budget(load_config("pschse", customers=1_000_000), streamed=False)
Traceback (most recent call last):
...
crmkit.errors.ConfigError: customers = 1000000: the world would make about ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmkit.errors import ConfigError
from crmkit.world.units import DAYS_PER_MONTH, MONTHS_PER_YEAR

if TYPE_CHECKING:
    from crmkit.world.config import WorldConfig

BLOCK = 10_000  # fixed: customers simulated together (crmkit.world.block.BLOCK_SIZE; a small world still makes one whole block)
# Measured: a world held in memory (``simulate``) takes about 130 bytes per real row at its
# peak, tables and the copies made while joining blocks (retailer, 60,000 customers: 1.2 GB,
# 8.3M rows); the estimate counts about twice the real rows, so 65 bytes per estimated row.
BYTES_PER_ROW = 65  # fixed: measured, see above
# In memory: 8 GiB, what a student's laptop can give one Python process.
GIB = 2**30  # fixed: bytes in a gibibyte
MEMORY_LIMIT = 8 * GIB  # fixed: see above
# Streamed to disk (``generate``): 500 million estimated rows (about 250 million real ones)
# take some 5 minutes on two cores and 3 GB as Parquet (15 GB as CSV). The 1M-customer pschse
# benchmark world is estimated at 140 million (69 million real), 1M of retailer at 300 million.
STREAM_ROW_LIMIT = 500_000_000  # fixed: measured, see above
# One block is made whole in one process: 30 million estimated rows is about 2-4 GiB there
# (the shipped cases: 0.7 to 3 million).
BLOCK_ROW_LIMIT = 30_000_000  # fixed: see above
# Rows that come once per customer whatever they do: the customer, their costs, hidden
# truth, source records, phase changes (measured on the shipped cases: 8-14).
ROWS_PER_CUSTOMER = 15  # fixed: measured, see above
ROWS_PER_ORDER_EVENT = 3  # fixed: invoice, payment, loyalty ledger entry
ROWS_PER_LEAD = 15  # fixed: the lead, its status history and the activities logged on it
ROWS_PER_DEAL = 8  # fixed: the deal, its stage history and activities
ROWS_PER_CASE = 4  # fixed: the case, its activities and survey


def _months(config: WorldConfig) -> tuple[float, float]:
    """Observed and hold-out months of the calendar."""
    cal = config.calendar
    observed = (cal.observed_until - cal.start_date).days / DAYS_PER_MONTH
    return observed, float(cal.holdout_months)


def _active_months(hazard: float, months: float) -> float:
    """Expected months alive within ``months`` at a monthly churn ``hazard``."""
    return months if hazard <= 0 else min(months, (1 - (1 - min(hazard, 1.0)) ** months) / hazard)


def _rate_multiplier(config: WorldConfig) -> float:
    """The largest multiplier of a persona's purchase rate: phase, loyalty, personalisation, season."""
    multiplier = max(config.phases.purchase_multiplier.values())
    if config.loyalty.enabled:
        multiplier *= max(config.loyalty.purchase_rate_multiplier, 1.0)
    if config.personalisation.enabled:
        multiplier *= max(config.personalisation.purchase_rate_multiplier, 1.0)
    return multiplier * sum(config.calendar.seasonality) / MONTHS_PER_YEAR


def _persona_rows(config: WorldConfig, name: str, observed: float, holdout: float) -> float:
    p = config.personas[name]
    hazard = p.churn_hazard * min(config.phases.churn_multiplier.values())
    # Customers sign up across the observed window, so on average they see half of it.
    alive = _active_months(hazard, observed / 2 + holdout)
    orders = p.purchase_rate * _rate_multiplier(config) * alive
    rows = orders * (1 + p.lines_per_order + p.visits_per_order + ROWS_PER_ORDER_EVENT)
    rows += p.awareness_visits + p.social_per_month * alive
    desk = config.service_desk
    if desk is not None:
        rows += desk.requests.per_month.get(name, 0.0) * alive * ROWS_PER_CASE
    if config.sales is not None:
        deals = sum(k.per_customer_year for k in config.sales.opportunities.kinds.values() if not k.personas or name in k.personas)
        rows += deals * alive / MONTHS_PER_YEAR * ROWS_PER_DEAL
    return rows


def rows_per_customer(config: WorldConfig) -> float:
    """Estimated rows (observed and truth) one customer of ``config`` adds to a world, on the high side."""
    observed, holdout = _months(config)
    weights = {name: p.share for name, p in config.personas.items()}
    total = sum(weights.values())
    rows = sum(w / total * _persona_rows(config, name, observed, holdout) for name, w in weights.items() if w > 0)
    rows += ROWS_PER_CUSTOMER + sum(c.audience_share for c in config.campaigns.plan)
    if config.sales is not None:
        # Leads that never convert are extra people: lead_share / conversion_rate per customer.
        leads = max(s.lead_share / s.conversion_rate for s in config.sales.leads.sources.values())
        rows += leads * ROWS_PER_LEAD
    return rows


def estimate_rows(config: WorldConfig) -> int:
    """Estimated rows of the whole world; a world of fewer customers still simulates one block.

    >>> from crmkit.world.cases import load_config
    >>> estimate_rows(load_config("pschse", customers=200)) == estimate_rows(load_config("pschse", customers=10_000))
    True
    """
    return round(rows_per_customer(config) * max(config.customers, BLOCK))


def check_budget(config: WorldConfig, *, streamed: bool, force: bool = False) -> None:
    """Refuse a world whose estimated size is past the bounds above, unless ``force``.

    Parameters
    ----------
    config : WorldConfig
    streamed : bool
        True when the world is written block by block to disk (``generate``), False when it
        is held in memory (``simulate``).
    force : bool, default False
        Make it anyway.

    Raises
    ------
    ConfigError
        One line with the estimate, the bound and what to do.
    """
    if force:
        return
    per_customer = rows_per_customer(config)
    rows = estimate_rows(config)
    flag = "force=True (--force on the command line)"
    block_rows = per_customer * BLOCK
    if block_rows > BLOCK_ROW_LIMIT:
        raise ConfigError(
            f"config {config.name!r}: about {per_customer:,.0f} rows per customer, {block_rows:,.0f} rows for each "
            f"block of {BLOCK:,} customers (bound: {BLOCK_ROW_LIMIT:,}, some GiB in one process); lower the "
            f"purchase rates, lines per order, visits or the calendar window, or pass {flag}"
        )
    if streamed and rows > STREAM_ROW_LIMIT:
        raise ConfigError(
            f"customers = {config.customers}: the world would make about {rows:,} rows (bound: "
            f"{STREAM_ROW_LIMIT:,}); use fewer customers or lower rates, or pass {flag}"
        )
    if not streamed and rows * BYTES_PER_ROW > MEMORY_LIMIT:
        raise ConfigError(
            f"customers = {config.customers}: the world would make about {rows:,} rows, about "
            f"{rows * BYTES_PER_ROW / GIB:.0f} GiB in memory (bound: {MEMORY_LIMIT // GIB} GiB); stream it to disk "
            f"with crmkit.world.stream.generate (crmkit generate), use fewer customers, or pass {flag}"
        )
