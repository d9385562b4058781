"""Customised offers: who gets them, and what they do to the relationship.

The course's first reason why CRM lifts satisfaction: a CRM that knows each customer can
customise offers, advice and service, which raises the quality the customer perceives, so
satisfaction, so loyalty. A case may declare ``personalisation.customised_offers``: a share
of customers, drawn at random with a generator of its own (so that no other draw of the
world moves), whose monthly churn hazard is multiplied by ``churn_multiplier``. The surveys
read satisfaction from the same hazard (:mod:`crmkit.world.ops.service_history`), so the
customised answer happier and stay longer. The CRM records who gets them
(``customers.customised_offers``); the truth keeps the multiplier each customer lives with.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from crmkit.world.sections import Positive, Probability, Remark, Section

__all__ = ["CustomisedOffers", "draw_customised"]


class CustomisedOffers(Section):
    """Offers, advice and service customised to the customer, for a share drawn at random."""

    remark: Remark
    share: Probability = Field(description="Share of customers, drawn at random, who get customised offers.")
    # 0.2 already cuts a customer's monthly churn hazard fivefold; 1 means no effect.
    churn_multiplier: Annotated[Positive, Field(ge=0.2, le=1)] = Field(
        description="Their monthly churn hazard is multiplied by this (1: customisation changes nothing).")


def draw_customised(block) -> tuple[np.ndarray, np.ndarray]:
    """Who in ``block`` gets customised offers, and the multiplier of each one's churn hazard.

    Without ``personalisation.customised_offers`` nobody does, every multiplier is 1 and
    no random number is drawn.
    """
    offers = block.config.personalisation.customised_offers
    if offers is None:
        return np.zeros(block.size, dtype=bool), np.ones(block.size)
    customised = block.rng("customised_offers").random(block.size) < offers.share
    return customised, np.where(customised, offers.churn_multiplier, 1.0)
