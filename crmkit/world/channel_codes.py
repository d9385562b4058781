"""A world's own channels: where its customers meet it, how they arrived, what they do there.

A case declares these lists in the ``codes:`` section of its ``world.yaml`` beside its
service codes (a bakery sells at a market stall, and holds no events); a case
that says nothing gets the kit's generic lists. What the engine does with a channel is data
too: which channel an acquisition source or an order channel is, which interaction a
campaign contact or a web order leaves (``mappings`` in ``words.yaml``), and which channel
or interaction kind plays each part of the engine (``channel_roles`` in ``words.yaml``; a case
names its own under ``codes.roles``, one role at a time).
The engine reads these codes only through the world's codes
(:func:`crmkit.world.codes.codes_of`); every setting of a config that names one is checked
here against the world's own lists, with one message naming the setting, the value and
the allowed values.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from crmkit.world.sections import Section
from crmkit.world.vocabulary import terms
from crmkit.world.words import default_source_systems, mapping

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CodeList = Annotated[list[Code], Field(min_length=1, max_length=200)]  # a code list is a pick-list, not a free text
CHANNEL_LISTS = ("channel", "order_channel", "interaction_kind", "acquisition_source", "campaign_channel",
                 "lead_source", "opportunity_kind", "source_system")
# Each mapping of the channel codes: (its key list, its value list). None: values are no codes.
CHANNEL_MAPPINGS = {
    "channel_of_source": ("acquisition_source", "channel"),
    "channel_of_order_channel": ("order_channel", "channel"),
    "channel_of_campaign_channel": ("campaign_channel", "channel"),
    "contact_kind": ("campaign_channel", "interaction_kind"),
    "order_channel_of_campaign": ("campaign_channel", "order_channel"),
    "browse_kind": ("order_channel", "interaction_kind"),
    "consent_of_campaign_channel": ("campaign_channel", None),
}
CONSENTS = ("email_opt_in", "sms_opt_in", "mail_opt_in")  # the customers' consent columns


class Touch(Section):
    """A touchpoint the engine records: its channel and its interaction kind."""

    channel: Code
    kind: Code


class ChannelRoles(Section):
    """Which channel or interaction kind plays each part of the engine (``channel_roles`` in words.yaml)."""

    visit: Touch = Field(description="Browsing before sign-up (anonymous).")
    signup_kind: Code = Field(description="The moment a person becomes a known customer (at the channel of their acquisition source).")
    purchase_kind: Code = Field(description="The touchpoint of an order (at the channel of its order channel).")
    event_order_channel: Code | None = Field(description="The order channel of an event: its orders leave an attendance and an after-event survey (none: no events).")
    attendance_kind: Code | None = Field(description="The interaction of attending an event (with event_order_channel).")
    registration: Touch = Field(description="A product registered after an order.")
    service_kind: Code = Field(description="A customer's service contact after an order went wrong.")
    phone_channel: Code = Field(description="The channel of a service contact by phone (a case opened by phone).")
    written_channel: Code = Field(description="The channel of any other service contact.")
    enrolment: Touch = Field(description="Joining the loyalty programme.")
    on_social: Touch = Field(description="A like, comment or message on a social channel.")
    deal_order_channel: Code = Field(description="The order channel of the order a won deal books (unless its kind names one).")
    company_kinds: list[Code] = Field(description="Interactions the company makes (may reach people who have left).")
    email_campaign_channel: Code | None = Field(description="The campaign channel whose contacts are opened and clicked (none: no such).")
    opened_kind: Code = Field(description="Opening a campaign's message (with email_campaign_channel).")
    clicked_kind: Code = Field(description="Clicking through a campaign's message (with email_campaign_channel).")

    def named(self) -> list[tuple[str, str, str]]:
        """Every (field, code, list it must be in) this section names."""
        def touch(name: str, t: Touch):
            return [(f"{name}.channel", t.channel, "channel"), (f"{name}.kind", t.kind, "interaction_kind")]
        named = [*touch("visit", self.visit), *touch("registration", self.registration), *touch("enrolment", self.enrolment),
                 *touch("on_social", self.on_social), ("signup_kind", self.signup_kind, "interaction_kind"),
                 ("purchase_kind", self.purchase_kind, "interaction_kind"), ("service_kind", self.service_kind, "interaction_kind"),
                 ("phone_channel", self.phone_channel, "channel"), ("deal_order_channel", self.deal_order_channel, "order_channel"), ("written_channel", self.written_channel, "channel"),
                 ("opened_kind", self.opened_kind, "interaction_kind"), ("clicked_kind", self.clicked_kind, "interaction_kind"),
                 *[("company_kinds", k, "interaction_kind") for k in self.company_kinds]]
        for name, value, vocab in (("event_order_channel", self.event_order_channel, "order_channel"),
                                   ("attendance_kind", self.attendance_kind, "interaction_kind"),
                                   ("email_campaign_channel", self.email_campaign_channel, "campaign_channel")):
            if value is not None:
                named.append((name, value, vocab))
        return named


class ChannelCodes(Section):
    """The channel lists and mappings of a world's codes (the fields :class:`Codes` adds them to)."""

    channel: CodeList = Field(description="Every channel a touchpoint happens at.")
    order_channel: CodeList = Field(description="Where an order is placed.")
    interaction_kind: CodeList = Field(description="What happened at a touchpoint.")
    acquisition_source: CodeList = Field(description="How a customer first came.")
    campaign_channel: CodeList = Field(description="How a campaign reaches people.")
    lead_source: CodeList = Field(description="Where a sales lead came from.")
    opportunity_kind: CodeList = Field(description="The kinds of deal.")
    source_system: CodeList = Field(description="The systems that capture the same people.")
    channel_of_source: dict[Code, Code] = Field(description="The channel of a sign-up, by acquisition source.")
    channel_of_order_channel: dict[Code, Code] = Field(description="The channel of an order's touchpoint, by order channel.")
    channel_of_campaign_channel: dict[Code, Code] = Field(description="The channel of a campaign's contacts, by campaign channel.")
    contact_kind: dict[Code, Code] = Field(description="The interaction a campaign contact makes, by campaign channel (none: no contact).")
    order_channel_of_campaign: dict[Code, Code] = Field(description="Where a campaign's extra order is placed, by campaign channel.")
    browse_kind: dict[Code, Code] = Field(description="The browsing an order leaves before it, by order channel (only online channels).")
    consent_of_campaign_channel: dict[Code, Code] = Field(description="The consent a campaign channel needs (absent: none).")


