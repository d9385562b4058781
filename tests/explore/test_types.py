"""The CRM-types explorer driven from a test: the dropdown shows the view of the type it is set to
(the views themselves are tested in tests/analytics/test_crm_types.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit.analytics.crm_types import CRM_TYPES  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.types import CRM_TYPE_OPTIONS, crm_type_views, crm_types_explorer, draw_crm_type  # noqa: E402


@pytest.fixture(scope="module")
def widget(world):
    return crm_types_explorer(world)


@pytest.fixture(scope="module")
def views(world):
    return crm_type_views(world)


def choose(widget, key):
    widget.control("crm_type").value = key
    return widget.result


def test_every_choice_shows_the_prepared_view_of_that_type(widget, views):
    assert widget.result.key == "strategic"
    assert [value for _, value in widget.control("crm_type").options] == list(CRM_TYPES)
    for key in CRM_TYPES[::-1]:
        shown = choose(widget, key)
        assert (shown.key, shown.headline) == (key, views(key).headline)
        assert shown.table.equals(views(key).table)


def test_draw_returns_the_view_it_draws_and_refuses_an_unknown_type(views):
    figure, ax = matplotlib.pyplot.subplots()
    for _, key in CRM_TYPE_OPTIONS:
        assert draw_crm_type(views, key, ax=ax) is views(key)
        assert ax.get_title()
        ax.clear()
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="'collaborative'"):
        draw_crm_type(views, "collaborative")
