"""A world's own codes: its service issues, case reasons, feedback topics and refund reasons,
and its channels, interaction kinds and sources (:mod:`crmkit.world.channel_codes`).

A case declares them in the ``codes:`` section of its ``world.yaml`` (one business's reasons
are not another's); a case that says nothing gets the kit's generic lists (the vocabulary
files in ``crmkit/world/data/``). What the engine does with a code is data too: which
complaint reason and survey topic an order's service issue gives, which reasons a
complaint is miscoded as, which topic a case put right is about (``mappings`` and
``roles`` in ``words.yaml`` unless the case declares its own). The engine reads codes only
through :func:`codes_of`, and every setting that names one is checked here against the
world's own lists, with one message naming the setting, the value and the allowed values.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import Field, model_validator

from crmkit.world.channel_codes import (CHANNEL_LISTS, ChannelCodes, ChannelRoles, Code, CodeList, channel_defaults,
                                        check_channel_codes, check_channels, within_keys)
from crmkit.world.channel_codes import within as _within
from crmkit.world.sections import Remark
from crmkit.world.vocabulary import terms
from crmkit.world.words import channel_roles, mapping, roles, words_of

# The vocabulary lists a case may declare for itself (the others are the kit's, for every world).
SERVICE_LISTS = ("service_issue", "case_reason", "feedback_topic", "refund_reason")
CASE_LISTS = SERVICE_LISTS + CHANNEL_LISTS
NO_ISSUE = "none"  # the first service issue: nothing went wrong (code 0 in the engine)


class Roles(ChannelRoles):
    """What the engine does with some codes (the defaults: ``roles`` in ``words.yaml``)."""

    miscoded_as: CodeList = Field(description="Case reasons a complaint is miscoded as when the agent records it wrong.")
    about_an_order: list[Code] = Field(description="Request reasons about an order: the case points at the latest order.")
    service_topic: Code = Field(description="The feedback topic of service (a case put right, or not).")
    event_topic: Code = Field(description="The feedback topic of an event (a home sales event order).")
    new_product_topic: Code = Field(description="The feedback topic of an order holding a product new to the range.")
    loyalty_topic: Code = Field(description="The topic only a world with a loyalty programme hears about.")


def _default_roles() -> dict:
    many, own = ("miscoded_as", "about_an_order"), set(Roles.model_fields) - set(ChannelRoles.model_fields)
    return {**channel_roles(), **{name: list(roles(name)) if name in many else roles(name)[0] for name in sorted(own)}}


@cache
def _defaults() -> dict:
    refund_of_issue = {i: i for i in terms("service_issue")[1:]} | {NO_ISSUE: "changed_mind"}
    return {**{name: list(terms(name)) for name in SERVICE_LISTS}, **channel_defaults(), "reason_of_issue": mapping("reason_of_issue"),
            "topic_of_issue": mapping("topic_of_issue"), "refund_of_issue": refund_of_issue, "roles": _default_roles()}


class Codes(ChannelCodes):
    """A world's code lists and what each code does; the kit's generic ones where not declared."""

    remark: Remark
    service_issue: CodeList = Field(description="What can go wrong with an order; the first is 'none' (all went well).")
    case_reason: CodeList = Field(description="Why a service case is opened: complaints and ordinary requests.")
    feedback_topic: CodeList = Field(description="What a survey comment is about.")
    refund_reason: CodeList = Field(description="Why goods came back.")
    reason_of_issue: dict[Code, Code] = Field(description="The complaint reason of each service issue (but 'none').")
    topic_of_issue: dict[Code, Code] = Field(description="The feedback topic after each service issue (but 'none').")
    refund_of_issue: dict[Code, Code] = Field(description="The refund reason of a returned order, by its service issue.")
    roles: Roles

    @model_validator(mode="before")
    @classmethod
    def _over_defaults(cls, raw: Any) -> Any:
        """A case names only what it changes; the rest are the kit's lists, mappings and roles (one by one)."""
        if not isinstance(raw, dict):
            return raw
        given = raw.get("roles")
        return {**_defaults(), **raw, "roles": {**_defaults()["roles"], **given} if isinstance(given, dict) else given or _defaults()["roles"]}

    @model_validator(mode="after")
    def _consistent(self):
        for name in SERVICE_LISTS:
            values = getattr(self, name)
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"codes.{name} names {twice[0]!r} twice")
        check_channel_codes(self)  # the channel lists, their mappings and roles (crmkit.world.channel_codes)
        if self.service_issue[0] != NO_ISSUE:
            raise ValueError(f"codes.service_issue must start with {NO_ISSUE!r} (all went well), not {self.service_issue[0]!r}")
        issues = self.service_issue[1:]
        for field, keys, target in (("reason_of_issue", issues, "case_reason"), ("topic_of_issue", issues, "feedback_topic"),
                                    ("refund_of_issue", self.service_issue, "refund_reason")):
            given = getattr(self, field)
            _same_keys(given, keys, f"codes.{field}", "service issue")
            _within(list(given.values()), getattr(self, target), f"codes.{field}", target)
        r = self.roles
        _within(r.miscoded_as + r.about_an_order, self.case_reason, "codes.roles", "case_reason")
        _within([r.service_topic, r.event_topic, r.new_product_topic, r.loyalty_topic], self.feedback_topic, "codes.roles", "feedback_topic")
        both = sorted(set(r.miscoded_as) & set(self.reason_of_issue.values()))
        if both:
            raise ValueError(f"codes.roles.miscoded_as has {both[0]!r}, a complaint reason: a complaint is miscoded as a request")
        if not self.request_reasons:
            raise ValueError("codes.case_reason holds only complaint reasons; requests need at least one other reason")
        return self

    @property
    def lists(self) -> dict[str, tuple[str, ...]]:
        """The world's own vocabulary lists by name (they replace the kit's in its tables)."""
        return {name: tuple(getattr(self, name)) for name in CASE_LISTS}

    def code(self, name: str, value: str) -> int:
        """Position of ``value`` in the world's list ``name`` (the engine's integer code)."""
        return getattr(self, name).index(value)

    @property
    def request_reasons(self) -> tuple[str, ...]:
        """The case reasons that are not a complaint about an order that went wrong."""
        return tuple(r for r in self.case_reason if r not in self.reason_of_issue.values())


