"""The messy source systems: the same people as each system captured them, defects and all.

Each customer gets one record in every source system of the case whose channels they used
(the case declares its systems; each captures the channels the kit's data gives it, or
the ``channels`` the case names), captured at their
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
from crmkit.world.words import default_source_systems


class SourceSystem(Section):
    defects: dict[str, Probability] = Field(description="Rate of each defect (vocabulary source_defect); absent means 0.")
    non_customer_rate: Probability = Field(0.0, description="Extra records of people who never became customers, per customer record.")
    channels: list[str] | None = Field(None, description="Channels (the world's codes.channel) where the system captures people; "
                                                         "absent: the kit's default for the system.")
    # Eight characters before the eight digits: a key stays short enough to read aloud.
    key_prefix: str | None = Field(None, max_length=8, description="Start of the system's record keys; absent: the kit's default.")

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
    systems: dict[str, SourceSystem] = Field(
        min_length=1, description="The case's source systems (the world's codes.source_system) and their defect rates.")

    @model_validator(mode="after")
    def _systems(self):
        seen: dict[str, str] = {}
        for name in self.systems:
            for channel in self.channels_of(name):
                if channel in seen:
                    raise ValueError(f"systems {seen[channel]!r} and {name!r} both capture channel {channel!r}; "
                                     "a channel feeds one system")
                seen[channel] = name
        return self

    def channels_of(self, name: str) -> list[str]:
        """The channels where system ``name`` captures people (none when the case lacks it)."""
        system = self.systems.get(name)
        if system is None:
            return []
        return system.channels if system.channels is not None else default_source_systems().get(name, {}).get("channels", [])

    def key_prefix(self, name: str) -> str:
        system = self.systems.get(name)
        prefix = system.key_prefix if system is not None else None
        # A system of the world's own list that the case lacks has no records: no prefix needed.
        return prefix if prefix is not None else default_source_systems().get(name, {}).get("key_prefix", "")

    def rate(self, name: str, defect: str) -> float:
        """The rate of ``defect`` in system ``name`` (0 for a system the case lacks)."""
        return self.systems[name].rate(defect) if name in self.systems else 0.0

    def non_customer_rate(self, name: str) -> float:
        return self.systems[name].non_customer_rate if name in self.systems else 0.0


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
