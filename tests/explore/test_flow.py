"""The flow-model explorer driven from a test: the slider and the matching method show the level of
the prepared grid they are set to, and the picture draws that method's sweep (the levels themselves
are tested in tests/analytics/test_flow_views.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics.flow_views import DefectGrid  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.flow import draw_flow_defects, flow_defect_explorer, grid_table  # noqa: E402

SCALES = (1.0, 3.0)
SIZE = 600


@pytest.fixture(scope="module")
def widget(world):
    return flow_defect_explorer(world, customers=SIZE, scales=SCALES)


def choose(widget, scale, method):
    widget.control("scale").value = scale
    widget.control("method").value = method
    return widget.result


def test_the_widget_shows_the_level_it_is_set_to(widget):
    grid = widget.grid
    assert isinstance(grid, DefectGrid)
    assert widget.result.scale == 1.0 and widget.result.method == "fuzzy"
    for scale in SCALES:
        for method in ("fuzzy", "exact_email"):
            assert choose(widget, scale, method) is grid(scale, method)
    assert list(grid_table(grid)["defect_scale"].unique()) == list(SCALES)


def test_the_static_picture_and_bad_choices(widget):
    grid = widget.grid
    figure, ax = matplotlib.pyplot.subplots()
    level = draw_flow_defects(grid, 3.0, "exact_email", ax=ax)
    assert level is grid[(3.0, "exact_email")]
    assert len(ax.get_lines()) == 4  # three metrics and the marker of the chosen scale
    recall = ax.get_lines()[1].get_ydata()
    table = grid.table()
    pd.testing.assert_series_equal(pd.Series(recall), table.loc[table["method"] == "exact_email", "recall"],
                                   check_index=False, check_names=False)
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="scale = 2.5"):
        draw_flow_defects(grid, 2.5, "fuzzy")
    with pytest.raises(ConfigError, match="method"):
        draw_flow_defects(grid, 1.0, "phonetic")
