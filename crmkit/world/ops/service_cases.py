"""Cases: complaints from the orders that went wrong, and ordinary service requests.

Every ``service_contact`` interaction (a customer calling or writing about an order's
service issue) opens a complaint; whether it was put right is the order's ``recovered``
flag, which the lifecycle already used for churn. Requests (questions, billing, account...)
come at a rate per persona while the relationship is alive. Escalation, first-contact
resolution and the time to close follow the outcome, the priority and the service level.
"""

from __future__ import annotations

import numpy as np

from crmkit.errors import ConfigError
from crmkit.world.codes import codes_of
from crmkit.world.names import draw_index
from crmkit.world.ops.service_history import value_at
from crmkit.world.timeline import DAYS_PER_MONTH
from crmkit.world.units import MINUTES_PER_DAY, SECONDS_PER_DAY
from crmkit.world.vocabulary import code_of, terms
from crmkit.world.words import words_of

MINUTES = 1 / MINUTES_PER_DAY


def _weights(mapping: dict, vocab: str, lists=None) -> np.ndarray:
    return np.array([mapping.get(t, 0.0) for t in terms(vocab, lists)], dtype=float)


def desk_level(config):
    """The desk's settings for the company's service level (a clear error if the section lacks it)."""
    level = config.service.level
    if level not in config.service_desk.levels:
        raise ConfigError(f"service_desk.levels lacks the service level {level!r}; it has: {', '.join(config.service_desk.levels)}")
    return config.service_desk.levels[level]


def complaints(context, rng) -> dict[str, np.ndarray]:
    """One complaint per ``service_contact`` interaction, opened at the contact.

    Reads interactions (kind, channel, occurred_at, order_id, _customer) and the orders'
    ``issue`` and ``recovered``; returns arrays customer, time, order (local id), origin,
    reason, true_cause, priority, complaint, resolved.
    """
    desk = context.config.service_desk.complaints
    inter = context.frames["interactions"]
    codes = codes_of(context.config)  # the world's own codes and what each does (its roles)
    contact = (inter["kind"] == codes.roles.service_kind).to_numpy()
    seconds = (inter["occurred_at"].to_numpy()[contact] - np.datetime64(context.timeline.start, "s")).astype(np.int64)
    order = inter["order_id"].to_numpy()[contact]
    row_of_order = np.flatnonzero(context.order_id >= 0)[np.argsort(context.order_id[context.order_id >= 0])]
    row = row_of_order[order]
    n = len(row)
    cause = np.array([codes.code("case_reason", codes.reason_of_issue[issue]) if i else 0 for i, issue in enumerate(codes.service_issue)])
    true_cause = cause[context.orders["issue"][row]]
    wrong = np.array([codes.code("case_reason", r) for r in codes.roles.miscoded_as])
    recorded = np.where(rng.random(n) < desk.miscoded, wrong[rng.integers(0, len(wrong), n)], true_cause)
    by_phone = inter["channel"].to_numpy()[contact] == codes.roles.phone_channel
    return {
        "customer": inter["_customer"].to_numpy()[contact], "time": seconds / SECONDS_PER_DAY, "order": order,
        "origin": np.where(by_phone, code_of("case_origin", "phone"), code_of("case_origin", "email")),
        "reason": recorded, "true_cause": true_cause,
        "priority": draw_index(rng, _weights(desk.priority, "case_priority"), n),
        "complaint": np.ones(n, dtype=bool), "resolved": context.orders["recovered"][row].astype(bool),
    }


def requests(context, history, rng) -> dict[str, np.ndarray]:
    """Ordinary service requests, Poisson in time over each live spell in the window.

    Requests about an order (status, return, billing) point at the customer's latest
    observed order, if there is one.
    """
    cfg = context.config
    desk = cfg.service_desk.requests
    missing = set(cfg.personas) - set(desk.per_month)
    if missing:
        raise ConfigError(f"service_desk.requests.per_month lacks persona {sorted(missing)[0]!r}; personas: {', '.join(cfg.personas)}")
    rate = np.array([desk.per_month[p] for p in cfg.personas])
    cust, start, end = history.spells(context.timeline.observed_end)
    counts = rng.poisson(rate[context.people["persona"][cust]] * (end - start) / DAYS_PER_MONTH)
    spell = np.repeat(np.arange(len(cust)), counts)
    customer, time = cust[spell], start[spell] + rng.random(len(spell)) * (end - start)[spell]
    n = len(customer)
    codes = codes_of(cfg)
    reason = draw_index(rng, _weights(desk.reasons, "case_reason", codes.lists), n)
    seen = np.flatnonzero(context.order_id >= 0)
    latest = value_at(context.orders["customer"][seen], context.orders["time"][seen], context.order_id[seen], customer, time)
    about_order = np.isin(reason, [codes.code("case_reason", r) for r in codes.roles.about_an_order])
    return {
        "customer": customer, "time": time, "order": np.where(about_order, latest, -1),
        "origin": draw_index(rng, _weights(desk.origins, "case_origin"), n), "reason": reason, "true_cause": reason,
        "priority": draw_index(rng, _weights(desk.priority, "case_priority"), n),
        "complaint": np.zeros(n, dtype=bool), "resolved": rng.random(n) < desk.resolved_well,
    }


