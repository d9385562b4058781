"""The words a world's customers read and write, and where they live: data, not code.

The package ships neutral defaults (``crmkit/world/data/words.yaml``); a case's
``world.yaml`` replaces any part of them in its ``words:`` section. The engine reads
words only through :func:`words_of`, so it holds no company's nouns of its own.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from crmkit import _yaml
from crmkit.world.sections import Remark, Section
from crmkit.world.vocabulary import terms

SENTIMENTS = ("negative", "neutral", "positive")
# A phrase is a clause of a comment, a subject a line of a to-do list: 200 characters is a paragraph.
Phrase = Annotated[str, Field(min_length=1, max_length=200)]
Filler = Annotated[str, Field(max_length=80)]  # '' means no opener or closer
Phrases = Annotated[list[Phrase], Field(min_length=1, max_length=500)]


class Tones(Section):
    """One list of phrases (or fillers) per sentiment."""

    negative: Phrases
    neutral: Phrases
    positive: Phrases

    def by_sentiment(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(getattr(self, s)) for s in SENTIMENTS)


class Fillers(Section):
    negative: Annotated[list[Filler], Field(min_length=1, max_length=100)]
    neutral: Annotated[list[Filler], Field(min_length=1, max_length=100)]
    positive: Annotated[list[Filler], Field(min_length=1, max_length=100)]

    def by_sentiment(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(getattr(self, s)) for s in SENTIMENTS)


class Phone(Section):
    """Fictional phone numbers: ``format`` filled with two numbers drawn from ``[low, high)``."""

    format: str = Field(pattern=r"\{line\}", description="E.g. '({area}) 555-0{line}'; must hold {line}.")
    area: tuple[int, int]
    line: tuple[int, int]

    @model_validator(mode="after")
    def _ranges(self):
        for name in ("area", "line"):
            low, high = getattr(self, name)
            if not 0 <= low < high:
                raise ValueError(f"{name} must be [low, high) with 0 <= low < high, not [{low}, {high}]")
        return self


class Geography(Section):
    locale: str = Field(description="Faker locale of names and towns, e.g. en_US or en_GB.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount, e.g. USD or GBP.")
    phone: Phone
    regions: dict[str, Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]] = Field(
        min_length=1, max_length=200, description="Sales regions and the states or counties in each.")
    email_domains: Annotated[list[Annotated[str, Field(min_length=3)]], Field(min_length=1)]

    @field_validator("locale")
    @classmethod
    def _locale(cls, v):
        if v not in faker_locales():
            raise ValueError(f"locale {v!r} is not a Faker locale; allowed: e.g. en_US, en_GB, de_DE, fr_FR")
        return v


@cache
def faker_locales() -> frozenset[str]:
    """The locales Faker has person names for, read from its package folder.

    Faker is not imported (that takes a third of a second and every config is validated
    when the kit is imported): the locales are the folders of ``faker/providers/person``.

    >>> {"en_US", "en_GB", "de_DE"} <= faker_locales()
    True
    """
    spec = find_spec("faker")
    folders = [Path(p) / "providers" / "person" for p in (spec.submodule_search_locations or [])] if spec else []
    return frozenset(d.name for f in folders if f.is_dir() for d in f.iterdir()
                     if d.is_dir() and "_" in d.name and not d.name.startswith("_"))


class Words(Section):
    """Everything customers read or write in a world: comments, subjects, places."""

    remark: Remark | None = None
    comments: dict[str, Tones] = Field(description="Survey comment phrases by topic (the world's codes.feedback_topic) and sentiment.")
    openers: Fillers
    closers: Fillers
    general_topics: Annotated[list[str], Field(min_length=1)] = Field(description="Topics of a survey about nothing in particular.")
    sales_subjects: dict[Literal["lead", "deal"], dict[str, Phrases]]
    reasons: dict[str, Phrase] = Field(description="What staff write for each case reason (the world's codes.case_reason).")
    geography: Geography
    nouns: list[Annotated[str, Field(min_length=2)]] = Field(
        [], description="The business's own nouns, each used in its phrases; a test keeps them out of the engine's code.")

    @model_validator(mode="before")
    @classmethod
    def _over_defaults(cls, raw: Any) -> Any:
        """A case names only what it changes: its topics replace the default topics one by one."""
        if not isinstance(raw, dict):
            return raw
        merged = {**_raw_defaults(), **raw}
        for key in ("comments", "reasons"):  # by topic, by reason
            if isinstance(raw.get(key), dict):
                merged[key] = {**_raw_defaults()[key], **raw[key]}
        return merged

    @model_validator(mode="after")
    def _vocabulary(self):
        # Topic and reason codes are checked against the world's own codes (crmkit.world.codes).
        said = " ".join(p for tones in self.comments.values() for s in SENTIMENTS for p in getattr(tones, s)).lower()
        said += " " + " ".join(p for kinds in self.sales_subjects.values() for ps in kinds.values() for p in ps).lower()
        said += " " + " ".join(self.reasons.values()).lower()
        unused = [n for n in self.nouns if not re.search(rf"(?<![a-z]){re.escape(n.lower())}(?![a-z])", said)]
        if unused:
            raise ValueError(f"nouns has {unused[0]!r}, which none of the phrases uses")
        for obj, kinds in self.sales_subjects.items():
            wrong = sorted(set(terms("activity_kind")) ^ set(kinds))
            if wrong:
                raise ValueError(f"sales_subjects.{obj} must name each activity kind once ({', '.join(terms('activity_kind'))}), "
                                 f"not {wrong[0]!r}")
        return self


@cache
def _data() -> dict:
    return _yaml.safe_load(files("crmkit.world.data").joinpath("words.yaml").read_text(encoding="utf-8"))


def _raw_defaults() -> dict:
    keys = ("comments", "openers", "closers", "general_topics", "sales_subjects", "reasons", "geography")
    return {k: _data()[k] for k in keys}


@cache
def default_words() -> Words:
    """The package's neutral words (what a case gets when it says nothing).

    >>> default_words().geography.locale
    'en_US'
    """
    return Words.model_validate(_raw_defaults())


def words_of(config) -> Words:
    """The words of a world: its case's, or the package's defaults."""
    return getattr(config, "words", None) or default_words()


def mapping(name: str) -> dict[str, str]:
    """One of the generic channel mappings of the CRM world (codes, not words).

    >>> mapping("contact_kind")["email"]
    'email_sent'
    """
    return dict(_data()["mappings"][name])


def roles(name: str) -> tuple[str, ...]:
    """The codes that play one role in the engine (e.g. the reasons a complaint is miscoded as).

    >>> roles("about_an_order")
    ('order_status', 'return_request', 'billing')
    """
    return tuple(_data()["roles"][name])


def channel_roles() -> dict:
    """Which channel or interaction kind plays each part of the engine (the kit's defaults).

    >>> channel_roles()["visit"]
    {'channel': 'web', 'kind': 'site_visit'}
    """
    return dict(_data()["channel_roles"])


def default_source_systems() -> dict[str, dict]:
    """Each known source system's channels and record-key prefix."""
    return {name: dict(spec) for name, spec in _data()["source_systems"].items()}
