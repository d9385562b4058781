"""The sales pipeline: leads convert by source and quality, deals win at realistic and
calibrated rates, histories rebuild the pipeline, and the crosswalk is complete."""

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.ops.sales_crosswalk import crosswalk, stage_probabilities
from crmkit.world.ops.sales_checks import sales_problems
from crmkit.world.vocabulary import terms


def _leads(world):
    leads = world.leads.merge(world.truth.leads, on="lead_id")
    return leads.assign(converted=leads.status.astype(str) == "converted")


@pytest.mark.parametrize("case", ["pschse", "retailer"])
def test_the_pipeline_keeps_its_rules(case, world, retail_world):
    w = world if case == "pschse" else retail_world
    assert len(w.leads) and len(w.opportunities) and len(w.activities)
    assert sales_problems(w) == []


def test_conversion_differs_by_source(world):
    rate = _leads(world).groupby("lead_source", observed=True).converted.mean()
    assert rate["home_sales_event"] > 2 * rate["web_form"] > 2 * rate["social_ad"] > 0
    assert rate["referral"] > rate["catalogue_request"]


def test_conversion_rises_with_hidden_quality_and_the_rating_sees_some_of_it(world):
    leads = _leads(world)
    by_quality = leads.groupby(pd.qcut(leads.quality, 4), observed=True).converted.mean().to_numpy()
    assert np.all(np.diff(by_quality) > 0) and by_quality[-1] > 3 * by_quality[0]
    by_rating = leads.groupby("rating", observed=True).converted.mean()
    assert by_rating["hot"] > by_rating["warm"] > by_rating["cold"]


def test_converted_leads_are_customers_who_sign_up_then_order(world):
    conv = world.leads[world.leads.converted_customer_id.notna()]
    assert conv.converted_customer_id.is_unique
    assert 0.1 < len(conv) / len(world.customers) < 0.8
    customers = world.customers.set_index("customer_id").loc[conv.converted_customer_id.astype("int64")]
    assert (conv.converted_at.dt.normalize().to_numpy() == customers.signup_date.to_numpy()).all()
    first_order = world.orders.groupby("customer_id").ordered_at.min()
    ordered = first_order.reindex(conv.converted_customer_id.astype("int64")).to_numpy()
    has = ~pd.isna(ordered)
    assert has.mean() > 0.5 and (conv.converted_at.to_numpy()[has] <= ordered[has]).all()
    assert (conv.created_at < conv.converted_at).mean() > 0.95


def test_lead_history_starts_new_and_steps_forward(world):
    h = world.lead_history.sort_values("history_id")
    first = h.groupby("lead_id").head(1)
    assert (first.to_status.astype(str) == "new").all() and first.from_status.isna().all()
    later = h.drop(first.index)
    assert later.from_status.notna().all() and (later.from_status.astype(str) != later.to_status.astype(str)).all()


def test_win_rates_and_cycle_times_are_realistic_and_differ_by_kind(world):
    deals = world.opportunities.merge(world.truth.opportunities, on="opportunity_id")
    deals["days"] = (deals.closed_at - deals.created_at).dt.days
    win = deals.groupby("kind", observed=True).is_won_y.mean()
    assert 0.45 < win["home_party_booking"] < 0.75 and 0.1 < win["bulk_order"] < 0.4
    assert win["home_party_booking"] > win["bulk_order"] > win.get("corporate_order", 0)
    cycle = deals[deals.is_won_y].groupby("kind", observed=True).days.median()
    assert 5 < cycle["home_party_booking"] < cycle["bulk_order"] < 120


def test_open_deals_are_closed_in_the_truth_only(world):
    deals = world.opportunities.merge(world.truth.opportunities, on="opportunity_id")
    still_open = ~deals.is_closed
    assert still_open.any() and deals.closed_after_window[still_open].all()
    assert (deals.is_won_x[~still_open] == deals.is_won_y[~still_open]).all()
    assert (deals.closed_at[still_open] > world.observed_until).all()


