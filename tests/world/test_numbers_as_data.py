"""Numbers that set how the world behaves are data with their remark, not literals in code.

An AST scan of ``crmkit/world``: a numeric literal other than 0, 1, 2, 100, 1000 and -1 is
refused unless it is
- a range bound of the configuration schema (``ge=``, ``le=``, ``max_length=`` ...) or a
  field's default in a config class: the schema, where a case may change the number (each
  bound carries its reason in a comment; reviewed by hand, not checked here);
- on a line marked ``# fixed: <why>``: a fact that is not a behaviour (a unit, a file
  format, a world's identity, a printed precision), said so where it is written.
A behaviour number goes to ``crmkit/world/data/parameters.yaml`` (read with
:func:`crmkit.world.parameters.parameter`) or to the case config.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from crmkit.errors import ConfigError
from crmkit.world import parameters

WORLD = Path(__file__).resolve().parents[2] / "crmkit" / "world"
TRIVIAL = {0, 1, 2, 100, 1000, -1}
BOUNDS = {"ge", "gt", "le", "lt", "min_length", "max_length", "multiple_of"}


def _allowed_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under a bound keyword or a class-body field: the config schema."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        under = []
        if isinstance(node, ast.keyword) and node.arg in BOUNDS:
            under = [node.value]
        if isinstance(node, ast.ClassDef):
            under = [s for s in node.body if isinstance(s, ast.AnnAssign)]
        for root in under:
            allowed |= {id(n) for n in ast.walk(root)}
    return allowed


def bare_numbers(path: Path) -> list[tuple[int, float]]:
    """(line, value) of every numeric literal of ``path`` that the rules above refuse."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    negated = {id(n.operand) for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
    allowed = _allowed_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            continue
        value = -node.value if id(node) in negated else node.value
        if value in TRIVIAL or id(node) in allowed or re.search(r"#\s*fixed:\s*\S", lines[node.lineno - 1]):
            continue
        found.append((node.lineno, value))
    return sorted(found)


def _modules() -> list[str]:
    return sorted(p.relative_to(WORLD).as_posix() for p in WORLD.rglob("*.py"))


@pytest.mark.parametrize("module", _modules())  # every module: the last were converted under issue 18
def test_no_bare_behaviour_number(module):
    found = bare_numbers(WORLD / module)
    assert not found, (f"crmkit/world/{module} has bare numbers {found}: put a behaviour number in "
                       "data/parameters.yaml (or the case config) with its remark, or mark a fact '# fixed: why'")


def test_scan_finds_a_bare_number(tmp_path):
    code = tmp_path / "m.py"
    code.write_text("from pydantic import Field\nclass C:\n    x: float = Field(0.5, le=7)\n"
                    "DAYS = 7  # fixed: a week\nSHARE = 0.6  # invented\ny = [1, 2, -1, 100]\n")
    assert bare_numbers(code) == [(5, 0.6)]


def test_every_parameter_has_a_remark_and_is_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in WORLD.rglob("*.py"))
    for key in parameters.all_parameters():
        component, name = key.split(".")
        assert len(parameters.remark(component, name)) > 10
        assert re.search(rf"parameter\(\s*\"{component}\",\s*\"{name}\"\)|\"{name}\"", code), f"{key} is read nowhere"


def test_unknown_parameter_is_one_clear_error():
    with pytest.raises(ConfigError, match=r"feedback\.nope is not in parameters.yaml; known: .*feedback\.neutral_band"):
        parameters.parameter("feedback", "nope")


def test_a_parameter_keeps_its_type():
    assert isinstance(parameters.parameter("sources", "stranger_age_low"), int)  # drawn with rng.integers
    assert isinstance(parameters.parameter("lifecycle", "leaving_days"), float)
