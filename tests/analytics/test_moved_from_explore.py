"""Pin: the computations moved from ``crmkit.explore`` (sales, privacy, value_chain) into
``crmkit.analytics`` give exactly what the explorers computed before the move.

The digests below were recorded from the explorer modules' own code (commit 80e50ec) on the
world ``pschse``, 600 customers, seed 3, where they matched. World version 3 (customised
offers and the staff's training) moved every pschse table, so the digests were re-recorded from
the moved code on the new world: since then they pin the analytics' own results. The world's input tables are pinned too, so a failure
says which changed: the world (re-record with ``python tests/analytics/test_moved_from_explore.py``
once the change is meant) or the analyses (a bug of the move).
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import cost_to_serve_concentration, deal_outcomes, repeat_rate
from crmkit.analytics import pipeline_days as sales
from crmkit.analytics import privacy_sharing as privacy
from crmkit.analytics.value_chain import profile_completeness, value_chain_figures
from crmkit.explore.value_chain import building_block_evidence, value_chain_on_data

RECORDED = {
    "snapshots": "644cd5586984382c",
    "forecasts": "2761bae6010a0f03",
    "vendor_probabilities": "6a0b023757b3ecd3",
    "board": "4c73dab16b052253",
    "extract": "476578da28cff3d6",
    "prepared": "3feb1d047a9557e5",
    "views": "dc061446dbe63223",
    "consent_reach": "ab002d33c0273235",
    "inference": "ce62cda462b66d11",
    "complete": "4942870d7312d707",
    "repeat": "a7bfeaf05652af74",
    "c2s": "4233b6d9687ec1d8",
    "figures": "b7bb4cfbd91b4224",
    "value_chain": "463853ed3c5a5022",
    "evidence": "16446edabec6e8e4",
}
# The top 20% of buyers' revenue share is now crmkit.analytics.revenue_concentration's (a cumulative
# sum) where the explorer summed a slice: the two differ in the last binary digit, so this one
# figure is compared to 1e-12, and the digests above leave it out.
TOP20_REVENUE = 0.7526522612273808
SECRET = "crmkit-lesson-secret-key"
WORLD = "77fea0a1f9d24540"  # the digest of the input tables below, on the recorded world
TABLES = ("opportunity_history", "customers", "orders", "order_items", "products", "customer_costs", "surveys",
          "interactions", "leads", "source_records", "partners", "campaign_members")


def digest(value) -> str:
    """A short hash of tables (values, index, columns, dtypes), sequences and plain values."""
    h = hashlib.sha256()

    def feed(v):
        if isinstance(v, pd.DataFrame):
            h.update(repr((list(v.columns), [str(t) for t in v.dtypes], v.shape)).encode())
            h.update(pd.util.hash_pandas_object(v, index=True).to_numpy().tobytes())
        elif isinstance(v, (pd.Series, pd.Index)):
            h.update(repr((getattr(v, "name", None), str(v.dtype), len(v))).encode())
            h.update(pd.util.hash_pandas_object(v, index=isinstance(v, pd.Series)).to_numpy().tobytes())
        elif isinstance(v, dict):
            for key in v:
                h.update(repr(key).encode())
                feed(v[key])
        elif isinstance(v, (list, tuple)):
            h.update(f"{type(v).__name__}{len(v)}".encode())
            for x in v:
                feed(x)
        else:
            h.update(repr(v).encode())

    feed(value)
    return h.hexdigest()[:16]


def outputs(world) -> dict:
    """Every moved computation's output on ``world``, as the explorers used them."""
    history = world.opportunity_history
    days = pd.date_range(history["changed_at"].min().normalize() + pd.Timedelta(days=28), world.observed_until,
                         freq="W-SUN")
    snapshots = sales.pipeline_snapshots(history, days)
    board = sales.PipelineForecasts.build(history, days, world.truth.opportunities)
    extract = privacy.partner_extract(world, SECRET)
    prepared = privacy.prepare_extract(extract)
    views = [privacy.anonymity_view(prepared, birth, location, others, 5) for birth in privacy.BIRTH_BANDS
             for location in privacy.LOCATIONS for others in [(), ("loyalty_tier",), privacy.OTHER_QUASI_IDENTIFIERS]]
    categories = sorted(set(world.products["category"].astype(str)))[:3]
    personas = sorted(set(world.truth.customers["persona"]))[:3]
    figures = value_chain_figures(world)
    return {
        "snapshots": snapshots,
        "forecasts": sales.snapshot_forecasts(snapshots, deal_outcomes(history, world.truth.opportunities)),
        "vendor_probabilities": sales.vendor_probabilities(),
        "board": (board.days, board.snapshots, board.forecasts, board.by_stage, board.probabilities),
        "extract": extract, "prepared": prepared,
        "views": [(v.quasi_identifiers, v.target, v.k, v.rows, v.groups, v.rows_at_risk, v.sizes, v.offending)
                  for v in views],
        "consent_reach": privacy.consent_reach(world.customers),
        "inference": [privacy.purchase_inference(world, c, p, m) for c in categories for p in personas
                      for m in (0.0, 0.3)],
        "complete": profile_completeness(world.customers),
        "repeat": repeat_rate(world.orders, world.observed_until.year),
        "c2s": [cost_to_serve_concentration(world.customer_costs, top) for top in (0.05, 0.2, 1.0)],
        "figures": {k: v for k, v in figures.items() if k != "top20_revenue"},
        "value_chain": value_chain_on_data(world),
        "evidence": building_block_evidence(world).drop(columns="value"),
        "top20_revenue": figures["top20_revenue"],
    }


def inputs(world) -> str:
    """The digest of the world's tables that the moved computations read."""
    return digest([getattr(world, t) for t in TABLES] + [world.truth.customers, world.truth.opportunities,
                                                          str(world.observed_until)])


@pytest.fixture(scope="module")
def world():
    return ck.simulate("pschse", customers=600, seed=3, progress=False)


@pytest.fixture(scope="module")
def moved(world):
    assert inputs(world) == WORLD, "the recorded world changed: re-record the digests (see the module's docstring)"
    return outputs(world)


@pytest.mark.parametrize("name", list(RECORDED))
def test_the_moved_computation_gives_what_the_explorer_gave(moved, name):
    assert digest(moved[name]) == RECORDED[name]


def test_the_top_buyers_revenue_share_agrees_to_the_last_digits(moved):
    assert moved["top20_revenue"] == pytest.approx(TOP20_REVENUE, rel=1e-12)


if __name__ == "__main__":  # re-record, after a change of the world that is meant
    recorded = ck.simulate("pschse", customers=600, seed=3, progress=False)
    print(f'WORLD = "{inputs(recorded)}"')
    for key, value in outputs(recorded).items():
        print(f'    "{key}": "{digest(value)}",' if key in RECORDED else f"{key} = {value!r}")
