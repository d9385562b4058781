"""The world configuration: what a case's ``world.yaml`` may say, validated.

Behaviour is data. A case declares its calendar, personas, products, campaign plan and
strategy levers in YAML; the engine reads only this validated object. Every section that
holds numbers carries a ``remark`` saying where they come from (or that they are invented).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from crmkit.world.case_meta import Dataset, Levers
from crmkit.world.codes import Codes, check_against as check_codes
from crmkit.world.customisation import CustomisedOffers
from crmkit.world.ops.finance import FinanceConfig
from crmkit.world.ops.partners import PartnersConfig
from crmkit.world.ops.sales_config import SalesConfig
from crmkit.world.ops.service_config import ServiceDeskConfig
from crmkit.world.ops.sources import SourcesConfig
from crmkit.world.ops.staff import StaffConfig
from crmkit.world.products import Catalogue
from crmkit.world.realism_targets import RealismTargets
from crmkit.world.sites import Sites
from crmkit.world.sections import (Age, Date, Multiplier, NonNegative, Number, Positive, Probability, Remark, Section,
                                    Weight, Whole, check_keys, some_weight)
from crmkit.world.vocabulary import terms
from crmkit.world.words import Words

# Every block of 10,000 customers is simulated month by month, so the window multiplies every
# table. The shipped cases observe 2-3 years; 30 years is a whole household's life as a customer.
MAX_WINDOW_YEARS = 30  # fixed: see above
MIN_WINDOW_DAYS = 90  # fixed: a quarter; a shorter window leaves too few months to compare one with another


class Calendar(Section):
    remark: Remark
    start_date: Date
    observed_until: Date = Field(description="The pinned reference date: the end of the observation window.")
    holdout_months: Whole = Field(ge=1, le=36)  # a forecast horizon of up to three years
    # A December peak is 1.5-2.5 times an average month in retail; 10 is past any season.
    seasonality: list[Annotated[Positive, Field(le=10)]] = Field(
        min_length=12, max_length=12, description="Monthly purchase multipliers, January first.")

    @model_validator(mode="after")
    def _window(self):
        if self.observed_until <= self.start_date + dt.timedelta(days=MIN_WINDOW_DAYS):
            raise ValueError(f"observed_until ({self.observed_until}) must be at least {MIN_WINDOW_DAYS} days after start_date ({self.start_date})")
        start = self.start_date
        if self.observed_until > dt.date(start.year + MAX_WINDOW_YEARS, start.month, min(start.day, 28)):  # fixed: every month has a 28th
            raise ValueError(f"observed_until ({self.observed_until}) must be at most {MAX_WINDOW_YEARS} years "
                             f"after start_date ({self.start_date})")
        return self


class Persona(Section):
    remark: Remark
    share: Weight
    # Two purchases a day, every day: past a coffee-shop regular (the cases: 0.06-2.5).
    purchase_rate: Positive = Field(le=60, description="Mean orders per month while active.")
    # Below 0.1 nearly nobody buys and a few buy hundreds of times the mean; above 100 all alike.
    rate_shape: Positive = Field(ge=0.1, le=100, description="Gamma shape of customer-to-customer differences in purchase rate.")
    lines_per_order: Number = Field(ge=1, le=50)  # a big weekly grocery shop has 30-50 distinct lines
    units_per_line: Number = Field(ge=1, le=1000)  # a trade buyer's case of goods; the cases: 1.2-38
    # Sigma 3 already puts the 95th percentile basket at 140 times the median.
    spend_spread: NonNegative = Field(le=3, description="Log-normal sigma of customer-to-customer differences in basket size.")
    # Spend skew 6 (CDNOW) needs sigma 0.5-1; BG/NBD's dropout: CDNOW a/(a+b) 0.19-0.25 (Fader et al. 2005).
    order_spread: NonNegative = Field(0.0, le=3, description="Log-normal sigma of order-to-order differences in basket size.")
    purchase_dropout: Probability = Field(0.0, le=0.9, description="Mean chance of leaving for good right after a purchase.")  # 0.9: a one-off buyer
    dropout_concentration: Positive = Field(3.0, ge=0.5, le=1000, description="Beta a + b of that chance across customers (CDNOW about 3).")
    buys_at_signup: Probability = Field(0.0, description="Share of new customers whose sign-up is their first purchase.")
    channel_mix: dict[str, Weight]
    acquisition_mix: dict[str, Weight]
    category_affinity: dict[str, Annotated[Positive, Field(le=100)]] = {}  # relative weights of categories
    campaign_response: Probability = Field(description="Mean extra chance of buying when contacted by a campaign.")
    service_sensitivity: NonNegative = Field(le=10)  # log-hazard per unit of grievance; the cases: 0.5-1.8
    churn_hazard: Probability = Field(description="Monthly chance of dissolving, before phase and service effects.")
    loyalty_join: Probability
    age_range: tuple[Age, Age] = Field(description="Youngest and oldest age at the start date, 16 to 110.")
    email_opt_in: Probability
    sms_opt_in: Probability
    mail_opt_in: Probability
    # Web and app visits: ten a day is a heavy user; the cases have at most 4 per order.
    visits_per_order: NonNegative = Field(le=50)
    awareness_visits: NonNegative = Field(le=100)
    social_per_month: NonNegative = Field(le=300)
    registration_rate: Probability

    # Their keys are the world's own codes: checked with them (crmkit.world.channel_codes).
    _channels = field_validator("channel_mix", "acquisition_mix")(lambda v, info: some_weight(v, info.field_name))

    @field_validator("age_range")
    @classmethod
    def _ages(cls, v):
        if v[0] > v[1]:
            raise ValueError(f"the youngest age ({v[0]}) must not be above the oldest ({v[1]})")
        return v


class Phases(Section):
    remark: Remark
    awareness_days: Positive = Field(le=730)  # a considered purchase takes weeks, not years (cases: 10-30)
    expansion_after_orders: Whole = Field(ge=1, le=1000)  # a thousand orders: years of daily buying
    commitment_after_orders: Whole = Field(ge=1, le=1000)
    purchase_multiplier: dict[Literal["exploration", "expansion", "commitment"], Multiplier]
    churn_multiplier: dict[Literal["exploration", "expansion", "commitment"], Annotated[NonNegative, Field(le=10)]]
    winback_monthly: Probability

    @model_validator(mode="after")
    def _order(self):
        if self.commitment_after_orders <= self.expansion_after_orders:
            raise ValueError("commitment_after_orders must be greater than expansion_after_orders")
        for name in ("purchase_multiplier", "churn_multiplier"):
            missing = {"exploration", "expansion", "commitment"} - set(getattr(self, name))
            if missing:
                raise ValueError(f"{name} lacks phase {sorted(missing)[0]!r}")
        return self


class ServiceLevel(Section):
    failure_rate: Probability
    recovery_rate: Probability


class Service(Section):
    remark: Remark
    level: str = Field(description="Lever: which of `levels` the company runs.")
    levels: dict[str, ServiceLevel]
    issue_mix: dict[str, Weight] = Field(description="Weights of the service issues (the world's codes.service_issue).")
    contact_rate: Probability = Field(description="Share of service issues the customer calls about.")
    dissatisfaction_decay: Probability = Field(description="Share of last month's grievance still felt this month.")
    recovery_churn_multiplier: Multiplier = Field(description="Churn multiplier after an issue put right well (below 1 means loyalty rose).")

    @model_validator(mode="after")
    def _level(self):
        if self.level not in self.levels:
            raise ValueError(f"level {self.level!r} is not one of the levels: {', '.join(self.levels)}")
        return self  # issue_mix names the world's own service issues: checked in crmkit.world.codes


class Loyalty(Section):
    remark: Remark
    enabled: bool
    # Points and thresholds are a programme's own currency; a billion is past any real scheme.
    points_per_currency: NonNegative = Field(le=1000)
    enrolment_bonus: Whole = Field(ge=0, le=1_000_000_000)
    redeem_threshold: Whole = Field(gt=0, le=1_000_000_000)
    redeem_probability: Probability
    tiers: dict[str, Annotated[Whole, Field(ge=0, le=1_000_000_000)]]
    join_delay_days: NonNegative = Field(le=3650)  # ten years: past that a customer never joins
    purchase_rate_multiplier: Multiplier
    churn_multiplier: Multiplier

    @model_validator(mode="after")
    def _tiers(self):
        check_keys(self.tiers, "loyalty_tier", "tiers")
        if "none" in self.tiers:
            raise ValueError("tiers must not name 'none' (non-members have it)")
        ranks = [terms("loyalty_tier").index(t) for t in self.tiers]
        points = list(self.tiers.values())
        if ranks != sorted(ranks) or points != sorted(set(points)) or min(points, default=0) != 0:
            raise ValueError("tiers must start at 0 points and rise, in the order bronze, silver, gold, platinum")
        return self


class Personalisation(Section):
    remark: Remark
    enabled: bool = Field(description="Lever: tailored campaigns and everyday offers for everyone.")
    uplift_multiplier: Multiplier
    purchase_rate_multiplier: Multiplier
    # Absent: nobody gets customised offers and no random number is drawn for them.
    customised_offers: CustomisedOffers | None = None


class Acquisition(Section):
    remark: Remark
    # Sign-ups fall to a tenth or rise elevenfold at most; a budget ten times over buys nearly every customer.
    growth: Number = Field(ge=-0.9, le=10, description="Relative rise of monthly sign-ups from first to last month.")
    paid_sources: list[str] = Field(description="Sources that the acquisition budget buys.")
    budget_multiplier: NonNegative = Field(le=10, description="Lever: scales the share of customers won through paid sources.")


class Campaign(Section):
    name: str
    objective: str
    channel: str
    start_date: Date
    days: Whole = Field(ge=1, le=31)  # a campaign is simulated in the month it starts: at most a month
    offer: str
    discount_pct: Probability = 0.0
    targeting_rule: str | None = Field(None, description="Overrides the plan's default targeting rule.")
    audience_share: Probability = Field(0.3, description="Share of eligible customers chosen (invented default).")
    control_share: Probability = Field(0.1, description="Share of the chosen kept as a control group (invented default).")
    uplift_scale: NonNegative = Field(1.0, le=10)  # a multiplier of the personas' response (see Multiplier)
    fixed_cost: NonNegative = Field(0.0, le=1_000_000_000)  # money: a billion is past any campaign budget
    cost_per_contact: NonNegative = Field(0.0, le=10_000)  # ten thousand is past any contact's cost
    sources: list[str] = Field([], description="For acquisition campaigns: the sign-up sources they are credited with.")

    @model_validator(mode="after")
    def _vocab(self):
        if self.objective not in terms("campaign_objective"):  # the channel is the world's own: see crmkit.world.codes
            raise ValueError(f"objective {self.objective!r} is not allowed; allowed: {', '.join(terms('campaign_objective'))}")
        if self.targeting_rule is not None and self.targeting_rule not in terms("targeting_rule"):
            raise ValueError(f"targeting_rule {self.targeting_rule!r} is not allowed; allowed: {', '.join(terms('targeting_rule'))}")
        return self


class CampaignPlan(Section):
    remark: Remark
    targeting_rule: str = Field(description="Lever: the default rule for choosing whom to contact.")
    open_rate: Probability
    click_rate: Probability
    plan: list[Campaign] = Field(max_length=1560)  # one a week for the longest window (30 years)

    @field_validator("targeting_rule")
    @classmethod
    def _rule(cls, v):
        if v not in terms("targeting_rule"):
            raise ValueError(f"{v!r} is not allowed; allowed: {', '.join(terms('targeting_rule'))}")
        return v


class WorldConfig(Section):
    """A whole world: validated, immutable, and enough to rebuild every table."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str
    # 50 million customers is a national grocer's loyalty base (Tesco Clubcard has about 20 million).
    customers: Whole = Field(ge=1, le=50_000_000, description="Default number of customers.")
    seed: Whole = Field(0, ge=0, le=2**63 - 1)  # numpy's SeedSequence takes any such int
    calendar: Calendar
    acquisition: Acquisition
    personas: dict[str, Persona]
    phases: Phases
    service: Service
    loyalty: Loyalty
    personalisation: Personalisation
    products: Catalogue
    campaigns: CampaignPlan
    # Operational CRM: optional, so a world can be made without them (their tables stay empty).
    staff: StaffConfig | None = None
    partners: PartnersConfig | None = None
    sales: SalesConfig | None = None
    service_desk: ServiceDeskConfig | None = None
    finance: FinanceConfig | None = None
    sources: SourcesConfig | None = None
    sites: Sites | None = None  # where visits happen (absent: nowhere in particular; see crmkit.world.sites)
    realism: RealismTargets | None = None  # what the world's cohort statistics must show
    words: Words | None = None  # what customers read and write, where they live (absent: the kit's words)
    codes: Codes | None = None  # its service issues, case reasons, feedback topics (absent: the kit's)
    dataset: Dataset | None = None  # the case's shipped dataset; levers: a model company's strategy levers
    levers: Levers | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if not self.personas or sum(p.share for p in self.personas.values()) <= 0:
            raise ValueError("personas: at least one persona needs a positive share")
        categories = {p.category for p in self.products.items}
        for name, persona in self.personas.items():
            unknown = set(persona.category_affinity) - categories
            if unknown:
                raise ValueError(
                    f"personas.{name}.category_affinity names category {sorted(unknown)[0]!r}; "
                    f"the products' categories are: {', '.join(sorted(categories))}"
                )
        for c in self.campaigns.plan:
            end = c.start_date + dt.timedelta(days=c.days)
            if c.start_date < self.calendar.start_date or end > self.calendar.observed_until:
                raise ValueError(
                    f"campaigns.plan: campaign {c.name!r} runs {c.start_date} to {end}, "
                    f"outside the observation window {self.calendar.start_date} to {self.calendar.observed_until}"
                )
        for section in (self.staff, self.partners, self.sales, self.service_desk, self.finance, self.sources):
            check = getattr(section, "check_against", None)
            if check is not None:  # an operational section's checks against the rest of the world
                check(self)
        plan = {c.name for c in self.campaigns.plan}
        for partner in self.partners.items if self.partners else []:
            if partner.joint_campaign is not None and partner.joint_campaign not in plan:
                raise ValueError(f"partners: joint_campaign {partner.joint_campaign!r} is not a campaign of the plan")
        check_codes(self)  # every setting that names a code, against the world's own lists
        return self
