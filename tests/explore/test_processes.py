"""The CRM-process explorer driven from a test: choose a process and a picture, and read the
process's prepared view (from analytics.process_views)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit import frameworks  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.processes import draw_process, process_flow_explorer, process_views  # noqa: E402

PROCESSES = frameworks.load("crm_processes").stage_keys


@pytest.fixture(scope="module")
def widget(world):
    return process_flow_explorer(world)


def choose(widget, process, show=None):
    if show is not None:
        widget.control("show").value = show
    widget.control("process").value = process
    return widget.result


def test_choosing_a_process_shows_its_prepared_view(widget, world):
    views = process_views(world.tables)
    for process in PROCESSES[::-1]:
        view = choose(widget, process)
        assert view.key == process and str(view) == str(views[process])
        assert view.records.equals(views[process].records)
    assert widget.control("show").value == "flow"
    assert choose(widget, "lead_management", show="volumes").key == "lead_management"


def test_draw_refuses_unknown_choices(world):
    views = process_views(world.tables)
    with pytest.raises(ConfigError, match="'sales'"):
        draw_process(views, "sales")
    with pytest.raises(ConfigError, match="'table'"):
        draw_process(views, "sales_management", show="table")