def pipeline_as_of(history: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Each deal's last state at ``when`` (from opportunity_history), open deals only."""
    h = history[history.changed_at <= when].sort_values("history_id").groupby("opportunity_id").last()
    return h[~h.stage.astype(str).isin(["closed_won", "closed_lost"])]


def test_a_weighted_pipeline_rebuilt_from_history_forecasts_what_was_won(world):
    truth = world.truth.opportunities.set_index("opportunity_id")
    weighted = won = 0.0
    for months_back in range(1, 13):
        open_deals = pipeline_as_of(world.opportunity_history, world.observed_until - pd.DateOffset(months=months_back))
        weighted += (open_deals.amount * open_deals.probability).sum()
        outcome = truth.loc[open_deals.index]
        won += outcome.final_amount[outcome.is_won].sum()
    assert won / weighted == pytest.approx(1, abs=0.2)


def test_deal_probability_is_the_kit_map_and_history_ends_in_the_current_state(world):
    p = dict(zip(terms("opportunity_stage"), stage_probabilities()))
    deals = world.opportunities
    assert np.allclose(deals.probability, deals.stage.astype(str).map(p))
    last = world.opportunity_history.sort_values("history_id").groupby("opportunity_id").last()
    assert np.allclose(last.loc[deals.opportunity_id].amount, deals.amount)


def test_activities_follow_the_shared_spec(world):
    a = world.activities
    sales = a[a.case_id.isna()]
    assert (sales.lead_id.notna() | sales.opportunity_id.notna()).all()
    done = sales.status.astype(str) == "done"
    assert sales.done_at.notna().eq(done).all() and (sales.done_at[done] >= sales.due_at[done]).all()
    assert set(sales.kind.astype(str)) == set(terms("activity_kind"))
    assert (sales[sales.kind.astype(str) == "task"].direction.astype(str) == "internal").all()


def test_the_crosswalk_covers_every_canonical_term_in_every_system():
    cw = crosswalk()
    assert set(cw.system) == {"crmkit", "salesforce", "hubspot", "suitecrm"}
    for obj, vocab in (("opportunity_stage", "opportunity_stage"), ("lead_status", "lead_status")):
        rows = cw[cw.object == obj]
        assert set(rows.crmkit) <= set(terms(vocab))
        assert set(rows[rows.system == "crmkit"].label) == set(terms(vocab))
    stages = cw[cw.object == "opportunity_stage"]
    assert stages.probability_pct.between(0, 100).all() and stages.source_url[stages.system != "crmkit"].notna().all()
    assert stages[(stages.system == "hubspot") & (stages.label == "Contract sent")].probability_pct.iloc[0] == 90


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"sales.leads.sources.web_form.conversion_rate": 0.9}, "conversion_rate = 0.9: must not exceed quality_mean"),
        ({"sales.leads.sources.web_form.owner_roles": ["cashier"]}, "owner_roles has 'cashier'; allowed: sales_consultant"),
        ({"sales.opportunities.kinds.bulk_order.entry_stage": "closed_won"}, "entry_stage 'closed_won' is not allowed"),
    ],
)
def test_bad_sales_settings_are_named(overrides, needle):
    with pytest.raises(ConfigError, match=needle):
        ck.simulate("pschse", customers=10, **overrides)


def test_an_unknown_persona_in_a_deal_kind_is_named():
    with pytest.raises(ConfigError, match="kinds.bulk_order.personas has 'gamer'; allowed: party_host"):
        ck.simulate("pschse", customers=10, **{"sales.opportunities.kinds.bulk_order.personas": ["gamer"]})


def test_a_smaller_world_keeps_exactly_the_sales_rows_of_its_customers():
    """Prospect leads carry a drawn customer, so a cut world keeps a proportional share."""
    from crmkit._random import master_entropy
    from crmkit.world.block import simulate_block
    from crmkit.world.cases import load_config

    small = ck.simulate("pschse", customers=937, seed=21, progress=False)
    config = load_config("pschse", customers=937, seed=21)
    frames = simulate_block(config, 0, master_entropy(config.seed))
    for name in ("leads", "lead_history", "opportunities", "opportunity_history"):
        assert len(small.tables[name]) == (frames[name]._customer < 937).sum() > 0, name
    assert len(small.truth["leads"]) == len(small.leads)
