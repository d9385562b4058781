"""The journey timeline of lesson 13: one row per touchpoint used, one marker per event, each order
labelled with its amount, and the phases shaded when given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics import EXAMPLE_JOURNEY, journey_frame, journey_phases  # noqa: E402
from crmkit.errors import DataError  # noqa: E402
from crmkit.plots import plot_journey  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_event_is_drawn_on_its_touchpoints_row_and_orders_carry_their_amount():
    journey = journey_frame(EXAMPLE_JOURNEY)
    fig, ax = plt.subplots()
    assert plot_journey(journey, ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(journey["channel"]))
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(journey)
    labels = {t.get_text() for t in ax.texts}
    assert labels == {f"{a:,.2f}" for a in journey["amount"].dropna()}
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == sorted(set(journey["kind"]))


def test_the_phases_shade_their_spans_and_are_named():
    journey = journey_frame(EXAMPLE_JOURNEY)
    phases = journey_phases(journey, 2, 5)
    ax = plot_journey(journey, phases)
    assert len(ax.patches) == len(phases)
    assert set(phases["phase"]) <= {t.get_text() for t in ax.texts}


def test_a_table_that_is_not_a_journey_is_refused():
    with pytest.raises(DataError, match="column 'occurred_at' is missing"):
        plot_journey(journey_frame(EXAMPLE_JOURNEY).drop(columns="occurred_at"))
