"""Exercises on the learner's own experience as data (notebooks/13_model_companies_compared.ipynb,
the section on your own experience), listed in :mod:`crmkit.teach.lessons.cases`.

The answer depends on a journey and on the learner's world. Bind the checks to the world with
the journey beside it::

    checks = ck.teach.lessons.checks("cases", ck.analytics.with_journey(world, journey))

Bound to a world alone, they read the kit's invented example journey
(:data:`crmkit.analytics.my_journey.EXAMPLE_JOURNEY`), the one the lesson starts from. The
checks judge the computation, never whether the journey is true.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.lifecycle import PHASES
from crmkit.analytics.my_journey import EXAMPLE_JOURNEY, journey_frame, journey_phases, journey_rfm
from crmkit.teach import Exercise, Mistake

__all__ = ["JOURNEY_SPEND_PERCENTILE", "JOURNEY_PHASE", "journey_of", "spend_percentile", "phase_reached"]


def journey_of(w) -> pd.DataFrame:
    """The journey bound beside the world (``my_journey``), or the kit's invented example."""
    bound = w.tables.get("my_journey")
    return journey_frame(EXAMPLE_JOURNEY) if bound is None else bound  # any world: its touchpoints do not matter here


# --- where does the journey sit among the world's buyers by what it spent? -------------------------


def _own_spend(w) -> float:
    journey = journey_of(w)
    return float(journey.loc[journey["kind"].eq("order"), "amount"].sum())


def _spend(w) -> pd.Series:
    return w.orders.groupby("customer_id")["net_amount"].sum()


def spend_percentile(w) -> float:
    """The percentage of the world's buyers who spent less in total than the journey's orders add up to."""
    return float(journey_rfm(journey_of(w), w).set_index("measure").loc["total_spend", "percentile"])


def _near(value_of):
    """A mistake test: the answer is ``value_of(world)`` (for slips whose value may equal the reference
    on some worlds, where the answer is then simply right)."""
    return lambda answer, w: bool(np.isclose(float(answer), float(value_of(w)), rtol=1e-4, atol=1e-6))


JOURNEY_SPEND_PERCENTILE = Exercise(
    "journey_spend_percentile",
    "Read your journey as one more customer of your company's world. Add up the `amount` of its **orders**; "
    "then, of the world's **buyers** (customers with at least one order in `orders`, each with their `net_amount` "
    "summed), what **percentage spent less** than your journey? Give a number between 0 and 100.",
    reference=spend_percentile,
    mistakes=[
        Mistake("share", "Right figure, wrong unit: give a percentage between 0 and 100, not a share between 0 and 1.",
                matches=_near(lambda w: spend_percentile(w) / 100)),
        Mistake("per_order", "You compared your journey's total with each order of the world. Compare it with each "
                "buyer's total: sum net_amount per customer_id first.",
                answer=lambda w: 100 * float((w.orders["net_amount"] < _own_spend(w)).mean())),
        Mistake("all_customers", "You divided by every customer, including those who never ordered. The question "
                "places your journey among the buyers: divide by the customers with an order.",
                matches=_near(lambda w: 100 * float((_spend(w) < _own_spend(w)).sum()) / len(w.customers))),
        Mistake("spent_more", "That is the percentage of buyers who spent more than your journey. The question asks "
                "for those who spent less.", matches=_near(lambda w: 100 * float((_spend(w) > _own_spend(w)).mean()))),
        Mistake("by_orders", "You compared numbers of orders. The question is about money: each buyer's summed "
                "net_amount against your journey's summed order amounts.",
                matches=_near(lambda w: float(journey_rfm(journey_of(w), w).set_index("measure").loc["orders", "percentile"]))),
    ],
    hint="spend = orders.groupby('customer_id').net_amount.sum(); then 100 * (spend < my_total).mean().")


# --- which phase has the journey reached? ------------------------------------------------------------


def _phase(journey: pd.DataFrame, expansion: int, commitment: int) -> str:
    return str(journey_phases(journey, expansion, commitment)["phase"].iloc[-1])


def _rule(w) -> tuple[int, int]:
    return w.config.phases.expansion_after_orders, w.config.phases.commitment_after_orders


def phase_reached(w) -> str:
    """The Dwyer phase the journey reached by its last event, by the world's own thresholds."""
    return _phase(journey_of(w), *_rule(w))


def _is_phase(phase_of):
    """A mistake test: the answer is the phase ``phase_of(world)`` gives."""
    return lambda answer, w: str(answer).strip().lower() == phase_of(w)


def _every_event_an_order(w) -> str:
    journey = journey_of(w)
    return _phase(journey.assign(kind=journey["kind"].where(journey["kind"].eq("left"), "order")), *_rule(w))


JOURNEY_PHASE = Exercise(
    "journey_phase",
    "Read your journey as your world's engine reads a synthetic customer: a sign-up or a first order starts "
    "**exploration**; the world's `config.phases.expansion_after_orders`-th order starts **expansion** and its "
    "`commitment_after_orders`-th **commitment**; leaving starts **dissolution**, and an order after leaving starts "
    "exploration again, its orders counted anew. Which of Dwyer's phases has your journey reached at its last "
    "event? Give the phase as text (e.g. `\"expansion\"`).",
    reference=phase_reached,
    mistakes=[
        Mistake("not_a_phase", f"That is not one of Dwyer's phases as the kit names them: {', '.join(PHASES)}.",
                matches=lambda answer, w: str(answer).strip().lower() not in PHASES),
        Mistake("one_order_late", "You moved the phase one order too late. The threshold order itself starts the "
                "phase, as in the engine: with expansion_after_orders = 2, the second order starts expansion.",
                matches=_is_phase(lambda w: _phase(journey_of(w), *(n + 1 for n in _rule(w))))),
        Mistake("every_event", "You counted every event towards the thresholds. Only orders move a relationship "
                "into expansion and commitment; visits, messages and complaints do not.",
                matches=_is_phase(_every_event_an_order)),
        Mistake("ignored_leaving", "You left out the journey's 'left' event: after leaving, the relationship is in "
                "dissolution until an order or sign-up wins it back.",
                matches=_is_phase(lambda w: _phase(journey_of(w)[journey_of(w)["kind"].ne("left")], *_rule(w)))),
    ],
    hint="count the journey's orders and compare the count with world.config.phases.")
