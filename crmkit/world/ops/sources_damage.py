"""Damaging clean identities at each source system's defect rates, all records at once.

Each defect is drawn independently for every record that could show it (a nickname only
for names that have one, a household phone only where another customer of the same last
name has a phone...), so its rate among those records is the configured one. Defects of
the same field exclude each other (see ``sources_defects.EXCLUSIVE``) and share one draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.ops.sources_defects import EXCLUSIVE, digits_only, has_nickname, nickname, shout_or_pad, typo
from crmkit.world.parameters import parameter
from crmkit.world.vocabulary import terms

TYPO_ON_FIRST = parameter("sources", "name_typo_on_first_share")

OLD_DOMAINS = np.array(["oldmail.example.net", "isp.example.org", "post.example.com"])  # none is a current domain


def rate_matrix(config, system: np.ndarray, systems) -> np.ndarray:
    """Rate of every defect (columns, vocabulary order) for every record's system (rows: codes
    of the world's own ``systems``)."""
    table = np.array([[config.rate(s, d) for d in terms("source_defect")] for s in systems])
    return table[system]


def _exclusive(u, rates, col, names, eligible):
    """Which of a field's mutually exclusive defects each record gets (one uniform per record)."""
    out, low = {}, np.zeros(len(u))
    for name in names:
        high = low + rates[:, col[name]]
        out[name] = eligible[name] & (u >= low) & (u < high)
        low = high
    return out


def _old_email(rng, first, last) -> np.ndarray:
    """An address the person used years ago: initial, last name, two digits, another domain."""
    digits, domain = rng.integers(0, 100, len(first)), rng.integers(0, len(OLD_DOMAINS), len(first))
    if not len(first):  # numpy's string padding fails on an empty array (a block may draw no such record)
        return np.array([], dtype=str)
    local = np.char.add(np.char.lower(np.char.ljust(first, 1).astype("<U1")), np.char.lower(last))
    local = np.char.add(local, np.char.zfill(digits.astype(str), 2))
    return np.char.add(np.char.add(local, "@"), OLD_DOMAINS[domain])


def _names(rng, ids, hit, flags):
    first, last = ids["first_name"].astype(str), ids["last_name"].astype(str)
    flags["nickname"] = has_nickname(first) & hit("nickname")
    first = np.where(flags["nickname"], nickname(first), first).astype(str)
    flags["name_typo"] = hit("name_typo")
    on_first = rng.random(len(first)) < TYPO_ON_FIRST
    for target, mask in ((first, flags["name_typo"] & on_first), (last, flags["name_typo"] & ~on_first)):
        target[mask] = typo(rng, target[mask])
    flags["swapped_names"] = hit("swapped_names")
    first, last = np.where(flags["swapped_names"], last, first), np.where(flags["swapped_names"], first, last)
    flags["case_whitespace"] = hit("case_whitespace")
    first[flags["case_whitespace"]] = shout_or_pad(rng, first[flags["case_whitespace"]])
    last[flags["case_whitespace"]] = shout_or_pad(rng, last[flags["case_whitespace"]])
    return first.astype(object), last.astype(object)


def damage(rng, ids: dict, system: np.ndarray, config, systems) -> tuple[dict, dict]:
    """Return the damaged identity fields and one boolean array per defect applied.

    ``ids`` holds object arrays first_name, last_name, email, phone, city (None = unknown),
    a float birth_year (NaN = unknown) and household_phone (a same-name customer's phone).
    """
    n, defects = len(system), terms("source_defect")
    col = {d: i for i, d in enumerate(defects)}
    rates = rate_matrix(config, system, systems)
    u = rng.random((n, len(defects)))

    def hit(name):
        return u[:, col[name]] < rates[:, col[name]]

    flags: dict[str, np.ndarray] = {}
    out = dict(ids)
    out["first_name"], out["last_name"] = _names(rng, ids, hit, flags)
    has_email = pd.notna(ids["email"])
    flags.update(_exclusive(u[:, col["missing_email"]], rates, col, EXCLUSIVE["email"],
                            dict.fromkeys(EXCLUSIVE["email"], has_email)))
    email = ids["email"].copy()
    old = flags["outdated_email"]
    email[old] = _old_email(rng, ids["first_name"][old].astype(str), ids["last_name"][old].astype(str))
    email[flags["email_typo"]] = typo(rng, email[flags["email_typo"]].astype(str))
    email[flags["missing_email"]] = None
    flags.update(_exclusive(u[:, col["missing_phone"]], rates, col, EXCLUSIVE["phone"],
                            {"missing_phone": pd.notna(ids["phone"]), "shared_phone": pd.notna(ids["household_phone"])}))
    phone = np.where(flags["shared_phone"], ids["household_phone"], ids["phone"])
    phone[flags["missing_phone"]] = None
    flags["phone_format"] = pd.notna(phone) & hit("phone_format")
    phone[flags["phone_format"]] = digits_only(phone[flags["phone_format"]].astype(str))
    out["email"], out["phone"] = email, phone
    flags["missing_birth_year"] = ~np.isnan(ids["birth_year"]) & hit("missing_birth_year")
    out["birth_year"] = np.where(flags["missing_birth_year"], np.nan, ids["birth_year"])
    flags["missing_city"] = pd.notna(ids["city"]) & hit("missing_city")
    out["city"] = np.where(flags["missing_city"], None, ids["city"])
    return out, flags
