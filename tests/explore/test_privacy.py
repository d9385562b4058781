"""The privacy explorer driven from a test: choose how the birth year and the location are shared and
read the view of that choice. The computations (the extract, k, the rows at risk, what purchases
reveal) are tested in tests/analytics/test_privacy_sharing.py; here, the wrapper and its picture."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.privacy import (  # noqa: E402
    anonymity_explorer, anonymity_view, draw_anonymity, partner_extract, prepare_extract,
)


@pytest.fixture(scope="module")
def widget(world):
    return anonymity_explorer(world)


@pytest.fixture(scope="module")
def prepared(widget):
    return widget.extract


def choose(widget, **values):
    for name, value in values.items():
        widget.control(name).value = value
    return widget.result


def test_the_widget_shows_the_view_of_the_extract_shared_as_chosen(widget, prepared, world):
    assert prepared.equals(prepare_extract(partner_extract(world, "crmkit-lesson-secret-key")))
    assert widget.result.quasi_identifiers == ("birth_1", "city")
    result = choose(widget, birth="10-year band", location="state", loyalty_tier=True, target=10)
    expected = anonymity_view(prepared, "10-year band", "state", ("loyalty_tier",), target=10)
    assert result.quasi_identifiers == ("birth_10", "state", "loyalty_tier") == expected.quasi_identifiers
    assert (result.k, result.rows_at_risk, result.groups) == (expected.k, expected.rows_at_risk, expected.groups)
    assert result.sizes.equals(expected.sizes) and result.offending.equals(expected.offending)
    assert choose(widget, signup_year=True).quasi_identifiers == ("birth_10", "state", "loyalty_tier", "signup_year")
    choose(widget, birth="exact year", location="city", loyalty_tier=False, signup_year=False, target=5)


def test_the_static_picture_and_bad_choices(prepared):
    figure, ax = matplotlib.pyplot.subplots()
    view = draw_anonymity(prepared, "5-year band", "state", target=5, ax=ax)
    assert [p.get_height() for p in ax.patches] == view.sizes["rows"].tolist()
    red = [p for p in ax.patches if p.get_facecolor()[0] > 0.7]
    assert sum(p.get_height() for p in red) == view.rows_at_risk
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="birth"):
        draw_anonymity(prepared, birth="decade")
