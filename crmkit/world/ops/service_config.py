"""What a case's ``service_desk:`` section may say: cases, closing times, surveys, comments."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator

from crmkit.world.sections import NonNegative, Positive, Probability, Remark, Section, check_keys


def _priorities(v):
    return check_keys(v, "case_priority", "priority")


class Requests(Section):
    remark: Remark
    per_month: dict[str, NonNegative] = Field(description="Ordinary service requests per customer-month while alive, by persona.")
    # The world's request reasons (its codes.case_reason but the complaints'): checked in crmkit.world.codes.
    reasons: dict[str, NonNegative] = Field(description="Weights of the requests' reasons.")
    origins: dict[str, NonNegative] = Field(description="Weights of the channels requests come in by.")
    priority: dict[str, NonNegative]
    escalation: Probability
    resolved_well: Probability = Field(description="Share of requests solved to the customer's satisfaction.")

    _priority = field_validator("priority")(_priorities)
    _origins = field_validator("origins")(lambda v: check_keys(v, "case_origin", "origins"))


class Complaints(Section):
    remark: Remark
    priority: dict[str, NonNegative]
    miscoded: Probability = Field(description="Share of complaints whose recorded reason is not the true cause.")
    escalation_resolved: Probability
    escalation_unresolved: Probability

    _priority = field_validator("priority")(_priorities)


class DeskLevel(Section):
    close_days_multiplier: Positive = Field(description="Scales the time to close a case.")
    first_contact_resolution: Probability = Field(description="Chance a case resolved well is solved at the first contact.")
    escalation_multiplier: NonNegative
    csat_shift: float = Field(ge=-4, le=4,  # the whole width of the 1-5 CSAT scale
                               description="Added to the case's satisfaction before rounding.")


class Closing(Section):
    remark: Remark
    median_days: dict[str, Positive] = Field(description="Median days from opening to closing, by priority.")
    spread: NonNegative = Field(description="Log-normal sigma of closing times.")
    unresolved_multiplier: Positive
    escalated_multiplier: Positive
    first_contact_minutes: Positive = Field(description="Mean length of a contact that solves the case at once.")

    @field_validator("median_days")
    @classmethod
    def _all_priorities(cls, v):
        from crmkit.world.vocabulary import terms

        missing = set(terms("case_priority")) - set(v)
        if missing:
            raise ValueError(f"median_days lacks priority {sorted(missing)[0]!r}; needs: {', '.join(terms('case_priority'))}")
        return check_keys(v, "case_priority", "median_days")


class Surveys(Section):
    remark: Remark
    after_order_rate: Probability = Field(description="Share of orders answered with a survey.")
    after_order_nps_share: Probability = Field(description="Share of after-order surveys asking NPS (the rest CSAT).")
    after_case_rate: Probability = Field(description="Share of closed cases whose customer answers the CSAT survey.")
    # Every five years at most: a rarer survey measures nothing in the shipped windows of 2-3 years.
    relationship_every_months: int = Field(ge=1, le=60, description="A relationship NPS survey goes out every this many months.")
    relationship_rate: Probability = Field(description="Share of live customers answering each relationship survey.")
    # Means lie on the questions' scales: NPS 0-10, CSAT 1-5.
    nps_mean: float = Field(ge=0, le=10, description="NPS score of a customer of average churn risk.")
    nps_weight: NonNegative = Field(description="NPS points per unit of satisfaction (minus log churn hazard).")
    csat_mean: float = Field(ge=1, le=5)
    csat_weight: NonNegative
    case_csat_resolved: float = Field(ge=1, le=5, description="Mean case CSAT when the problem was put right.")
    case_csat_unresolved: float = Field(ge=1, le=5)
    score_noise: NonNegative = Field(description="Sigma of the noise between experience and score, in satisfaction units.")
    unrecovered_order: float = Field(le=0, description="Satisfaction added when the surveyed order went wrong and was not put right.")
    # Three units of satisfaction (about three standard deviations) move any score end to end.
    recovered_order: float = Field(ge=-3, le=3, description="Satisfaction added when it went wrong and was put right well.")
    # Read under its old name too ("home_event"), so worlds saved before the rename still load.
    event_order: float = Field(ge=-3, le=3, validation_alias=AliasChoices("event_order", "home_event"),
                               description="Satisfaction added by an order placed at an event (the codes' event_order_channel).")


class Comments(Section):
    remark: Remark
    rate: dict[str, Probability] = Field(description="Share of responses with a comment, by true sentiment.")
    lowercase: Probability
    typo: Probability
    mistagged: Probability = Field(description="Share of comments the feedback team tags with a wrong topic.")

    _rate = field_validator("rate")(lambda v: check_keys(v, "feedback_sentiment", "rate") if any(v.values()) else v)


class ServiceDeskConfig(Section):
    """The service desk and feedback: see :mod:`crmkit.world.ops.service_desk`."""

    remark: Remark
    requests: Requests
    complaints: Complaints
    levels: dict[str, DeskLevel] = Field(description="Desk performance per service level (keys: the levels of `service.levels`).")
    closing: Closing
    surveys: Surveys
    comments: Comments
