"""Shared fixtures and the Hypothesis profiles (a small, fixed one on CI)."""

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure on CI is reported as found
)
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def world():
    """A small PSCHSE world shared by read-only tests (do not modify its tables)."""
    import crmkit as ck

    return ck.simulate("pschse", customers=4000, seed=11, progress=False)


@pytest.fixture(scope="session")
def retail_world():
    import crmkit as ck

    return ck.simulate("retailer", customers=3000, seed=5, progress=False)
