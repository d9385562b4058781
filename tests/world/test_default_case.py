"""The default case is named once: crmkit.world.cases.DEFAULT_CASE, not in each signature."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import crmkit as ck
from crmkit.analytics.identity_sweep import defect_sweep
from crmkit.world.cases import DEFAULT_CASE, cases
from crmkit.world.datasets import load_dataset
from crmkit.world.engine import simulate
from crmkit.world.stream import generate

PACKAGE = Path(ck.__file__).parent
# Plans are found by case name too, but a plan is not a world: the planning tools keep their own default.
OWN_DEFAULTS = {"planning"}


def test_the_default_is_a_shipped_case():
    assert DEFAULT_CASE in cases()


def test_functions_that_take_a_case_default_to_the_constant():
    for function, name in ((simulate, "source"), (generate, "source"), (load_dataset, "name"),
                           (ck.load_config, "source"), (defect_sweep, "case")):
        assert inspect.signature(function).parameters[name].default == DEFAULT_CASE, function.__name__


def test_no_signature_spells_a_case_name():
    names = set(cases())
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in OWN_DEFAULTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defaults = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}" for d in defaults
                          if isinstance(d, ast.Constant) and d.value in names]
    assert not found, f"use crmkit.world.cases.DEFAULT_CASE instead of a case name: {found}"