def _same_keys(given: dict, keys, field: str, what: str) -> None:
    wrong = [k for k in given if k not in keys] or [k for k in keys if k not in given]
    if wrong:
        raise ValueError(f"{field} must name each {what} once ({', '.join(keys)}), not {wrong[0]!r}; "
                         "declare it in the case's codes section when its codes differ from the kit's")


@cache
def default_codes() -> Codes:
    """The kit's generic codes (what a case gets when it declares none).

    >>> default_codes().service_issue[0]
    'none'
    """
    return Codes.model_validate({"remark": "The kit's generic codes (crmkit/world/data/vocabulary*.yaml)."})


def codes_of(config) -> Codes:
    """The codes of a world: its case's, or the kit's generic ones."""
    return getattr(config, "codes", None) or default_codes()


def lists_of(config) -> dict[str, tuple[str, ...]]:
    """The world's own vocabulary lists (for its tables' categories): see :attr:`Codes.lists`."""
    return codes_of(config).lists


def check_against(config) -> None:
    """Refuse a setting of ``config`` that names a code outside the world's own lists.

    Checked: the words (a comment per topic, a text per case reason, the general topics),
    ``service.issue_mix``, ``service_desk.requests.reasons`` and ``finance.returns.rate``.
    A words key of the kit's generic lists is let through (the kit's words are merged
    under a case's, and the engine reads only the world's codes).
    """
    codes, words, kit = codes_of(config), words_of(config), default_codes()
    check_channels(config, codes)
    _within(list(words.comments), [*codes.feedback_topic, *kit.feedback_topic], "words.comments", "feedback_topic")
    _within(list(words.reasons), [*codes.case_reason, *kit.case_reason], "words.reasons", "case_reason")
    _within(words.general_topics, codes.feedback_topic, "words.general_topics", "feedback_topic")
    for field, given, needed in (("words.comments", words.comments, codes.feedback_topic), ("words.reasons", words.reasons, codes.case_reason)):
        missing = [c for c in needed if c not in given]
        if missing:
            raise ValueError(f"{field} lacks {missing[0]!r}: it needs one entry for each of {', '.join(needed)}")
    _weights(config.service.issue_mix, codes.service_issue, "service.issue_mix")
    if config.service_desk is not None:
        _weights(config.service_desk.requests.reasons, codes.request_reasons, "service_desk.requests.reasons")
    if config.finance is not None:
        within_keys(config.finance.returns.rate, codes.service_issue, "finance.returns.rate")


def _weights(given: dict, allowed, field: str) -> None:
    within_keys(given, allowed, field)
    if given and sum(given.values()) <= 0:
        raise ValueError(f"{field} weights must not all be zero")
