"""``crmkit.explore`` holds no statistics: every figure an explorer shows is computed in
``crmkit.analytics`` (issue 18: an explore module holds only ``draw_*`` functions and thin
``*_explorer`` wrappers). Read from the source (ast): a call of a grouping, aggregating or
counting method in an explore module fails, unless it is on the short list below, which says
why that call belongs to drawing. Binning done by the plotting library (``ax.hist``) is not
our code and is not looked for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EXPLORE = Path(__file__).resolve().parents[2] / "crmkit" / "explore"
STATISTICS = frozenset({
    "groupby", "agg", "aggregate", "transform", "cumsum", "cumprod", "cummax", "cummin", "value_counts",
    "pivot_table", "pivot", "crosstab", "resample", "rolling", "expanding", "ewm", "quantile", "percentile",
    "nanpercentile", "median", "nanmedian", "mean", "nanmean", "average", "std", "nanstd", "var", "sum",
    "nansum", "describe", "corr", "cov", "corrcoef", "nunique", "bincount", "histogram", "histogram2d",
    "digitize", "cut", "qcut", "nlargest", "nsmallest", "rank", "reduceat",
})
# (module, the function the call is in, the method): each a call that only serves a picture.
ALLOWED = {
    # one broken_barh per phase of one customer's time line (five at most): the rows are split to be
    # drawn in their phase's colour, no figure is computed from them
    ("lifecycle", "draw_customer_story", "groupby"),
    # lays out the process picture: a column of nodes per group of the framework's table of stages
    # (configuration, not data about customers)
    ("processes", "_nodes", "groupby"),
    # counts the finite points of a tile's sparkline, to draw no line through fewer than two
    ("payne", "_sparkline", "sum"),
}


def _calls(path: Path):
    """(enclosing function, method) of every call of a method or function by attribute in ``path``."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                found.append((inner, child.func.attr, child.lineno))
            if isinstance(child, ast.Call) and child.func.__class__ is ast.Attribute and child.func.attr == "unique" \
                    and any(k.arg == "return_counts" for k in child.keywords):
                found.append((inner, "unique(return_counts)", child.lineno))
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def statistics_in_explore() -> list[tuple[str, str, str, int]]:
    return [(path.stem, function, method, line) for path in sorted(EXPLORE.glob("*.py"))
            for function, method, line in _calls(path)
            if method in STATISTICS | {"unique(return_counts)"}]


def test_no_explore_module_computes_statistics():
    found = [f"crmkit/explore/{module}.py:{line} {function}(): .{method}(...)"
             for module, function, method, line in statistics_in_explore() if (module, function, method) not in ALLOWED]
    assert found == [], "move these computations into crmkit.analytics:\n" + "\n".join(found)


def test_every_allowed_call_is_still_there():
    # the list only shrinks: a call that was moved away takes its entry with it
    present = {(module, function, method) for module, function, method, _ in statistics_in_explore()}
    assert ALLOWED - present == set()


@pytest.mark.parametrize("source", [
    "def draw(t):\n    return t.groupby('a').size()\n",
    "import numpy as np\ndef f(x):\n    return np.bincount(x)\n",
    "def f(t):\n    return t['amount'].cumsum()\n",
    "import numpy as np\ndef f(k):\n    return np.unique(k, return_counts=True)\n",
])
def test_the_scan_finds_a_computation(tmp_path, source):
    path = tmp_path / "mine.py"
    path.write_text(source, encoding="utf-8")
    assert any(method in STATISTICS | {"unique(return_counts)"} for _, method, _ in _calls(path))


@pytest.mark.parametrize(("module", "name"), [
    ("sales", "vendor_probabilities"), ("sales", "pipeline_snapshots"), ("sales", "snapshot_forecasts"),
    ("sales", "PipelineForecasts"), ("privacy", "consent_reach"), ("privacy", "partner_extract"),
    ("privacy", "prepare_extract"), ("privacy", "anonymity_view"), ("privacy", "purchase_inference"),
    ("value_chain", "profile_completeness"), ("value_chain", "repeat_rate"),
    ("value_chain", "cost_to_serve_concentration"),
])
def test_a_moved_name_is_still_found_where_the_notebooks_import_it(module, name):
    import importlib

    import crmkit.analytics as analytics

    assert getattr(importlib.import_module(f"crmkit.explore.{module}"), name) is getattr(analytics, name)
