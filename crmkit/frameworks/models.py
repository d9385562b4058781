"""The shapes of a CRM model as data, and how they are read from the kit's YAML files.

A :class:`Framework` (the flow model, IDIC, Payne's five processes, ...) is a list of
:class:`Stage` objects. Each stage has a definition in the kit's own words, the keys of the
references that support it (from ``references.yaml``) and one or more :class:`Link` objects:
the ``crmkit.analytics`` function and the world table that show the stage on data.
Everything is a frozen dataclass, so a lesson cannot change the kit's models by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmkit.errors import DataError, describe_allowed

STATUSES = ("C", "C-sec", "U", "A", "course")
TRUTH_PREFIX = "truth."


@dataclass(frozen=True)
class Reference:
    """One entry of the kit's reference list.

    ``status`` is the evidence label of the source in the kit's researched facts:
    ``C`` confirmed, ``C-sec`` secondary only, ``U`` unverified, ``course`` the course
    documents the kit is built on.
    """

    key: str
    citation: str
    urls: tuple[str, ...]
    status: str
    note: str = ""
    section: str = ""
    short: str = ""  # the in-text form ("Payne & Frow, 2005") when it cannot be read off the citation


@dataclass(frozen=True)
class Link:
    """An analysis that shows a stage on data: a ``crmkit.analytics`` function and a table.

    ``table`` names an observed table (``"orders"``) or a truth table with the prefix
    ``truth.`` (``"truth.phases"``), as a world exposes them (``world.truth.phases``).

    >>> Link("cohort_retention", "truth.phases", "who is in which phase").table_name
    'phases'
    """

    analytics: str
    table: str
    shows: str

    @property
    def is_truth(self) -> bool:
        """Whether the table is one of the hidden truth tables."""
        return self.table.startswith(TRUTH_PREFIX)

    @property
    def table_name(self) -> str:
        """The table's name in the data dictionary (without the ``truth.`` prefix)."""
        return self.table.removeprefix(TRUTH_PREFIX)


@dataclass(frozen=True)
class Stage:
    """One stage, step, type or building block of a framework."""

    key: str
    name: str
    definition: str
    sources: tuple[str, ...]
    links: tuple[Link, ...]
    group: str = ""
    crm_type: str = ""  # the type of CRM (crm_types.yaml) the stage belongs to, where the course maps one


