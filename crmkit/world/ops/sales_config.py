"""The sales pipeline's settings in a world's config: lead sources, deal kinds, activities.

The schema only; :mod:`crmkit.world.ops.sales` simulates what it describes.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from crmkit.world.sections import NonNegative, Positive, Probability, Remark, Section, check_keys
from crmkit.world.vocabulary import terms

__all__ = ["SalesConfig", "OPEN_STAGES"]
OPEN_STAGES = ("prospecting", "qualification", "needs_analysis", "proposal", "negotiation")


def _check_list(values: list[str], vocab: str, field: str) -> list[str]:
    unknown = [v for v in values if v not in terms(vocab)]
    if unknown:
        raise ValueError(f"{field} has {unknown[0]!r}; allowed: {', '.join(terms(vocab))}")
    return values


class LeadSource(Section):
    acquisition_sources: list[str] = Field(min_length=1, description="Customers won through these sources may have arrived as a lead of this source.")
    lead_share: Probability = Field(description="Share of those customers who arrived through a lead.")
    conversion_rate: Probability = Field(gt=0, description="Share of this source's leads that convert (the rest are prospects who never do).")
    days_before_signup: Positive = Field(description="Mean days from capturing the lead to its conversion (the sign-up).")
    owner_roles: list[str] = Field(min_length=1, description="Staff roles that own these leads (vocabulary staff_role).")

    _roles = field_validator("owner_roles")(lambda v: _check_list(v, "staff_role", "owner_roles"))


class LeadsConfig(Section):
    remark: Remark
    sources: dict[str, LeadSource] = Field(min_length=1, description="Lead sources (the world's codes.lead_source).")
    quality_mean: Probability = Field(gt=0, lt=1, description="Mean hidden lead quality (Beta distributed).")
    quality_concentration: Positive = Field(description="Beta concentration: larger means qualities closer to the mean.")
    working_after_days: Positive = Field(description="Mean days until a new lead is first worked.")
    unconverted_life_days: Positive = Field(description="Mean days until a lead that does not convert is closed as unqualified.")
    nurturing_share: Probability = Field(description="Share of leads that pass through nurturing.")
    rating_noise: NonNegative = Field(description="Noise (sd) of the owner's rating around the true quality.")

    @model_validator(mode="after")
    def _sources(self):
        seen: dict[str, str] = {}
        for name, src in self.sources.items():
            if src.conversion_rate > self.quality_mean:
                raise ValueError(f"leads.sources.{name}.conversion_rate = {src.conversion_rate}: must not exceed "
                                 f"quality_mean = {self.quality_mean} (conversion is proportional to quality)")
            for acq in src.acquisition_sources:
                if acq in seen:
                    raise ValueError(f"leads.sources: acquisition source {acq!r} is claimed by both {seen[acq]!r} and {name!r}")
                seen[acq] = name
        return self


class OpportunityKind(Section):
    label: str = Field(description="Words used in deal names.")
    personas: list[str] = Field(description="Personas whose customers open these deals (empty: every persona).")
    per_customer_year: Positive = Field(description="Deals opened per customer-year while the relationship is alive.")
    entry_stage: str = Field(description="Stage where these deals enter; its canonical probability is the kind's win rate.")
    stage_days: Positive = Field(description="Mean days a deal spends in each stage.")
    amount_median: Positive
    amount_spread: NonNegative = Field(description="Log-normal sigma of deal amounts.")
    amount_revision: NonNegative = Field(description="Log-normal sigma of the amount revision at each stage change.")
    owner_roles: list[str] = Field(min_length=1, description="Staff roles that own these deals (vocabulary staff_role).")
    # A won deal is booked as an order by its owner, through the world's deal_order_channel
    # role (the phone, in the kit's codes) unless the kind names another.
    order_channel: str | None = Field(None, description="Channel of the order a won deal books (the world's codes.order_channel).")

    @model_validator(mode="after")
    def _vocab(self):
        if self.entry_stage not in OPEN_STAGES:
            raise ValueError(f"entry_stage {self.entry_stage!r} is not allowed; allowed: {', '.join(OPEN_STAGES)}")
        _check_list(self.owner_roles, "staff_role", "owner_roles")
        return self


class OpportunitiesConfig(Section):
    remark: Remark
    kinds: dict[str, OpportunityKind] = Field(description="Deal kinds (the world's codes.opportunity_kind).")
    lost_on_churn_days: NonNegative = Field(description="Days after a customer's relationship dissolves until the owner closes their open deals as lost.")


class ActivitiesConfig(Section):
    remark: Remark
    lead_kinds: dict[str, NonNegative] = Field(description="Mix of activity kinds logged on a lead's status change.")
    deal_kinds: dict[str, NonNegative] = Field(description="Mix of activity kinds logged on a deal's stage change.")
    inbound_share: Probability = Field(description="Share of calls, emails and meetings started by the prospect or customer.")
    cancelled_share: Probability
    follow_up_share: Probability = Field(description="Share of leads and deals open at the end with a planned follow-up.")

    _leads = field_validator("lead_kinds")(lambda v: check_keys(v, "activity_kind", "activities.lead_kinds"))
    _deals = field_validator("deal_kinds")(lambda v: check_keys(v, "activity_kind", "activities.deal_kinds"))


class SalesConfig(Section):
    remark: Remark
    leads: LeadsConfig
    opportunities: OpportunitiesConfig
    activities: ActivitiesConfig

    def check_against(self, world) -> None:
        """Checks that need the rest of the world's config (run when the config is read)."""
        if world.staff is None:
            raise ValueError("sales: the sales pipeline needs a staff section (owners of leads and deals)")
        for name, kind in self.opportunities.kinds.items():
            unknown = set(kind.personas) - set(world.personas)
            if unknown:
                raise ValueError(f"sales.opportunities.kinds.{name}.personas has {sorted(unknown)[0]!r}; "
                                 f"allowed: {', '.join(world.personas)}")
