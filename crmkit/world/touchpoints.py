"""Interactions: every touchpoint event, at every channel, in the observation window.

Customer actions (visits, purchases, calls, registrations...) happen only while the
relationship is alive; company actions (an email or catalogue sent) may reach people who
have quietly left, as in real CRM data. Visits before sign-up are anonymous.
"""

from __future__ import annotations

import numpy as np

from crmkit.world.arrays import last_time_before, next_time_after
from crmkit.world.engine_numbers import engine_numbers
from crmkit.world.people import PersonaTable
from crmkit.world.units import DAYS_PER_MONTH, HOURS_PER_DAY
from crmkit.world.vocabulary import code_of, terms
from crmkit.world.words import mapping

COMPANY_KINDS = ("email_sent", "mail_received")  # sent by the company, not done by the customer
HOUR = 1 / HOURS_PER_DAY  # times are in days


def _ch(name):
    return code_of("channel", name)


def _kind(name):
    return code_of("interaction_kind", name)


class Touchpoints:
    """Builds the interaction arrays of one block."""

    def __init__(self, block, people, orders, observed, phases, joins, members):
        self.block, self.people, self.orders, self.observed = block, people, orders, observed
        self.phases, self.joins, self.members = phases, joins, members
        self.rng = block.rng("interactions")
        self.n = engine_numbers().touchpoints
        self.personas = PersonaTable.of(block.config)
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
        p, n = self.people, self.block.size
        sources = np.array([_ch(mapping("channel_of_source")[s]) for s in terms("acquisition_source")])
        self.add(np.arange(n), p["signup"], sources[p["acquisition_source"]], _kind("account_signup"))
        visits = self.rng.poisson(self.param("awareness_visits", np.arange(n)))
        who = np.repeat(np.arange(n), visits)
        start = np.maximum(p["awareness"][who], 0.0)
        times = start + self.rng.random(len(who)) * (p["signup"][who] - start)
        self.add(who, times, _ch("web"), _kind("site_visit"), anonymous=True)

    def _orders(self):
        o, rows = self.orders, np.flatnonzero(self.observed)
        channel_codes = np.array([_ch(c) for c in terms("order_channel")])
        channel = channel_codes[o["channel"][rows]]
        self.add(o["customer"][rows], o["time"][rows], channel, _kind("purchase"), rows, o["campaign"][rows])
        online = np.isin(channel, [_ch("web"), _ch("mobile_app")])
        browse = self.rng.poisson(self.param("visits_per_order", o["customer"][rows]) * online)
        at = np.repeat(rows, browse)
        before = o["time"][at] - self.rng.exponential(self.n.browse_days.value, len(at))
        ok = before > self.people["signup"][o["customer"][at]]
        kind = np.where(o["channel"][at] == code_of("order_channel", "mobile_app"), _kind("app_session"), _kind("site_visit"))
        self.add(o["customer"][at][ok], before[ok], channel_codes[o["channel"][at][ok]], kind[ok])
        events = rows[channel == _ch("home_sales_event")]
        self.add(o["customer"][events], o["time"][events] - self.rng.random(len(events)) * self.n.event_hours.value * HOUR,
                 _ch("home_sales_event"), _kind("event_attendance"), events)

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
        self.add(self.orders["customer"][rows], self.orders["time"][rows], _ch(sites.arrival.channel),
                 _kind(sites.arrival.kind), rows, customer_action=False)

    def _aftercare(self):
        o, rows = self.orders, np.flatnonzero(self.observed)
        cust = o["customer"][rows]
        reg = rows[self.rng.random(len(rows)) < self.param("registration_rate", cust)]
        first = self.n.first_day.value
        self.add(o["customer"][reg], o["time"][reg] + first + self.rng.exponential(self.n.registration_days.value, len(reg)),
                 _ch("product_registration"), _kind("product_registration"), reg)
        failed = rows[o["issue"][rows] > 0]
        calls = failed[self.rng.random(len(failed)) < self.block.config.service.contact_rate]
        channel = np.where(self.rng.random(len(calls)) < self.n.phone_share.value, _ch("call_centre"), _ch("email"))
        self.add(o["customer"][calls], o["time"][calls] + first + self.rng.exponential(self.n.contact_days.value, len(calls)),
                 channel, _kind("service_contact"), calls)

    def _loyalty_and_social(self):
        j = self.joins
        self.add(j["customer"].astype(np.int64), j["time"], _ch("web"), _kind("loyalty_enrolment"))
        n = self.block.size
        first_end = np.minimum(next_time_after(self.dissolve_cust, self.dissolve_time, np.arange(n), self.people["signup"]),
                               self.block.timeline.observed_end)
        span = np.maximum(first_end - self.people["signup"], 0)
        count = self.rng.poisson(self.param("social_per_month", np.arange(n)) * span / DAYS_PER_MONTH)
        who = np.repeat(np.arange(n), count)
        self.add(who, self.people["signup"][who] + self.rng.random(len(who)) * span[who], _ch("social"), _kind("social_engagement"))

    def _campaigns(self):
        m, plan = self.members, self.block.config.campaigns.plan
        treated = ~m["control"].astype(bool)
        camp = m["campaign"].astype(np.int64)
        channel = np.array([c.channel for c in plan])[camp]
        start = np.array([self.block.timeline.days_of(c.start_date) for c in plan])[camp]
        status = m["status"]
        responded = status == code_of("member_status", "responded")
        to_response = np.nan_to_num(m["responded_at"] - start)
        for name, kind in mapping("contact_kind").items():
            company = kind in COMPANY_KINDS
            rows = treated & (channel == name) & (company | responded)
            # Sent at the start of the campaign; customer-side contacts just before responding.
            when = start[rows] if company else start[rows] + self.n.reply_share.value * to_response[rows]
            self.add(m["customer"][rows], when, code_of("channel", name), _kind(kind),
                     campaign=camp[rows], customer_action=not company)
        for step, share, codes in (("email_opened", self.n.open_share.value, ("opened", "clicked", "responded")),
                                   ("email_clicked", self.n.click_share.value, ("clicked", "responded"))):
            rows = treated & (channel == "email") & np.isin(status, [code_of("member_status", c) for c in codes])
            when = start[rows] + np.where(responded[rows], share * to_response[rows], share * self.n.open_hours.value * HOUR)
            self.add(m["customer"][rows], when, _ch("email"), _kind(step), campaign=camp[rows])


def build_interactions(block, people, orders, observed, phases, joins, members) -> dict[str, np.ndarray]:
    """All interaction rows of the block, sorted by time."""
    return Touchpoints(block, people, orders, observed, phases, joins, members).build()
