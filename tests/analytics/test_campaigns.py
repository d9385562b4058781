"""Campaign results, uplift against the control group and the truth, multi-channel attribution."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics import campaigns as C  # noqa: E402
from crmkit.errors import DataError  # noqa: E402
from crmkit.plots import campaigns as plots  # noqa: E402
from tests.analytics.conftest import SEEDS  # noqa: E402

CUSTOMERS = 4000


def _results(w):
    return C.campaign_results(w.campaigns, w.campaign_members, w.orders, w.customers)


def test_campaign_results_cost_acquisitions_and_roi(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    results = _results(w).set_index("campaign_id")
    campaigns = w.campaigns.set_index("campaign_id")
    members = w.campaign_members
    treated = (~members.in_control_group).groupby(members.campaign_id).sum().reindex(campaigns.index, fill_value=0)
    expected_cost = campaigns.fixed_cost + campaigns.cost_per_contact * treated
    assert results.cost.to_numpy() == pytest.approx(expected_cost.to_numpy())
    acquisition = campaigns.index[campaigns.objective.astype(str) == "acquisition"]
    won = w.customers.acquisition_campaign_id.value_counts()
    assert (results.acquisitions[acquisition] == won.reindex(acquisition, fill_value=0)).all()
    assert results.roi.to_numpy() == pytest.approx(((results.revenue - results.cost) / results.cost).to_numpy())
    member_campaigns = results[results.treated > 0]
    responded = members[(members.status == "responded") & ~members.in_control_group].groupby("campaign_id").size()
    assert (member_campaigns.responders == responded.reindex(member_campaigns.index, fill_value=0)).all()


def test_naive_response_rate_differs_from_uplift_by_the_control_baseline(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    uplift = C.campaign_uplift(w.campaign_members)
    assert (uplift.response_rate - uplift.uplift).to_numpy() == pytest.approx(uplift.control_response_rate.to_numpy())
    # Many members buy without being contacted: the naive rate counts them as won.
    pooled_control_rate = (uplift.control_response_rate * uplift.control).sum() / uplift.control.sum()
    assert pooled_control_rate > 0.05
    assert (uplift.uplift_low < uplift.uplift_high).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_uplift_estimate_recovers_the_true_uplift_better_than_the_naive_rate(make_world, seed):
    w = make_world("pschse", CUSTOMERS, seed)
    table = C.uplift_vs_truth(_results(w), w.campaign_members, w.truth.campaign_uplift)
    near = table.true_uplift.between(table.uplift_low - 0.02, table.uplift_high + 0.02)
    # Measured on world version 2, seeds 1-3: 9, 8 and 9 of 9 campaigns covered; median absolute
    # error of the estimate 0.04-0.07 against 0.14-0.16 for the treated response rate. On version 3
    # (pschse's customised offers churn less) the naive error fell to 0.08-0.18 and the estimate's
    # is 0.055-0.085: ratios 0.32, 0.82 and 0.66 on seeds 1-3 (0.47 and 0.39 on seeds 2-3 with the
    # offers' churn multiplier at 1). The median, because a home-party campaign holds out only a
    # handful of customers, and its estimate (rightly shown with a wide interval) can miss by more
    # than the naive rate; the margin is relative, as the naive error is the baseline purchase rate.
    assert near.mean() >= 0.75
    estimate_error = (table.uplift - table.true_uplift).abs().median()
    naive_error = (table.naive_uplift - table.true_uplift).abs().median()
    assert estimate_error <= 0.9 * naive_error


def test_attribution_credits_add_up_to_the_attributed_sales(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    touches = C.order_touchpoints(w.interactions, w.orders, window_days=30)
    attributed = w.orders[w.orders.order_id.isin(touches.order_id)].net_amount.sum()
    assert 0 < attributed < w.orders.net_amount.sum()
    for model in ("first", "last", "linear"):
        table = C.attribution(w.interactions, w.orders, model=model, window_days=30)
        assert table.sales.sum() == pytest.approx(attributed)
        assert table.orders.sum() == pytest.approx(touches.order_id.nunique())
        assert table.share.sum() == pytest.approx(1.0)


def test_attribution_models_differ(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    compare = C.compare_attribution(w.interactions, w.orders).set_index("channel")
    shares = compare / compare.sum()
    # Total variation distance between the models' channel shares.
    assert 0.5 * (shares["first"] - shares["last"]).abs().sum() > 0.05
    assert 0.5 * (shares["linear"] - shares["last"]).abs().sum() > 0.02
    assert 0.5 * (shares["linear"] - shares["first"]).abs().sum() > 0.02


def test_touchpoints_match_a_brute_force_search(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    touches = C.order_touchpoints(w.interactions, w.orders, window_days=14)
    kinds = w.interactions[w.interactions.kind.astype(str).isin(C.TOUCH_KINDS)]
    for order in w.orders.sample(40, random_state=np.random.default_rng(0).integers(1000)).itertuples():
        mine = kinds[kinds.customer_id == order.customer_id]
        gap = order.ordered_at - mine.occurred_at
        expected = set(mine.interaction_id[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=14))])
        assert set(touches.interaction_id[touches.order_id == order.order_id]) == expected


def test_bad_arguments_are_named():
    empty = pd.DataFrame(columns=["interaction_id", "customer_id", "occurred_at", "channel", "kind"])
    orders = pd.DataFrame(columns=["order_id", "customer_id", "ordered_at", "net_amount"])
    with pytest.raises(DataError, match="'middle'"):
        C.attribution(empty, orders, model="middle")
    with pytest.raises(DataError, match="window_days"):
        C.attribution(empty, orders, window_days=0)
    with pytest.raises(DataError, match="'in_control_group'"):
        C.campaign_uplift(pd.DataFrame({"campaign_id": [1], "status": ["sent"]}))


def test_campaign_plots_draw_the_world_on_the_given_axes(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    fig, (left, right) = plt.subplots(1, 2)
    table = C.uplift_vs_truth(_results(w), w.campaign_members, w.truth.campaign_uplift)
    assert plots.plot_uplift_vs_truth(table, ax=left) is left
    assert len(left.get_yticklabels()) == len(table)
    compare = C.compare_attribution(w.interactions, w.orders)
    assert plots.plot_attribution(compare, ax=right) is right
    assert len(right.patches) == 3 * len(compare)
    plt.close(fig)
