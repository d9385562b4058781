"""Building the source records of one block: who is in which system, their identity, the defects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from crmkit.world.codes import codes_of
from crmkit.world.names import draw_index, name_pools, phone_numbers
from crmkit.world.ops.sources_damage import damage
from crmkit.world.parameters import parameter
from crmkit.world.vocabulary import category_dtype
from crmkit.world.words import words_of

FIELDS = ("first_name", "last_name", "email", "phone", "city", "birth_year")
DOUBLE_SUBMISSION_GAP = parameter("sources", "double_submission_gap_seconds")
GUEST_WITHIN = parameter("sources", "guest_within_seconds")
STRANGER_AGES = (parameter("sources", "stranger_age_low"), parameter("sources", "stranger_age_high"))  # [low, high)
EMAIL_NUMBERS = (parameter("sources", "email_number_low"), parameter("sources", "email_number_high"))  # [low, high)
KEYS_PER_BLOCK = 1_000_000  # fixed: room for each system's records of one block, so keys are unique across blocks
KEY_DIGITS = 8  # fixed: the number after a key's prefix is written with this many digits


def _seconds(timestamps) -> np.ndarray:
    return np.asarray(timestamps, dtype="datetime64[s]").astype(np.int64)


def channel_uses(context, config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer, system code, time in seconds) of every use of a system, sorted by customer,
    system and time (a use is a customer's own interaction at the system's channel)."""
    inter, codes = context.frames["interactions"], codes_of(context.config)  # the world's own channels and systems
    # The source system that captures a customer who uses each interaction channel.
    system_of_channel = {c: name for name in codes.source_system for c in config.channels_of(name)}
    channel_system = np.array([codes.code("source_system", system_of_channel[c]) if c in system_of_channel else -1
                               for c in codes.channel])
    system = channel_system[inter["channel"].cat.codes.to_numpy()]
    company = inter["kind"].isin(codes.roles.company_kinds).to_numpy()  # sent by the company: not a use of the channel
    used = (system >= 0) & (inter["customer_id"].to_numpy() >= 0) & ~company
    customer, system, time = inter["_customer"].to_numpy()[used], system[used], _seconds(inter["occurred_at"])[used]
    order = np.lexsort((time, system, customer))
    return customer[order], system[order], time[order]


def _records(context, config, rng):
    """Customer records (with duplicates) and non-customer records: customer (-1 for none),
    system, capture time and the duplicate flag."""
    use_customer, use_system, use_time = channel_uses(context, config)
    systems = codes_of(context.config).source_system
    key = use_customer * len(systems) + use_system
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    count = np.diff(np.r_[first, len(key)])
    customer, system, time = use_customer[first], use_system[first], use_time[first]
    dup_rate = np.array([config.rate(s, "duplicate") for s in systems])
    dup = rng.random(len(customer)) < dup_rate[system]
    # A duplicate is captured at one of the person's uses of the system (a second sign-up),
    # so it falls while the relationship is alive; a single use gives a double submission.
    pick = first[dup] + np.floor(rng.random(dup.sum()) * count[dup]).astype(np.int64)
    end = _seconds([context.to_timestamps([context.timeline.observed_end])[0]])[0] - 1
    dup_time = np.minimum(use_time[pick] + DOUBLE_SUBMISSION_GAP * (pick == first[dup]), end)
    counts = np.bincount(system, minlength=len(systems))
    strangers = rng.binomial(counts, [config.non_customer_rate(s) for s in systems])
    via = _introduced_by(rng, system, np.repeat(np.arange(len(systems)), strangers))
    stranger_time = np.minimum(time[via] + (rng.random(len(via)) * GUEST_WITHIN).astype(np.int64), end)
    none, n_strangers = np.full(len(customer) + dup.sum(), -1), len(via)
    return {
        "customer": np.r_[customer, customer[dup], np.full(n_strangers, -1)],
        "via": np.r_[none, customer[via]],
        "system": np.r_[system, system[dup], system[via]],
        "time": np.r_[time, dup_time, stranger_time],
        "duplicate": np.r_[np.zeros(len(customer), bool), np.ones(dup.sum(), bool), np.zeros(n_strangers, bool)],
    }