def channel_defaults() -> dict:
    """The kit's channel lists and mappings (what a case gets when it declares none)."""
    return {**{name: list(terms(name)) for name in CHANNEL_LISTS}, **{name: mapping(name) for name in CHANNEL_MAPPINGS}}


def check_channel_codes(codes) -> None:
    """Refuse channel lists, mappings or roles of ``codes`` that name codes outside its lists."""
    for name in CHANNEL_LISTS:
        _once(getattr(codes, name), f"codes.{name}")
    complete = ("channel_of_source", "channel_of_order_channel", "channel_of_campaign_channel", "order_channel_of_campaign")
    for name, (keys, values) in CHANNEL_MAPPINGS.items():
        given = getattr(codes, name)
        within(list(given), getattr(codes, keys), f"codes.{name}", keys)
        within(list(given.values()), getattr(codes, values) if values else CONSENTS, f"codes.{name}", values or "consent")
        missing = [k for k in getattr(codes, keys) if k not in given] if name in complete else []
        if missing:
            raise ValueError(f"codes.{name} lacks {missing[0]!r}: it needs one entry for each of {', '.join(getattr(codes, keys))}")
    roles = codes.roles
    for field, value, vocab in roles.named():
        within([value], getattr(codes, vocab), f"codes.roles.{field}", vocab)
    if (roles.event_order_channel is None) != (roles.attendance_kind is None):
        raise ValueError("codes.roles.event_order_channel and attendance_kind go together: name both or neither")


def within(values, allowed, field: str, name: str) -> None:
    """Refuse ``values`` outside ``allowed`` with one line naming the setting, the value and the allowed codes."""
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(f"{field} has {bad[0]!r}, not one of the world's {name} codes; allowed: {', '.join(allowed)}")


def within_keys(given, allowed, field: str) -> None:
    bad = [k for k in given if k not in allowed]
    if bad:
        raise ValueError(f"{field} has key {bad[0]!r}; allowed keys: {', '.join(allowed)}")


def _once(values: list, field: str) -> None:
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise ValueError(f"{field} names {twice[0]!r} twice")


def check_channels(config, codes) -> None:
    """Refuse a setting of ``config`` that names a channel code outside the world's ``codes``."""
    for name, persona in config.personas.items():
        within_keys(persona.channel_mix, codes.order_channel, f"personas.{name}.channel_mix")
        within_keys(persona.acquisition_mix, codes.acquisition_source, f"personas.{name}.acquisition_mix")
    within(config.acquisition.paid_sources, codes.acquisition_source, "acquisition.paid_sources", "acquisition_source")
    for i, c in enumerate(config.campaigns.plan):
        within([c.channel], codes.campaign_channel, f"campaigns.plan.{i}.channel", "campaign_channel")
        within(c.sources, codes.acquisition_source, f"campaigns.plan.{i}.sources", "acquisition_source")
    if config.sites is not None:
        within(config.sites.channels or [], codes.order_channel, "sites.channels", "order_channel")
        if config.sites.arrival is not None:
            within([config.sites.arrival.channel], codes.channel, "sites.arrival.channel", "channel")
            within([config.sites.arrival.kind], codes.interaction_kind, "sites.arrival.kind", "interaction_kind")
    if config.finance is not None:
        within_keys(config.finance.unit_costs.delivery, codes.order_channel, "finance.unit_costs.delivery")
        within_keys(config.finance.billing, codes.order_channel, "finance.billing")
        missing = [c for c in codes.order_channel if c not in config.finance.billing]
        if missing:
            raise ValueError(f"finance.billing lacks channel {missing[0]!r}; every order channel needs terms: {', '.join(codes.order_channel)}")
    if config.sales is not None:
        _check_sales(config.sales, codes)
    if config.sources is not None:
        _check_sources(config.sources, codes)


def _check_sales(sales, codes) -> None:
    within_keys(sales.leads.sources, codes.lead_source, "sales.leads.sources")
    for name, source in sales.leads.sources.items():
        within(source.acquisition_sources, codes.acquisition_source, f"sales.leads.sources.{name}.acquisition_sources", "acquisition_source")
    within_keys(sales.opportunities.kinds, codes.opportunity_kind, "sales.opportunities.kinds")
    for name, kind in sales.opportunities.kinds.items():
        within([kind.order_channel] if kind.order_channel else [], codes.order_channel, f"sales.opportunities.kinds.{name}.order_channel", "order_channel")


def _check_sources(sources, codes) -> None:
    within_keys(sources.systems, codes.source_system, "sources.systems")
    known = default_source_systems()
    for name, system in sources.systems.items():
        if name not in known and (system.channels is None or system.key_prefix is None):
            raise ValueError(f"sources.systems.{name} needs channels and key_prefix: the kit has no defaults for "
                             f"{name!r} (it knows {', '.join(known)})")
        within(sources.channels_of(name), codes.channel, f"sources.systems.{name}.channels", "channel")
