"""The relationship over time: a month-by-month simulation of every customer in a block.

Each month, vectorised over the block's customers: sign-ups start their exploration;
members join the loyalty programme; campaigns select, hold out a control group and add
real (heterogeneous) uplift; customers buy at a rate set by persona, phase, season,
loyalty and personalisation; some orders go wrong and are put right or not, which moves
a grievance that raises the churn hazard; order counts move customers through Dwyer's
phases; some relationships dissolve, and a few are won back.
"""

from __future__ import annotations

import numpy as np

from crmkit.world.arrays import rank_in_group
from crmkit.world.codes import codes_of
from crmkit.world.life_state import (
    AWARENESS,
    COMMITMENT,
    DISSOLUTION,
    EXPANSION,
    EXPLORATION,
    LEAVING_DAYS,
    MAX_MONTHLY_CHURN,
    EventLog,
    Month,
    State,
)
from crmkit.world.names import draw_index
from crmkit.world.parameters import parameter
from crmkit.world.people import PersonaTable
from crmkit.world.timeline import DAYS_PER_MONTH
from crmkit.world.vocabulary import code_of, terms

MAX_CAMPAIGN_BUYING_CHANCE = parameter("lifecycle", "max_campaign_buying_chance")


class Lifecycle:
    """Runs the monthly simulation of one block; see :func:`run_lifecycle`."""

    def __init__(self, block, people: dict[str, np.ndarray]):
        self.block, self.people, self.config = block, people, block.config
        self.rng = block.rng("lifecycle")
        self.n = block.size
        personas = PersonaTable.of(self.config)
        self.base_churn = personas.param(self.config, "churn_hazard")[people["persona"]] * people["true_churn_factor"]
        self.eov = people["true_order_value"]
        phases = self.config.phases
        self.phase_buy = np.ones(len(terms("phase")))
        self.phase_churn = np.ones(len(terms("phase")))
        for name in ("exploration", "expansion", "commitment"):
            self.phase_buy[code_of("phase", name)] = phases.purchase_multiplier[name]
            self.phase_churn[code_of("phase", name)] = phases.churn_multiplier[name]
        level = self.config.service.levels[self.config.service.level]
        self.failure_rate, self.recovery_rate = level.failure_rate, level.recovery_rate
        mix = self.config.service.issue_mix
        self.issue_codes = np.array([codes_of(self.config).code("service_issue", k) for k in mix])
        self.issue_probs = np.array(list(mix.values())) / sum(mix.values())
        pers = self.config.personalisation
        self.pers_rate = pers.purchase_rate_multiplier if pers.enabled else 1.0
        self.pers_uplift = pers.uplift_multiplier if pers.enabled else 1.0
        self.state = State.new(self.n)
        self.orders = EventLog("customer", "time", "campaign")
        self.phases = EventLog("customer", "phase", "time", "winback")
        self.members = EventLog("campaign", "customer", "control", "live", "baseline", "uplift")
        self.joins = EventLog("customer", "time")
        self.service_issue: list[np.ndarray] = []  # aligned with the orders log
        self.service_recovered: list[np.ndarray] = []

    # --- one month -----------------------------------------------------------------
    def run(self) -> Lifecycle:
        t = self.block.timeline
        seasonality = self.config.calendar.seasonality
        # Acquisition campaigns address prospects, not customers: they have no members.
        starts = {i: self.block.timeline.days_of(c.start_date) for i, c in enumerate(self.config.campaigns.plan)
                  if c.objective != "acquisition"}
        for m in range(t.months):
            month = Month(m, t.month_starts[m], t.month_starts[m + 1], seasonality[t.month_of_year[m] - 1])
            self._sign_up(month)
            churners, end = self._draw_churn(month)
            organic, end = self._drop_out(self._organic_orders(month, end), churners, end, month)
            self._join_loyalty(month, end)
            orders = [organic]
            for i, start in starts.items():
                if month.start <= start < month.end:
                    orders.append(self._campaign(i, start, month, end))
            customers, times, campaign, failed, recovered = (np.concatenate(x) for x in zip(*orders))
            order = np.lexsort((times, customers))
            self._record_orders(customers[order], times[order], campaign[order], month)
            self._service(customers[order], failed[order], recovered[order])
            self._dissolve(churners, end)
            self._win_back(month, churners)
        return self

    def _sign_up(self, month: Month) -> None:
        s = self.state
        new = (s.phase == AWARENESS) & (self.people["signup"] < month.end)
        idx = np.flatnonzero(new)
        self.phases.add(customer=idx, phase=AWARENESS, time=self.people["awareness"][idx], winback=False)
        self.phases.add(customer=idx, phase=EXPLORATION, time=self.people["signup"][idx], winback=False)
        s.phase[new] = EXPLORATION
        s.new = new
        s.active_from = np.where(new, self.people["signup"], month.start)

    def _join_loyalty(self, month: Month, end: np.ndarray) -> None:
        s = self.state
        when = np.maximum(self.people["loyalty_join"], s.active_from)
        joining = self.people["loyalty_intent"] & ~s.member & s.active & (when < end)  # not after leaving
        idx = np.flatnonzero(joining)
        self.joins.add(customer=idx, time=when[idx])
        s.member |= joining

    def _buying_rate(self, month: Month) -> np.ndarray:
        """Expected organic orders per day for each customer this month."""
        s = self.state
        loyalty = np.where(s.member, self.config.loyalty.purchase_rate_multiplier, 1.0)
        per_month = self.people["true_rate"] * self.phase_buy[s.phase] * month.season * loyalty * self.pers_rate
        return np.where(s.buying, per_month / DAYS_PER_MONTH, 0.0)

    def _draw_churn(self, month: Month) -> tuple[np.ndarray, np.ndarray]:
        s = self.state
        hazard = self.base_churn * self.phase_churn[s.phase]
        hazard = hazard * np.where(s.member, self.config.loyalty.churn_multiplier, 1.0)
        hazard = hazard * np.where(s.recovered_once, self.config.service.recovery_churn_multiplier, 1.0)
        hazard = np.minimum(hazard * np.exp(self.people["true_sensitivity"] * s.grievance), MAX_MONTHLY_CHURN)
        exposure = (month.end - s.active_from) / (month.end - month.start)
        churn = s.active & (self.rng.random(self.n) < 1 - (1 - hazard) ** exposure)
        at = s.active_from + self.rng.random(self.n) * (month.end - s.active_from)
        end = np.where(churn, at, month.end)
        leaving = s.active & (s.leaving_at < end)  # decided after an earlier purchase
        return churn | leaving, np.where(leaving, np.maximum(s.leaving_at, s.active_from), end)

    def _organic_orders(self, month: Month, end: np.ndarray):
        s = self.state
        span = np.maximum(end - s.active_from, 0.0)
        counts = self.rng.poisson(self._buying_rate(month) * span)
        customers = np.repeat(np.arange(self.n), counts)
        times = s.active_from[customers] + self.rng.random(len(customers)) * span[customers]
        # Many a relationship starts with a purchase: the sign-up is the first order.
        first = np.flatnonzero(s.new & self.people["buys_at_signup"] & (self.people["signup"] <= end))
        customers, times = np.r_[first, customers], np.r_[self.people["signup"][first], times]
        return customers, times, np.full(len(customers), -1)

    def _drop_out(self, orders, churners, end, month: Month):
        """After each own order a customer may leave for good (BG/NBD's dropout).

        The orders after the one that ends it are not placed; the relationship dissolves
        a little later (this month, or at the start of a later one).
        """
        s, (customers, times, campaign) = self.state, orders
        failed, recovered = self._outcomes(len(customers))
        # A purchase that went wrong and was not put right makes leaving after it likelier (a
        # chance p becomes 1 - (1 - p) ** e^sensitivity); one put right well, less likely.
        stay = 1 - self.people["true_dropout"][customers]
        stay = stay ** np.where(failed & ~recovered, np.exp(self.people["true_sensitivity"][customers]), 1.0)
        leave = 1 - stay
        leave = np.where(recovered, leave * self.config.service.recovery_churn_multiplier, leave)
        leaves = self.rng.random(len(customers)) < leave
        last = np.full(self.n, np.inf)
        np.minimum.at(last, customers[leaves], times[leaves])
        keep = times <= last[customers]
        who = np.flatnonzero(np.isfinite(last))
        s.leaving_at[who] = last[who] + self.rng.exponential(LEAVING_DAYS, len(who))
        now = who[s.leaving_at[who] < end[who]]
        churners[now] = True
        end = end.copy()
        end[now] = s.leaving_at[now]
        return (customers[keep], times[keep], campaign[keep], failed[keep], recovered[keep]), end

    def _campaign(self, i: int, start: float, month: Month, end: np.ndarray):
        """Select members, hold out a control group, and add the treated's extra orders."""
        from crmkit.world.campaigns import select_members

        s, plan = self.state, self.config.campaigns.plan[i]
        known = (s.phase > AWARENESS) & (self.people["signup"] < start)
        needs = codes_of(self.config).consent_of_campaign_channel.get(plan.channel, "")  # the consent the channel needs
        consent = self.people.get(needs, np.ones(self.n, dtype=bool))
        rule = plan.targeting_rule or self.config.campaigns.targeting_rule
        chosen = select_members(self.rng, known & consent, rule, plan.audience_share, s.value_to_date, s.last_order, start)
        control = self.rng.random(len(chosen)) < plan.control_share
        window_end = np.minimum(start + plan.days, end[chosen])
        live = s.active[chosen] & (end[chosen] > start)
        baseline = np.where(live, 1 - np.exp(-self._buying_rate(month)[chosen] * np.maximum(window_end - start, 0)), 0.0)
        reachable = live | ((s.phase[chosen] == DISSOLUTION) & (plan.objective == "win_back"))
        uplift = np.where(reachable, self.people["true_response"][chosen] * plan.uplift_scale * self.pers_uplift, 0.0)
        uplift = np.clip(uplift, 0.0, np.maximum(MAX_CAMPAIGN_BUYING_CHANCE - baseline, 0.0))
        # The true uplift is the campaign's effect on the chance of buying in the window:
        # a contacted customer who would have bought anyway adds nothing to it.
        effect = np.where(live, uplift * (1 - baseline), uplift)
        self.members.add(campaign=i, customer=chosen, control=control, live=live, baseline=baseline, uplift=effect)
        respond = ~control & (self.rng.random(len(chosen)) < uplift)
        back = chosen[respond & ~live]
        stop = np.where(live, window_end, np.minimum(start + plan.days, month.end))[respond]
        times = start + self.rng.random(respond.sum()) * (stop - start)
        if len(back):
            self._reactivate(back, times[~live[respond]])
        return (chosen[respond], times, np.full(respond.sum(), i)) + self._outcomes(respond.sum())

    def _record_orders(self, customers, times, campaign, month: Month) -> None:
        s = self.state
        self.orders.add(customer=customers, time=times, campaign=campaign)
        counts = np.bincount(customers, minlength=self.n)
        in_life = s.orders_in_life[customers] + rank_in_group(customers) + 1
        for threshold, phase in ((self.config.phases.expansion_after_orders, EXPANSION), (self.config.phases.commitment_after_orders, COMMITMENT)):
            hit = in_life == threshold
            self.phases.add(customer=customers[hit], phase=phase, time=times[hit], winback=False)
            s.phase[customers[hit]] = phase
        s.orders_in_life += counts
        s.value_to_date += counts * self.eov
        if len(customers):
            np.maximum.at(s.last_order, customers, times)

    def _outcomes(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Which of n orders go wrong, and which of those are put right."""
        failed = self.rng.random(n) < self.failure_rate
        return failed, failed & (self.rng.random(n) < self.recovery_rate)

    def _service(self, customers, failed, recovered) -> None:
        """An issue not put right becomes a grievance that fades."""
        s = self.state
        issue = np.zeros(len(customers), dtype=np.int8)
        issue[failed] = self.issue_codes[draw_index(self.rng, self.issue_probs, failed.sum())]
        self.service_issue.append(issue)
        self.service_recovered.append(recovered)
        unresolved = np.bincount(customers[failed & ~recovered], minlength=self.n)
        s.grievance = s.grievance * self.config.service.dissatisfaction_decay + unresolved
        s.recovered_once |= np.bincount(customers[recovered], minlength=self.n) > 0

    def _dissolve(self, churners, end) -> None:
        s = self.state
        idx = np.flatnonzero(churners & (s.phase != DISSOLUTION))
        self.phases.add(customer=idx, phase=DISSOLUTION, time=end[idx], winback=False)
        s.phase[idx] = DISSOLUTION
        s.first_churn[idx] = np.where(np.isnan(s.first_churn[idx]), end[idx], s.first_churn[idx])

    def _win_back(self, month: Month, churners) -> None:
        s = self.state
        lapsed = (s.phase == DISSOLUTION) & ~churners
        back = np.flatnonzero(lapsed & (self.rng.random(self.n) < self.config.phases.winback_monthly))
        self._reactivate(back, month.start + self.rng.random(len(back)) * (month.end - month.start))

    def _reactivate(self, customers, times) -> None:
        s = self.state
        self.phases.add(customer=customers, phase=EXPLORATION, time=times, winback=True)
        s.phase[customers] = EXPLORATION
        s.leaving_at[customers] = np.inf
        s.orders_in_life[customers] = 0
        s.grievance[customers] = 0.0


def run_lifecycle(block, people: dict[str, np.ndarray]) -> Lifecycle:
    """Simulate every month of the block; the returned object holds the event logs."""
    return Lifecycle(block, people).run()