def work_cases(context, cases: dict[str, np.ndarray], rng) -> dict[str, np.ndarray]:
    """Add how each case was handled: escalated, first-contact resolution, closed (days, NaN
    while open at the end of the window) and status; cases come back sorted by opening time."""
    cfg = context.config.service_desk
    level = desk_level(context.config)
    order = np.lexsort((cases["customer"], cases["time"]))
    c = {k: v[order] for k, v in cases.items()}
    n = len(c["time"])
    complaint, resolved = c["complaint"], c["resolved"]
    p_escalate = np.where(complaint, np.where(resolved, cfg.complaints.escalation_resolved, cfg.complaints.escalation_unresolved),
                          cfg.requests.escalation)
    escalated = rng.random(n) < np.minimum(p_escalate * level.escalation_multiplier, 1.0)
    first_contact = rng.random(n)
    close = cfg.closing
    median = np.array([close.median_days[p] for p in terms("case_priority")])[c["priority"]] * level.close_days_multiplier
    median = median * np.where(resolved, 1.0, close.unresolved_multiplier) * np.where(escalated, close.escalated_multiplier, 1.0)
    worked = median * np.exp(close.spread * rng.standard_normal(n))
    handled = rng.exponential(close.first_contact_minutes, n) * MINUTES + MINUTES
    owner = _owners(context, c["customer"], rng)  # drawn last, as before training had an effect
    fcr_share, slower = _training_effect(context.config, owner)
    fcr = resolved & ~escalated & (first_contact < level.first_contact_resolution * fcr_share)
    closed = c["time"] + np.where(fcr, handled, worked * slower)
    end = context.timeline.observed_end
    closed = np.where(closed < end, closed, np.nan)
    status = np.select([~np.isnan(closed), escalated, end - c["time"] < 1.0],  # "new": opened in the window's last day
                       [code_of("case_status", s) for s in ("closed", "escalated", "new")], code_of("case_status", "working"))
    c.update(escalated=escalated, fcr=fcr, closed=closed, status=status, owner=owner)
    return c


def _training_effect(config, owner) -> tuple[np.ndarray, np.ndarray]:
    """Per case, the share of the first-contact chance and the factor on the days to close
    that its agent's CRM training gives (1 and 1 for trained agents, cases without an agent
    and cases without ``staff.people``: multiplying by 1.0 keeps every value to the bit)."""
    from crmkit.world.ops.staff import trained_staff

    ones = np.ones(len(owner))
    trained = trained_staff(config)
    if trained is None:
        return ones, ones
    people = config.staff.people
    untrained = (owner >= 0) & ~trained[np.maximum(owner, 0)]
    return np.where(untrained, people.untrained_first_contact, 1.0), np.where(untrained, people.untrained_close_days, 1.0)


def _owners(context, customer, rng) -> np.ndarray:
    """A service agent of the customer's region (local index into the global staff table; -1 without staff)."""
    from crmkit.world.ops.staff import tables as staff_tables

    staff = staff_tables(context.config).get("staff")
    owner = np.full(len(customer), -1, dtype=np.int64)
    if staff is None:
        return owner
    agents = staff.role.to_numpy() == "service_agent"
    region = context.people["region"][customer]
    u = rng.random(len(customer))
    for name in words_of(context.config).geography.regions:
        pool = np.flatnonzero(agents & (staff.region.to_numpy() == name))
        rows = region == name
        if len(pool):
            owner[rows] = pool[(u[rows] * len(pool)).astype(np.int64)]
    return owner


def all_cases(context, history, rng) -> dict[str, np.ndarray]:
    """Complaints and requests of the block, worked and sorted by opening time."""
    parts = [complaints(context, rng), requests(context, history, rng)]
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return work_cases(context, joined, rng)

