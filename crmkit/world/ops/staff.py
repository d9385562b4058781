"""Staff: the company's sales consultants, event consultants, service agents and account managers.

A case may also declare the people side of its CRM (``staff.people``): which employees were
trained on the CRM. Training is drawn with its own seed (other draws do not shift) and may
change how the service cases an agent handles turn out (:mod:`crmkit.world.ops.service_cases`);
the effects default to none, so a case that only records training keeps every other table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from crmkit._random import child_generator, master_entropy
from crmkit.world.names import draw_index, name_pools
from crmkit.world.parameters import parameter
from crmkit.world.sections import Probability, Remark, Section
from crmkit.world.units import DAYS_PER_COMMON_YEAR
from crmkit.world.vocabulary import terms
from crmkit.world.words import words_of

HIRED_BEFORE = parameter("staff", "hired_at_least_days_before")  # days


class StaffPeople(Section):
    """Who was trained on the CRM, and what training changes in the work (none unless declared)."""

    remark: Remark
    trained_share: Probability = Field(description="Share of employees trained on the CRM (each drawn at random).")
    # Defaults of 1.0: training changes nothing unless a case declares an effect.
    untrained_first_contact: float = Field(1.0, ge=0, le=1, description=(
        "An untrained service agent's chance of solving a well-resolved case at the first contact, "
        "as a share of a trained agent's (1: no effect)."))
    untrained_close_days: float = Field(1.0, ge=1, le=10, description=(
        "Multiplies the days an untrained service agent takes to close a case not solved at the first contact (1: no effect)."))


class StaffConfig(Section):
    remark: Remark
    per_region: dict[str, int] = Field(description="Head count of each role in each sales region.")
    # Invented default of 5 years; 40 is a whole working life.
    hired_years_before_start: int = Field(5, ge=0, le=40, description="Hiring dates spread over this many years before the start.")
    people: StaffPeople | None = Field(None, description="The people side of the CRM: training and its effect on the work.")

    @model_validator(mode="after")
    def _roles(self):
        unknown = set(self.per_region) - set(terms("staff_role"))
        if unknown:
            raise ValueError(f"per_region has role {sorted(unknown)[0]!r}; allowed: {', '.join(terms('staff_role'))}")
        if any(v < 0 for v in self.per_region.values()):
            raise ValueError("per_region: head counts must be zero or more")
        return self


def tables(config) -> dict[str, pd.DataFrame]:
    """The ``staff`` table: the same whatever the number of customers (ids from 1)."""
    if config.staff is None:
        return {}
    rng = child_generator(master_entropy(config.seed), "staff")
    roles, regions = [], []
    geography = words_of(config).geography
    for region in geography.regions:
        for role, count in config.staff.per_region.items():
            roles += [role] * count
            regions += [region] * count
    n = len(roles)
    pools = name_pools(geography)
    first = pools.first_names[draw_index(rng, pools.first_weights, n)]
    last = pools.last_names[draw_index(rng, pools.last_weights, n)]
    start = pd.Timestamp(config.calendar.start_date)
    hired = start - pd.to_timedelta(rng.integers(HIRED_BEFORE, DAYS_PER_COMMON_YEAR * config.staff.hired_years_before_start + HIRED_BEFORE + 1, n), unit="D")
    ids = np.arange(1, n + 1)
    email = [f"{f.lower()}.{l.lower()}.{i}@staff.example.com" for f, l, i in zip(first, last, ids)]
    out = {"staff": pd.DataFrame({
        "staff_id": ids, "first_name": first, "last_name": last, "email": email,
        "role": roles, "region": regions, "hired_on": hired.normalize(),
    })}
    trained = trained_staff(config)
    if trained is not None:
        out["staff_training"] = pd.DataFrame({"staff_id": ids, "trained_on_crm": trained})
    return out


def trained_staff(config) -> np.ndarray | None:
    """Whether each employee (in ``staff`` row order) was trained on the CRM; None when the
    case declares no ``staff.people``. Drawn with its own seed, so no other draw shifts."""
    if config.staff is None or config.staff.people is None:
        return None
    n = sum(config.staff.per_region.values()) * len(words_of(config).geography.regions)
    rng = child_generator(master_entropy(config.seed), "staff.people")
    return rng.random(n) < config.staff.people.trained_share


def staff_of_role(staff: pd.DataFrame, role: str) -> pd.DataFrame:
    """The rows of one role (helper for components that assign work to staff)."""
    return staff[staff.role.astype(str) == role]
