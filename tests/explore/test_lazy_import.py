"""Importing crmkit and crmkit.explore is fast because nothing heavy loads until it is used."""

import subprocess
import sys

import pytest

HEAVY = ("seaborn", "sklearn", "ipywidgets", "matplotlib", "scipy", "pandas", "duckdb", "distributed")


@pytest.mark.parametrize("statement", ["import crmkit", "import crmkit.explore", "import crmkit as ck; ck.explore.__all__"])
def test_importing_loads_no_heavy_library(statement):
    code = f"import sys\n{statement}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "" and out.stderr == ""


def test_every_listed_explorer_resolves_to_the_object_its_module_defines():
    import importlib

    import crmkit.explore as explore

    assert len(explore.__all__) > 20 and "orders_explorer" in dir(explore)
    for name in explore.__all__:
        module = importlib.import_module(f"crmkit.explore.{explore._HOME[name]}")
        assert getattr(explore, name) is getattr(module, name), name
        assert name in module.__all__
    with pytest.raises(AttributeError, match="no attribute 'no_such_explorer'"):
        explore.no_such_explorer  # noqa: B018
