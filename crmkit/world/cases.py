"""Finding cases and loading their configuration, with one clear message on any mistake."""

from __future__ import annotations

import copy
import datetime as dt
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crmkit import _yaml
from crmkit.errors import ConfigError, describe_allowed
from crmkit.world.config import WorldConfig
from crmkit.world.sections import describe_range

# The case a function uses when none is named: the kit's running example (the lessons' company).
DEFAULT_CASE = "pschse"


def _case_root():
    return files("crmkit._case_studies")


def cases() -> list[str]:
    """Names of the cases that ship a ``world.yaml``, sorted.

    >>> {"pschse", "retailer", "tesco"} <= set(cases())
    True
    """
    root = _case_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.joinpath("world.yaml").is_file())


def _read_yaml(text: str, origin: str) -> dict:
    try:
        raw = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{origin}: malformed YAML{where}: {problem}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top, got {type(raw).__name__}")
    return raw


def _raw_config(source: str | Path | dict | WorldConfig) -> tuple[dict, str]:
    if isinstance(source, WorldConfig):
        return source.model_dump(mode="python"), f"config {source.name!r}"
    if isinstance(source, dict):
        return copy.deepcopy(source), "config"
    text_source = str(source)
    if text_source in cases():
        text = _case_root().joinpath(text_source, "world.yaml").read_text(encoding="utf-8")
        return _read_yaml(text, f"case {text_source!r}"), f"case {text_source!r}"
    path = Path(text_source)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise ConfigError(f"config file {text_source!r} does not exist")
        return _read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)
    raise ConfigError(f"unknown case {text_source!r}: {describe_allowed(cases())}, or a path to a .yaml file")


def _set_path(raw: dict, path: str, value: Any, origin: str) -> None:
    """Set ``value`` at a dotted ``path`` of ``raw``; a number in the path indexes a list."""
    keys = path.replace("__", ".").split(".")
    node = raw
    for i, key in enumerate(keys):
        where, last = ".".join(keys[:i]), i == len(keys) - 1
        if isinstance(node, list) and key.isdigit():
            key = int(key)
            if key >= len(node):
                raise ConfigError(f"{origin}: override {path!r}: {where!r} has {len(node)} items; "
                                  f"allowed: an index from 0 to {len(node) - 1}")
        elif not isinstance(node, dict):
            shown = repr(node) if len(repr(node)) <= 40 else type(node).__name__  # fixed: a value short enough to quote
            raise ConfigError(f"{origin}: override {path!r}: {where!r} is a setting ({shown}), not a section "
                              f"with settings; write {where}=<value> to change it")
        elif not last and key not in node:
            raise ConfigError(f"{origin}: override {path!r}: no section {'.'.join(keys[: i + 1])!r}; "
                              f"allowed: {describe_allowed(sorted(node))}")
        if last:
            node[key] = value
        else:
            node = node[key]


RANGE_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _format_validation(exc: ValidationError, raw: dict, origin: str) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    value = first.get("input")
    shown = "{...}" if isinstance(value, dict) else value.isoformat() if isinstance(value, dt.date) else repr(value)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a known setting"
    allowed = describe_range(WorldConfig, first["loc"])
    if allowed and first["type"] in RANGE_ERRORS:
        message = f"out of range; allowed: {allowed}"
    elif allowed and first["type"] != "extra_forbidden":
        message += f"; allowed: {allowed}"
    others = len(exc.errors()) - 1
    tail = f" (and {others} more problem{'s' * (others > 1)})" if others else ""
    if not first["loc"]:  # a check across sections, whose message names the settings itself
        return f"{origin}: {message}{tail}"
    return f"{origin}: {field} = {shown}: {message}{tail}"


def load_config(source: str | Path | dict | WorldConfig = DEFAULT_CASE, **overrides: Any) -> WorldConfig:
    """Load and validate a world configuration.

    Parameters
    ----------
    source : str, Path, dict or WorldConfig
        A case name (see :func:`cases`), a path to a YAML file, a mapping, or a config.
    **overrides
        Settings to change, by path: ``customers=500``, ``loyalty__enabled=False`` or,
        with a dotted key, ``**{"service.level": "premium"}``.

    Returns
    -------
    WorldConfig

    Examples
    --------
    >>> load_config("pschse", customers=200).customers
    200
    >>> load_config("pschse", customers=-1)
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: case 'pschse': customers = -1: out of range; allowed: 1 <= value <= 50000000
    """
    raw, origin = _raw_config(source)
    for path, value in overrides.items():
        if value is not None:
            _set_path(raw, path, value, origin)
    try:
        return WorldConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, raw, origin)) from None
