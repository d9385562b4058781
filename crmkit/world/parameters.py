"""The engine's own numbers: data with their remark, not literals in code.

Every number that sets how the simulation behaves, and that no case changes, lives in
``crmkit/world/data/parameters.yaml`` under its component, with a ``remark`` saying where
it comes from or why it is what it is (as Synthea keeps its modules' numbers). Numbers a
case may change live in the case's ``world.yaml`` instead (see :mod:`crmkit.world.config`).
A test (``tests/world/test_numbers_as_data.py``) keeps new bare numbers out of the engine.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Annotated

from pydantic import Field, StrictFloat, StrictInt, ValidationError

from crmkit import _yaml
from crmkit.errors import ConfigError
from crmkit.world.sections import Remark, Section

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Parameter(Section):
    """One number and the reason it has that value."""

    value: StrictInt | StrictFloat  # an int stays an int: some feed integer draws
    remark: Remark


class Parameters(Section):
    components: dict[Name, dict[Name, Parameter]]


@cache
def _parameters() -> Parameters:
    raw = _yaml.safe_load(files("crmkit.world.data").joinpath("parameters.yaml").read_text(encoding="utf-8"))
    try:
        return Parameters.model_validate({"components": raw})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"][1:])
        raise ConfigError(f"parameters.yaml: {where}: {error['msg']}") from None


def parameter(component: str, name: str) -> int | float:
    """The value of one of the engine's numbers.

    >>> parameter("feedback", "neutral_band")
    0.3
    """
    params = _parameters().components
    if component not in params or name not in params[component]:
        known = ", ".join(f"{c}.{n}" for c in params for n in params[c])
        raise ConfigError(f"parameter {component}.{name} is not in parameters.yaml; known: {known}")
    return params[component][name].value


def remark(component: str, name: str) -> str:
    """Where one of the engine's numbers comes from (for docs and reviews)."""
    return _parameters().components[component][name].remark


def all_parameters() -> dict[str, int | float]:
    """Every parameter as ``{"component.name": value}``."""
    return {f"{c}.{n}": p.value for c, ps in _parameters().components.items() for n, p in ps.items()}
