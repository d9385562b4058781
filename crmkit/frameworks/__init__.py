"""The CRM models as data: stages, definitions, sources, and the analyses that illustrate them.

Each model (the CRM flow model, the types of CRM, the CRM processes, IDIC, Buttle's value
chain, Payne's five processes, Gartner's eight building blocks, Dwyer's relationship phases)
is one YAML file in ``crmkit/frameworks/data``. Every stage cites keys of the kit's
reference list (``references.yaml``) and names the ``crmkit.analytics`` function and the world
table that show it on data.

>>> from crmkit import frameworks
>>> frameworks.names()[:3]
['flow_model', 'crm_types', 'crm_processes']
>>> idic = frameworks.load("idic")
>>> [stage.name for stage in idic.stages]
['Identify', 'Differentiate', 'Interact', 'Customize']
>>> frameworks.table("idic").columns.tolist()
['key', 'stage', 'group', 'definition', 'sources', 'analytics', 'tables']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd
import yaml

from crmkit import _yaml
from crmkit.errors import ConfigError, DataError, describe_allowed
from crmkit.frameworks.models import Framework, Link, Reference, Stage, parse_framework, parse_reference

__all__ = ["names", "load", "table", "links", "references", "reference", "cite", "reading_list", "ReadingList", "Framework", "Stage", "Link", "Reference"]

REFERENCES_FILE = "references.yaml"
# Data files beside the models that are not models themselves.
NOT_MODELS = (REFERENCES_FILE, "seed_topics.yaml", "crm_scope.yaml", "crm_product_classes.yaml")
# Teaching order (the order of the lessons); a model added later without a place here comes last.
TEACHING_ORDER = (
    "flow_model", "crm_types", "crm_processes", "idic", "payne_five_processes",
    "buttle_value_chain", "gartner_building_blocks", "dwyer_phases",
)


def _read(filename: str) -> dict:
    text = files("crmkit.frameworks.data").joinpath(filename).read_text(encoding="utf-8")
    try:
        raw = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"crmkit/frameworks/data/{filename}: malformed YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DataError(f"crmkit/frameworks/data/{filename}: expected a mapping at the top")
    return raw


@cache
def references() -> dict[str, Reference]:
    """The kit's reference list: key -> :class:`Reference` (citation, urls, status, note).

    >>> refs = references()
    >>> refs["payne_frow_2005"].status
    'C'
    >>> sorted({ref.status for ref in refs.values()}) == sorted(["C", "C-sec", "U", "course"])
    True
    """
    return {key: parse_reference(key, raw) for key, raw in _read(REFERENCES_FILE).items()}


def reference(key: str) -> Reference:
    """Return one entry of the reference list; a :class:`ConfigError` lists the keys otherwise.

    >>> reference("dwyer_schurr_oh_1987").citation.startswith("Dwyer, F. R.")
    True
    """
    refs = references()
    if key not in refs:
        raise ConfigError(f"unknown reference key {key!r}: {describe_allowed(sorted(refs))}")
    return refs[key]


def cite(key: str) -> str:
    """Format a reference for a Markdown References section: key, citation, status, addresses.

    >>> cite("sharp_2005")  # doctest: +NORMALIZE_WHITESPACE
    '**sharp_2005**: Sharp, B. (2005, January 12). A 5% drop in defection does not lead to
    80%+ more profits. Blog post. [C]
    <https://byronsharp.wordpress.com/2005/01/12/a-5-drop-in-defection-does-not-lead-to-80-more-profits/>'
    """
    ref = reference(key)
    addresses = "".join(f" <{url}>" for url in ref.urls)
    return f"**{key}**: {ref.citation} [{ref.status}]{addresses}"


@dataclass(frozen=True)
class ReadingList:
    """A lesson's reading list: each source's full citation, shown as Markdown in a notebook."""

    keys: tuple[str, ...]

    def markdown(self) -> str:
        return "\n".join(f"* {cite(key)}" for key in self.keys)

    def _repr_markdown_(self) -> str:
        return self.markdown()


def reading_list(keys) -> ReadingList:
    """The reading list of a lesson, as the last line of its References cell.

    An unknown key fails at once with the keys there are.

    >>> print(reading_list(["dwyer_schurr_oh_1987"]).markdown()[:40])
    * **dwyer_schurr_oh_1987**: Dwyer, F. R.
    """
    keys = tuple(keys)
    for key in keys:
        reference(key)
    return ReadingList(keys)


def _framework_files() -> dict[str, str]:
    found = sorted(
        entry.name.removesuffix(".yaml")
        for entry in files("crmkit.frameworks.data").iterdir()
        if entry.name.endswith(".yaml") and entry.name not in NOT_MODELS
    )
    ranked = sorted(found, key=lambda name: (TEACHING_ORDER.index(name) if name in TEACHING_ORDER else len(TEACHING_ORDER), name))
    return {name: f"{name}.yaml" for name in ranked}


def names() -> list[str]:
    """The models the kit holds, in teaching order.

    >>> "dwyer_phases" in names()
    True
    """
    return list(_framework_files())


@cache
def load(name: str) -> Framework:
    """Return one model as a frozen :class:`Framework` (title, summary, sources, stages).

    Raises :class:`ConfigError` naming the allowed models when ``name`` is unknown.

    >>> payne = load("payne_five_processes")
    >>> len(payne.stages), payne.stages[0].sources
    (5, ('payne_frow_2005',))
    >>> payne.stage("information_management").links[0].analytics
    'customer_master'
    """
    available = _framework_files()
    if name not in available:
        raise ConfigError(f"unknown framework {name!r}: {describe_allowed(available)}")
    framework = parse_framework(_read(available[name]), f"crmkit/frameworks/data/{available[name]}", references())
    if framework.name != name:
        raise DataError(f"crmkit/frameworks/data/{available[name]}: field 'name' is {framework.name!r}, expected {name!r}")
    return framework


def table(name: str) -> pd.DataFrame:
    """One model as a table for a notebook: one row per stage, in order.

    Columns: ``key``, ``stage`` (its name), ``group`` (e.g. delivery / support / analysis for
    the CRM processes; empty otherwise), ``definition``, ``sources`` (reference keys, comma
    separated), ``analytics`` (``crmkit.analytics`` functions) and ``tables`` (world tables;
    ``truth.`` marks a truth table).

    >>> processes = table("crm_processes")
    >>> processes.groupby("group", sort=False).size().to_dict()
    {'delivery': 4, 'support': 2, 'analysis': 3}
    """
    rows = [
        {
            "key": stage.key,
            "stage": stage.name,
            "group": stage.group,
            "definition": stage.definition,
            "sources": ", ".join(stage.sources),
            "analytics": ", ".join(dict.fromkeys(link.analytics for link in stage.links)),
            "tables": ", ".join(dict.fromkeys(link.table for link in stage.links)),
        }
        for stage in load(name).stages
    ]
    return pd.DataFrame(rows, columns=["key", "stage", "group", "definition", "sources", "analytics", "tables"])


def links() -> pd.DataFrame:
    """Every link of every model: which analysis and table show which stage.

    Columns: ``framework``, ``stage`` (key), ``analytics``, ``table``, ``is_truth``, ``shows``.

    >>> all_links = links()
    >>> set(all_links["framework"]) == set(names())
    True
    """
    rows = [
        {"framework": name, "stage": stage.key, "analytics": link.analytics, "table": link.table,
         "is_truth": link.is_truth, "shows": link.shows}
        for name in names()
        for stage in load(name).stages
        for link in stage.links
    ]
    return pd.DataFrame(rows, columns=["framework", "stage", "analytics", "table", "is_truth", "shows"])
