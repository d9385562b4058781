"""Interactions: every touchpoint event, at every channel, in the observation window.

Customer actions (visits, purchases, calls, registrations...) happen only while the
relationship is alive; company actions (an email or catalogue sent) may reach people who
have quietly left, as in real CRM data. Visits before sign-up are anonymous. Every channel
and interaction kind is the world's own: which one plays each part (the browsing before
sign-up, a purchase, an event's attendance...) is a role of its codes (crmkit.world.codes).
"""

from __future__ import annotations

import numpy as np

from crmkit.world.arrays import last_time_before, next_time_after
from crmkit.world.codes import codes_of
from crmkit.world.engine_numbers import engine_numbers
from crmkit.world.people import PersonaTable
from crmkit.world.units import DAYS_PER_MONTH, HOURS_PER_DAY
from crmkit.world.vocabulary import code_of

HOUR = 1 / HOURS_PER_DAY  # times are in days


class Touchpoints:
    """Builds the interaction arrays of one block."""

    def __init__(self, block, people, orders, observed, phases, joins, members):
        self.block, self.people, self.orders, self.observed = block, people, orders, observed
        self.phases, self.joins, self.members = phases, joins, members
        self.rng = block.rng("interactions")
        self.n = engine_numbers().touchpoints
        self.personas = PersonaTable.of(block.config)
        self.codes = codes_of(block.config)  # the world's own channels and interaction kinds, and their roles
        self.roles = self.codes.roles
        self.parts: list[dict] = []
        dissolved = phases["phase"] == code_of("phase", "dissolution")
        opened = phases["phase"] == code_of("phase", "exploration")  # sign-up or win-back
        self.dissolve_cust, self.dissolve_time = phases["customer"][dissolved], phases["time"][dissolved]
        self.open_cust, self.open_time = phases["customer"][opened], phases["time"][opened]

    def alive(self, customer, time) -> np.ndarray:
        """True where the customer's relationship is alive at that time."""
        opened = last_time_before(self.open_cust, self.open_time, customer, time)
        ended = last_time_before(self.dissolve_cust, self.dissolve_time, customer, time)
        return opened > ended

    def param(self, name, customers):
        return self.personas.param(self.block.config, name)[self.people["persona"][customers]]

    def add(self, customer, time, channel, kind, order=-1, campaign=-1, anonymous=False, customer_action=True):
        customer = np.asarray(customer, dtype=np.int64)
        time = np.asarray(time, dtype=float)
        keep = time < self.block.timeline.observed_end
        if customer_action and not anonymous:  # customers act only while the relationship is alive
            keep &= self.alive(customer, time)
        n = len(customer)
        part = {"customer": customer, "time": time, "channel": np.broadcast_to(channel, n),
                "kind": np.broadcast_to(kind, n), "order": np.broadcast_to(order, n),
                "campaign": np.broadcast_to(campaign, n), "anonymous": np.broadcast_to(anonymous, n)}
        self.parts.append({k: np.asarray(v)[keep] for k, v in part.items()})

    def _ch(self, name):
        return self.codes.code("channel", name)

    def _kind(self, name):
        return self.codes.code("interaction_kind", name)

    def _touch(self, touch):
        return self._ch(touch.channel), self._kind(touch.kind)

    def build(self) -> dict[str, np.ndarray]:
        self._signups()
        self._orders()
        self._arrivals()
        self._aftercare()
        self._loyalty_and_social()
        self._campaigns()
        rows = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        sort = np.lexsort((rows["kind"], rows["customer"], rows["time"]))  # by time within the block
        return {k: v[sort] for k, v in rows.items()}

    def _signups(self):
        p, n, codes = self.people, self.block.size, self.codes
        sources = np.array([self._ch(codes.channel_of_source[s]) for s in codes.acquisition_source])
        self.add(np.arange(n), p["signup"], sources[p["acquisition_source"]], self._kind(self.roles.signup_kind))
        visits = self.rng.poisson(self.param("awareness_visits", np.arange(n)))
        who = np.repeat(np.arange(n), visits)
        start = np.maximum(p["awareness"][who], 0.0)
        times = start + self.rng.random(len(who)) * (p["signup"][who] - start)
        self.add(who, times, *self._touch(self.roles.visit), anonymous=True)

    def _orders(self):
        o, rows, codes = self.orders, np.flatnonzero(self.observed), self.codes
        channel_codes = np.array([self._ch(codes.channel_of_order_channel[c]) for c in codes.order_channel])
        channel = channel_codes[o["channel"][rows]]
        self.add(o["customer"][rows], o["time"][rows], channel, self._kind(self.roles.purchase_kind), rows, o["campaign"][rows])
        # Online orders leave browsing before them: its kind by order channel (-1: not online).
        browse_kind = np.array([self._kind(codes.browse_kind[c]) if c in codes.browse_kind else -1 for c in codes.order_channel])
        online = browse_kind[o["channel"][rows]] >= 0
        browse = self.rng.poisson(self.param("visits_per_order", o["customer"][rows]) * online)
        at = np.repeat(rows, browse)
        before = o["time"][at] - self.rng.exponential(self.n.browse_days.value, len(at))
        ok = before > self.people["signup"][o["customer"][at]]
        kind = browse_kind[o["channel"][at]]
        self.add(o["customer"][at][ok], before[ok], channel_codes[o["channel"][at][ok]], kind[ok])
        if self.roles.event_order_channel is None:  # a case without events
            return
        event = codes.code("order_channel", self.roles.event_order_channel)
        events = rows[o["channel"][rows] == event]
        self.add(o["customer"][events], o["time"][events] - self.rng.random(len(events)) * self.n.event_hours.value * HOUR,
                 channel_codes[event], self._kind(self.roles.attendance_kind), events)

    def _arrivals(self):
        """An on-site arrival at each visit's site, when the visit starts (the case names its kind).

        No random draw: a case that declares no arrival keeps every other touchpoint as it was.
        The visit took place (its order exists), so the arrival is kept even when the order
        came in the last moment of a relationship.
        """
        sites = self.block.config.sites
        if sites is None or sites.arrival is None:
            return
        rows = np.flatnonzero(self.observed & (self.orders["site"] >= 0))
        self.add(self.orders["customer"][rows], self.orders["time"][rows], *self._touch(sites.arrival),
                 rows, customer_action=False)

    def _aftercare(self):
        o, rows = self.orders, np.flatnonzero(self.observed)
        cust = o["customer"][rows]
        reg = rows[self.rng.random(len(rows)) < self.param("registration_rate", cust)]
        first = self.n.first_day.value
        self.add(o["customer"][reg], o["time"][reg] + first + self.rng.exponential(self.n.registration_days.value, len(reg)),
                 *self._touch(self.roles.registration), reg)
        failed = rows[o["issue"][rows] > 0]
        calls = failed[self.rng.random(len(failed)) < self.block.config.service.contact_rate]
        phone, written = self._ch(self.roles.phone_channel), self._ch(self.roles.written_channel)
        channel = np.where(self.rng.random(len(calls)) < self.n.phone_share.value, phone, written)
        self.add(o["customer"][calls], o["time"][calls] + first + self.rng.exponential(self.n.contact_days.value, len(calls)),
                 channel, self._kind(self.roles.service_kind), calls)

    def _loyalty_and_social(self):
        j = self.joins
        self.add(j["customer"].astype(np.int64), j["time"], *self._touch(self.roles.enrolment))
        n = self.block.size
        first_end = np.minimum(next_time_after(self.dissolve_cust, self.dissolve_time, np.arange(n), self.people["signup"]),
                               self.block.timeline.observed_end)
        span = np.maximum(first_end - self.people["signup"], 0)
        count = self.rng.poisson(self.param("social_per_month", np.arange(n)) * span / DAYS_PER_MONTH)
        who = np.repeat(np.arange(n), count)
        self.add(who, self.people["signup"][who] + self.rng.random(len(who)) * span[who], *self._touch(self.roles.on_social))

    def _campaigns(self):
        m, plan, codes = self.members, self.block.config.campaigns.plan, self.codes
        treated = ~m["control"].astype(bool)
        camp = m["campaign"].astype(np.int64)
        channel = np.array([c.channel for c in plan])[camp]
        start = np.array([self.block.timeline.days_of(c.start_date) for c in plan])[camp]
        status = m["status"]
        responded = status == code_of("member_status", "responded")
        to_response = np.nan_to_num(m["responded_at"] - start)
        for name, kind in codes.contact_kind.items():
            company = kind in self.roles.company_kinds  # sent by the company, not done by the customer
            rows = treated & (channel == name) & (company | responded)
            # Sent at the start of the campaign; customer-side contacts just before responding.
            when = start[rows] if company else start[rows] + self.n.reply_share.value * to_response[rows]
            self.add(m["customer"][rows], when, self._ch(codes.channel_of_campaign_channel[name]), self._kind(kind),
                     campaign=camp[rows], customer_action=not company)
        email = self.roles.email_campaign_channel  # the campaign channel whose messages are opened and clicked
        if email is None:
            return
        for step, share, statuses in ((self.roles.opened_kind, self.n.open_share.value, ("opened", "clicked", "responded")),
                                      (self.roles.clicked_kind, self.n.click_share.value, ("clicked", "responded"))):
            rows = treated & (channel == email) & np.isin(status, [code_of("member_status", c) for c in statuses])
            when = start[rows] + np.where(responded[rows], share * to_response[rows], share * self.n.open_hours.value * HOUR)
            self.add(m["customer"][rows], when, self._ch(codes.channel_of_campaign_channel[email]), self._kind(step), campaign=camp[rows])


def build_interactions(block, people, orders, observed, phases, joins, members) -> dict[str, np.ndarray]:
    """All interaction rows of the block, sorted by time."""
    return Touchpoints(block, people, orders, observed, phases, joins, members).build()