def _introduced_by(rng, system: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each non-customer record (by system), the customer record (index) it came with: a guest
    signs up beside the customer who brought them, a gift's recipient registers it. Drawn
    uniformly among the system's customer records, so a smaller world keeps its share."""
    by_system = np.argsort(system, kind="stable")
    start = np.searchsorted(system[by_system], wanted, "left")
    count = np.searchsorted(system[by_system], wanted, "right") - start
    return by_system[start + np.floor(rng.random(len(wanted)) * count).astype(np.int64)]


def _household_partner(last: np.ndarray, has_phone: np.ndarray) -> np.ndarray:
    """For each customer, another customer of the block with the same last name and a phone
    (the next one in name order), or -1 when there is none."""
    holders = np.flatnonzero(has_phone)
    holders = holders[np.argsort(last[holders], kind="stable")]
    names = last[holders]
    lo, hi = np.searchsorted(names, last, "left"), np.searchsorted(names, last, "right")
    rank = np.full(len(last), -1)
    rank[holders] = np.arange(len(holders))
    size = hi - lo
    step = np.where(has_phone, (rank - lo + 1) % np.maximum(size, 1), 0)
    partner = holders[np.minimum(lo + step, max(len(holders) - 1, 0))] if len(holders) else np.full(len(last), -1)
    return np.where(size - has_phone >= 1, partner, -1)


def _identities(context, rng, customer) -> dict[str, np.ndarray]:
    """The clean identity behind every record (object arrays, None = not known), and the
    household partner whose phone a record may carry."""
    c = context.frames["customers"]
    last = c["last_name"].to_numpy(dtype=str)
    phone = c["phone"].to_numpy(dtype=object)
    partner = _household_partner(last, pd.notna(phone))
    ids = {name: c[name].to_numpy(dtype=object) for name in FIELDS if name != "birth_year"}
    ids["birth_year"] = c["birth_year"].astype("float").to_numpy()
    strangers = np.flatnonzero(customer < 0)
    known = np.maximum(customer, 0)
    out = {k: v[known] for k, v in ids.items()}
    out["household_phone"] = np.where(partner[known] >= 0, phone[np.maximum(partner[known], 0)], None)
    for name, values in _strangers(context, rng, len(strangers)).items():
        out[name][strangers] = values
    out["household_phone"][strangers] = None
    return out


def _strangers(context, rng, n) -> dict[str, np.ndarray]:
    """Identities of people who left their details but never became customers."""
    geography = words_of(context.config).geography
    pools = name_pools(geography)
    first = pools.first_names[draw_index(rng, pools.first_weights, n)]
    last = pools.last_names[draw_index(rng, pools.last_weights, n)]
    number = rng.integers(*EMAIL_NUMBERS, n).astype(str)
    email = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    email = np.char.add(np.char.add(np.char.add(email, number), "@"), pools.email_domains[rng.integers(0, len(pools.email_domains), n)])
    phone = np.array(phone_numbers(rng, n, geography).to_pylist(), dtype=str)
    year = context.timeline.start.year - rng.integers(*STRANGER_AGES, n)
    return {"first_name": first.astype(object), "last_name": last.astype(object), "email": email.astype(object),
            "phone": phone.astype(object), "city": pools.cities[draw_index(rng, pools.city_weights, n)].astype(object),
            "birth_year": year.astype(float)}


def _keys(context, system) -> np.ndarray:
    """Each record's id in its own system: a prefix, then a number unique across blocks."""
    order = np.lexsort((np.arange(len(system)), system))
    starts = np.searchsorted(system[order], system[order], "left")
    seq = np.empty(len(system), dtype=np.int64)
    seq[order] = np.arange(len(system)) - starts + 1 + context.block.index * KEYS_PER_BLOCK
    prefix = np.array([context.config.sources.key_prefix(s) for s in codes_of(context.config).source_system])[system]
    return np.char.add(prefix, np.char.zfill(seq.astype(str), KEY_DIGITS))


def source_tables(context, config) -> dict[str, pd.DataFrame]:
    """``source_records`` (rows in capture order) and ``truth.source_links``.

    Columns out: source_record_id, source_system, source_key, captured_at, first_name,
    last_name, email, phone, city, birth_year; the truth adds customer_id (empty for
    people who never became customers) and one flag per defect applied.
    """
    rng = context.rng("source_records")
    rec = _records(context, config, rng)
    order = np.lexsort((rec["customer"], rec["system"], rec["time"]))
    rec = {k: v[order] for k, v in rec.items()}
    ids = _identities(context, rng, rec["customer"])
    systems = codes_of(context.config).source_system
    fields, flags = damage(context.rng("source_defects"), ids, rec["system"], config, systems)
    n = len(rec["time"])
    owner = np.where(rec["customer"] >= 0, rec["customer"], rec["via"])
    records = pd.DataFrame({
        "source_record_id": np.arange(n),
        "source_system": pd.Categorical.from_codes(rec["system"], dtype=category_dtype("source_system", {"source_system": systems})),
        "source_key": pd.array(pa.array(_keys(context, rec["system"]), pa.string()), dtype="str"), "captured_at": rec["time"].astype("datetime64[s]"),
        # Through Arrow: about twice as fast as letting pandas infer strings from objects.
        **{name: pd.array(pa.array(fields[name], pa.string(), from_pandas=True), dtype="str") for name in FIELDS if name != "birth_year"},
        "birth_year": pd.array(fields["birth_year"], dtype="Int64"), "_customer": owner,
    })
    links = pd.DataFrame({"source_record_id": np.arange(n), "customer_id": rec["customer"],
                          "via_customer_id": rec["via"],
                          "duplicate": rec["duplicate"], **flags, "_customer": owner})
    return {"source_records": records, "truth.source_links": links}
