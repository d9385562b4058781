"""The messy source systems: the same people as each system captured them, defects and all.

Each customer gets one record in every source system whose channel they used (web shop
and app, tills, call centre, product registration, home-event sheets), captured at their
first use of it; some get a second record in the same system (a duplicate). A few records
belong to people who never became customers. Each record's identity is copied from the
customer and then damaged at the system's configured rates; nothing in ``source_records``
links it to the customer: finding that link is the identity-resolution exercise, and
``truth.source_links`` holds the answer and the defects applied.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field, model_validator

from crmkit.world.ops.finance import known_keys
from crmkit.world.ops.sources_defects import EXCLUSIVE
from crmkit.world.sections import Probability, Remark, Section
from crmkit.world.vocabulary import terms


class SourceSystem(Section):
    defects: dict[str, Probability] = Field(description="Rate of each defect (vocabulary source_defect); absent means 0.")
    non_customer_rate: Probability = Field(0.0, description="Extra records of people who never became customers, per customer record.")

    @model_validator(mode="after")
    def _defects(self):
        known_keys(self.defects, "source_defect", "defects")
        for field, names in EXCLUSIVE.items():
            total = sum(self.defects.get(n, 0.0) for n in names)
            if total > 1:
                raise ValueError(f"defects {', '.join(names)} all damage the {field} and must add up to at most 1, not {total:g}")
        return self

    def rate(self, defect: str) -> float:
        return self.defects.get(defect, 0.0)


class SourcesConfig(Section):
    remark: Remark
    systems: dict[str, SourceSystem] = Field(description="Defect rates of each source system (vocabulary source_system).")

    @model_validator(mode="after")
    def _systems(self):
        known_keys(self.systems, "source_system", "systems")
        allowed = terms("source_system")
        missing = [s for s in allowed if s not in self.systems]
        if missing:
            raise ValueError(f"systems lacks {missing[0]!r}; every source system needs its rates: {', '.join(allowed)}")
        return self


def simulate(context) -> dict[str, pd.DataFrame]:
    """``source_records`` and ``truth.source_links`` of one block (nothing without a config).

    Reads ``customers`` and ``interactions`` (which channels each customer used, and when).
    """
    if context.config.sources is None:
        return {}
    from crmkit.world.ops.sources_records import source_tables

    return source_tables(context, context.config.sources)


def check(world) -> list[str]:
    """Breaches of the source systems' rules, in words: every source record has a truth row,
    and no record is captured after the observation window."""
    records = world.tables.get("source_records")
    if records is None or not len(records):
        return []
    problems = []
    links = world.truth.get("source_links")
    if links is not None and set(links.source_record_id) != set(records.source_record_id):
        problems.append("truth.source_links does not cover exactly the source records")
    if (records.captured_at >= world.observed_until + pd.Timedelta(days=1)).any():
        problems.append("source_records: captured after the observation window")
    return problems
