"""Who the customers are: persona, sign-up, demographics, consent and hidden propensities.

All draws are per block of customers and vectorised; the block's own generators come from
:class:`crmkit.world.block.Block`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmkit.world.arrays import TINY, mean_one_lognormal, take_text
from crmkit.world.codes import codes_of
from crmkit.world.config import WorldConfig
from crmkit.world.customisation import draw_customised
from crmkit.world.engine_numbers import engine_numbers
from crmkit.world.names import arrow_pools, draw_index, name_pools, phone_numbers
from crmkit.world.words import words_of



@dataclass(frozen=True)
class PersonaTable:
    """The personas of a config as aligned arrays (one entry per persona)."""

    names: tuple[str, ...]
    weights: np.ndarray  # sampling weights after the acquisition-budget lever
    source_probs: np.ndarray  # persona x acquisition_source

    @classmethod
    def of(cls, config: WorldConfig) -> PersonaTable:
        sources = codes_of(config).acquisition_source  # the world's own
        paid = np.isin(sources, config.acquisition.paid_sources)
        budget = config.acquisition.budget_multiplier
        weights, probs = [], []
        for persona in config.personas.values():
            mix = np.array([persona.acquisition_mix.get(s, 0.0) for s in sources])
            mix = mix / mix.sum()
            paid_share = mix[paid].sum()
            # The budget buys more (or fewer) customers through paid sources, so it shifts
            # both who arrives (persona weights) and how they arrived (source mix).
            weights.append(persona.share * (1 - paid_share + budget * paid_share))
            scaled = np.where(paid, mix * budget, mix)
            probs.append(scaled / scaled.sum() if scaled.sum() > 0 else mix)
        w = np.array(weights)
        return cls(tuple(config.personas), w / w.sum(), np.array(probs))

    def param(self, config: WorldConfig, name: str) -> np.ndarray:
        """One numeric persona parameter as an array aligned with ``names``."""
        return np.array([getattr(config.personas[p], name) for p in self.names], dtype=float)


def _signup_days(rng, config: WorldConfig, timeline, size: int) -> np.ndarray:
    months = timeline.observed_months
    lengths = np.diff(timeline.month_starts[: months + 1])
    trend = 1 + config.acquisition.growth * np.arange(months) / max(months - 1, 1)
    month = draw_index(rng, trend * lengths, size)
    start = timeline.month_starts[month]
    end = np.minimum(timeline.month_starts[month + 1], timeline.observed_end)
    return start + rng.random(size) * (end - start)


def _dropout(rng, mean: np.ndarray, concentration: np.ndarray) -> np.ndarray:
    """Each customer's chance of leaving right after a purchase: beta across customers (BG/NBD)."""
    a = np.maximum(mean * concentration, TINY)  # a mean of 0 gives 0 (a beta needs a > 0)
    b = np.maximum((1 - mean) * concentration, TINY)
    return np.where(mean > 0, rng.beta(a, b), 0.0)


def draw_customers(block) -> dict[str, np.ndarray]:
    """Draw the customers of one block: observed attributes and hidden traits.

    Returns a dict of equal-length arrays; keys starting with ``true_`` are hidden.
    """
    config, timeline, n = block.config, block.timeline, block.size
    personas = PersonaTable.of(config)
    rng = block.rng("customers")
    persona = draw_index(rng, personas.weights, n)
    cdf = np.cumsum(personas.source_probs, axis=1)
    source = (rng.random(n)[:, None] > cdf[persona]).sum(axis=1).clip(0, cdf.shape[1] - 1)
    signup = _signup_days(rng, config, timeline, n)
    awareness = signup - rng.exponential(config.phases.awareness_days, n)

    p = lambda name: personas.param(config, name)[persona]
    shape = p("rate_shape")
    numbers = engine_numbers().people
    churn = numbers.churn_spread.value
    response, sensitivity = numbers.response_shape.value, numbers.sensitivity_shape.value
    traits = {
        "persona": persona,
        "acquisition_source": source,
        "signup": signup,
        "awareness": awareness,
        "true_rate": p("purchase_rate") * rng.gamma(shape, 1 / shape),
        "true_spend_factor": mean_one_lognormal(rng, p("spend_spread")),
        "true_churn_factor": mean_one_lognormal(rng, churn, n),
        "true_response": p("campaign_response") * rng.gamma(response, 1 / response, n),
        "true_sensitivity": p("service_sensitivity") * rng.gamma(sensitivity, 1 / sensitivity, n),
        "loyalty_intent": (rng.random(n) < p("loyalty_join")) & config.loyalty.enabled,
        "loyalty_join": signup + rng.exponential(max(config.loyalty.join_delay_days, TINY), n),
        "true_dropout": _dropout(rng, p("purchase_dropout"), p("dropout_concentration")),
        "buys_at_signup": rng.random(n) < p("buys_at_signup"),
    }
    has_email = rng.random(n) >= numbers.missing_email.value
    traits["email_opt_in"] = has_email & (rng.random(n) < p("email_opt_in"))
    traits["sms_opt_in"] = rng.random(n) < p("sms_opt_in")
    traits["mail_opt_in"] = rng.random(n) < p("mail_opt_in")
    traits.update(_identity(block, persona, has_email, personas, config))
    # Customised offers lower the hazard itself, so the lifecycle's churn and the surveys'
    # satisfaction (both read true_churn_factor) follow them alike.
    traits["customised"], traits["true_customisation"] = draw_customised(block)
    traits["true_churn_factor"] = traits["true_churn_factor"] * traits["true_customisation"]
    return traits


def _text(numbers: np.ndarray) -> pa.Array:
    return pa.array(numbers).cast(pa.string())


def _as_str(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="str")


def _identity(block, persona, has_email, personas, config) -> dict:
    """Cosmetic identity: names, contact details, place and age.

    Names and contacts come back as pandas ``str`` arrays (Arrow-backed); region as numpy.
    """
    n = block.size
    rng = block.rng("identity")
    geography = words_of(config).geography  # the case's places, names and phone format
    pools, arrow = name_pools(geography), arrow_pools(geography)
    first_index = draw_index(rng, pools.first_weights, n)
    last_index = draw_index(rng, pools.last_weights, n)
    city = draw_index(rng, pools.city_weights, n)
    number = block.first_customer_id + np.arange(n)
    domain = rng.integers(0, len(pools.email_domains), n)
    # Emails from name + customer number: unique by construction (Faker's email() repeats).
    email = pc.binary_join_element_wise(
        arrow["first_lower"].take(first_index), ".", arrow["last_lower"].take(last_index),
        _text(number), "@", arrow["domain"].take(domain), "")
    phone = phone_numbers(rng, n, geography)
    low = np.array([config.personas[p].age_range[0] for p in personas.names])[persona]
    high = np.array([config.personas[p].age_range[1] for p in personas.names])[persona]
    birth_year = block.timeline.start.year - rng.integers(low, high + 1)
    missing = engine_numbers().people
    has_phone = rng.random(n) >= missing.missing_phone.value
    return {
        "first_name": take_text(arrow["first"], first_index),
        "last_name": take_text(arrow["last"], last_index),
        "email": _as_str(pc.if_else(pa.array(has_email), email, None)),
        "phone": _as_str(pc.if_else(pa.array(has_phone), phone, None)),
        "city": take_text(arrow["city"], city),
        "state": take_text(arrow["state"], city),
        "region": pools.city_regions[city],
        "birth_year": np.where(rng.random(n) >= missing.missing_birth_year.value, birth_year, -1),
    }