@dataclass(frozen=True)
class Framework:
    """A CRM model as data: what it is, where it comes from and its stages in order."""

    name: str
    title: str
    summary: str
    sources: tuple[str, ...]
    stages: tuple[Stage, ...]
    version: str = ""
    notes: tuple[str, ...] = ()
    # Conditions that support the stages rather than follow them (Buttle's value chain has four);
    # a self-assessment can score them with the stages (crmkit.frameworks.assessment).
    conditions: tuple[Stage, ...] = ()

    def stage(self, key: str) -> Stage:
        """Return the stage called ``key``; a :class:`DataError` lists the stages otherwise."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise DataError(f"framework {self.name!r} has no stage {key!r}: {describe_allowed(self.stage_keys)}")

    @property
    def stage_keys(self) -> list[str]:
        """The stages' keys, in the framework's order."""
        return [stage.key for stage in self.stages]


# --- reading the YAML ------------------------------------------------------------------------


def _text(raw: dict, field: str, origin: str, required: bool = True) -> str:
    value = raw.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DataError(f"{origin}: field {field!r} must be text, got {type(value).__name__}")
    value = " ".join(value.split())  # YAML folded blocks keep stray spaces; one space reads best
    if required and not value:
        raise DataError(f"{origin}: field {field!r} is missing or empty")
    return value


def _keys(raw: dict, field: str, origin: str, known: dict[str, Reference]) -> tuple[str, ...]:
    keys = raw.get(field) or []
    if not isinstance(keys, list) or not keys:
        raise DataError(f"{origin}: field {field!r} must be a non-empty list of reference keys")
    for key in keys:
        if key not in known:
            raise DataError(f"{origin}: unknown reference key {key!r} in {field!r}; see references.yaml")
    return tuple(keys)


def parse_reference(key: str, raw: dict) -> Reference:
    """Build a :class:`Reference` from its YAML mapping, refusing a malformed entry.

    >>> parse_reference("x_2000", {"citation": "X (2000). T.", "urls": [], "status": "C"}).status
    'C'
    """
    origin = f"references.yaml: {key}"
    if not isinstance(raw, dict):
        raise DataError(f"{origin}: expected a mapping with citation, urls and status")
    status = raw.get("status")
    if status not in STATUSES:
        raise DataError(f"{origin}: status {status!r} is not allowed: {describe_allowed(STATUSES)}")
    urls = raw.get("urls")
    if not isinstance(urls, list) or not all(isinstance(u, str) and u.startswith("http") for u in urls):
        raise DataError(f"{origin}: 'urls' must be a list of web addresses (may be empty), got {urls!r}")
    return Reference(
        key=key,
        citation=_text(raw, "citation", origin),
        urls=tuple(urls),
        status=status,
        note=_text(raw, "note", origin, required=False),
        section=str(raw.get("section", "") or ""),
        short=_text(raw, "short", origin, required=False),
    )


def _parse_link(raw: dict, origin: str) -> Link:
    if not isinstance(raw, dict):
        raise DataError(f"{origin}: each link must be a mapping with analytics, table and shows")
    return Link(
        analytics=_text(raw, "analytics", origin),
        table=_text(raw, "table", origin),
        shows=_text(raw, "shows", origin),
    )


def _parse_stage(raw: dict, origin: str, known: dict[str, Reference], linked: bool = True) -> Stage:
    if not isinstance(raw, dict):
        raise DataError(f"{origin}: each stage must be a mapping")
    origin = f"{origin}: stage {raw.get('key', '?')!r}"
    links = raw.get("links") or []
    if not isinstance(links, list) or (linked and not links):
        raise DataError(f"{origin}: field 'links' must be a non-empty list")
    return Stage(
        key=_text(raw, "key", origin),
        name=_text(raw, "name", origin),
        definition=_text(raw, "definition", origin),
        sources=_keys(raw, "sources", origin, known),
        links=tuple(_parse_link(link, origin) for link in links),
        group=_text(raw, "group", origin, required=False),
        crm_type=_text(raw, "crm_type", origin, required=False),
    )


def parse_framework(raw: dict, origin: str, known: dict[str, Reference]) -> Framework:
    """Build a :class:`Framework` from one YAML file's mapping.

    ``known`` is the reference list: every source key must be in it. A :class:`DataError`
    names the file, the stage and the field of the first problem.
    """
    if not isinstance(raw, dict):
        raise DataError(f"{origin}: expected a mapping with name, title, summary, sources and stages")
    stages = raw.get("stages") or []
    if not isinstance(stages, list) or not stages:
        raise DataError(f"{origin}: field 'stages' must be a non-empty list")
    parsed = tuple(_parse_stage(stage, origin, known) for stage in stages)
    conditions = raw.get("supporting_conditions") or []
    if not isinstance(conditions, list):
        raise DataError(f"{origin}: field 'supporting_conditions' must be a list")
    # a condition may have no analysis that shows it on data (leadership and culture has none)
    supporting = tuple(_parse_stage(condition, origin, known, linked=False) for condition in conditions)
    keys = [stage.key for stage in parsed + supporting]
    if len(set(keys)) != len(keys):
        repeated = next(k for k in keys if keys.count(k) > 1)
        raise DataError(f"{origin}: stage key {repeated!r} appears more than once")
    notes = raw.get("notes") or []
    return Framework(
        name=_text(raw, "name", origin),
        title=_text(raw, "title", origin),
        summary=_text(raw, "summary", origin),
        sources=_keys(raw, "sources", origin, known),
        stages=parsed,
        version=_text(raw, "version", origin, required=False),
        notes=tuple(" ".join(str(note).split()) for note in notes),
        conditions=supporting,
    )
