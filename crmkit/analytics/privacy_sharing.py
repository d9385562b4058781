"""What a shared customer extract gives away, and what purchases reveal.

* :func:`consent_reach` counts the customers each recorded consent allows a company to contact.
* :func:`partner_extract` builds the table a company might hand to a partner: pseudonyms
  instead of ids, no names or contact details, a few descriptive columns and the spend.
* :func:`prepare_extract` generalises its quasi-identifiers once (birth year in bands, location
  as city, state or region) and :func:`anonymity_view` measures k-anonymity of one way of
  sharing it (the groups :func:`crmkit.analytics.k_anonymity` measures, found with numpy so a
  widget can redraw on every move).
* :func:`purchase_inference` shows how purchases reveal private circumstances: how well
  "bought a product of this category" picks out a hidden persona.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics.privacy import consent_columns, consented, generalise, pseudonymise
from crmkit.errors import ConfigError, describe_allowed

__all__ = ["BIRTH_BANDS", "LOCATIONS", "OTHER_QUASI_IDENTIFIERS", "consent_reach", "partner_extract",
           "prepare_extract", "AnonymityView", "anonymity_view", "purchase_inference"]

#: How the birth year can be shared: band width in years (0 = leave it out).
BIRTH_BANDS = {"exact year": 1, "5-year band": 5, "10-year band": 10, "20-year band": 20, "left out": 0}
LOCATIONS = ("city", "state", "region", "left out")
OTHER_QUASI_IDENTIFIERS = ("loyalty_tier", "acquisition_source", "signup_year")
SIZE_CLASSES = ((1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, np.inf))


def consent_reach(customers: pd.DataFrame) -> pd.DataFrame:
    """How many customers each recorded consent, and each pair of consents, lets a company contact.

    Returns
    -------
    DataFrame
        channels (one or two, joined by " and "), customers, share.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "email_opt_in": [True, True, False],
    ...                   "sms_opt_in": [True, False, False]})
    >>> consent_reach(c)["customers"].tolist()
    [2, 1, 1]
    """
    channels = list(consent_columns(customers))
    combos = [[c] for c in channels] + [[a, b] for i, a in enumerate(channels) for b in channels[i + 1:]]
    rows = [{"channels": " and ".join(combo), "customers": len(consented(customers, combo))} for combo in combos]
    table = pd.DataFrame(rows)
    return table.assign(share=table["customers"] / max(len(customers), 1))


def partner_extract(world, secret: str, as_of=None) -> pd.DataFrame:
    """The customer table a company might share with a partner: no names, emails, phones or ids.

    The customer id becomes a keyed pseudonym (``secret``, at least 16 characters); kept are
    birth_year, city, state, region, loyalty_tier, acquisition_source, signup_year, and the
    orders and spend up to ``as_of`` (default: the end of the observation window).
    """
    as_of = world.observed_until if as_of is None else pd.Timestamp(as_of)
    customers = world.customers
    orders = world.orders[world.orders["ordered_at"] < as_of + pd.Timedelta(days=1)]
    per_customer = orders.groupby("customer_id").agg(orders=("order_id", "size"), spend=("net_amount", "sum"))
    columns = ["birth_year", "city", "state", "region", "loyalty_tier", "acquisition_source"]
    extract = customers[["customer_id", *columns]].rename(columns={"customer_id": "customer"}).reset_index(drop=True)
    extract["signup_year"] = pd.to_datetime(customers["signup_date"]).dt.year.to_numpy()
    extract["orders"] = extract["customer"].map(per_customer["orders"]).fillna(0).astype("int64")
    extract["spend"] = extract["customer"].map(per_customer["spend"]).fillna(0.0).round(2)
    for column in ("region", "loyalty_tier", "acquisition_source"):
        extract[column] = extract[column].astype(str)
    return pseudonymise(extract, "customer", secret)


def prepare_extract(extract: pd.DataFrame) -> pd.DataFrame:
    """Every generalised form of the quasi-identifiers, computed once: ``birth_<width>`` columns
    for each band of :data:`BIRTH_BANDS` beside the original columns, and a ``code_<column>``
    of whole numbers for each column a view can share."""
    out = extract.copy()
    years = pd.to_numeric(extract["birth_year"], errors="coerce").astype(float)
    out["birth_1"] = years.map(lambda y: f"{y:.0f}", na_action="ignore").astype("str")  # the exact year, as text
    for width in sorted(set(BIRTH_BANDS.values()) - {0, 1}):
        out[f"birth_{width}"] = generalise(extract[["birth_year"]], bands={"birth_year": width})["birth_year"]
    # Each shareable column as whole-number codes (an empty value is a code of its own), so a
    # view groups the rows with numpy instead of comparing text.
    for column in [f"birth_{w}" for w in sorted(set(BIRTH_BANDS.values()) - {0})] + list(LOCATIONS[:-1]) + \
            list(OTHER_QUASI_IDENTIFIERS):
        out[f"code_{column}"] = pd.factorize(out[column], use_na_sentinel=False)[0].astype("int64")
    return out


@dataclass(frozen=True, eq=False)
class AnonymityView:
    """k-anonymity of one way of sharing the extract (see :func:`anonymity_view`).

    ``quasi_identifiers`` are the columns shared as they would be linked (e.g. ``birth_10``);
    ``k`` the smallest group; ``rows_at_risk`` the rows in groups smaller than ``target``;
    ``sizes`` how many rows sit in groups of each size; ``offending`` the small groups.
    """

    quasi_identifiers: tuple
    target: int
    k: int
    rows: int
    groups: int
    rows_at_risk: int
    sizes: pd.DataFrame
    offending: pd.DataFrame

    @property
    def share_at_risk(self) -> float:
        """Share of the rows in groups smaller than the target."""
        return self.rows_at_risk / max(self.rows, 1)

    def _repr_html_(self) -> str:
        shared = ", ".join(self.quasi_identifiers) or "nothing"
        return (f"<p>Sharing <b>{shared}</b>: k = {self.k}; {self.rows_at_risk:,} of {self.rows:,} rows "
                f"({self.share_at_risk:.0%}) sit in groups smaller than {self.target}.</p>")


def _columns(birth: str, location: str, others) -> tuple:
    if birth not in BIRTH_BANDS:
        raise ConfigError(f"birth = {birth!r}: {describe_allowed(BIRTH_BANDS)}")
    if location not in LOCATIONS:
        raise ConfigError(f"location = {location!r}: {describe_allowed(LOCATIONS)}")
    unknown = [c for c in others if c not in OTHER_QUASI_IDENTIFIERS]
    if unknown:
        raise ConfigError(f"others: {unknown[0]!r} is not offered; {describe_allowed(OTHER_QUASI_IDENTIFIERS)}")
    width = BIRTH_BANDS[birth]
    columns = ([f"birth_{width}"] if width else []) + ([location] if location != "left out" else [])
    return tuple(columns + [c for c in OTHER_QUASI_IDENTIFIERS if c in others])


def anonymity_view(prepared: pd.DataFrame, birth: str = "exact year", location: str = "city", others=(),
                   target: int = 5) -> AnonymityView:
    """k-anonymity of the extract shared with ``birth`` (a key of :data:`BIRTH_BANDS`),
    ``location`` (one of :data:`LOCATIONS`) and ``others`` (from
    :data:`OTHER_QUASI_IDENTIFIERS`) as quasi-identifiers; ``prepared`` from :func:`prepare_extract`."""
    columns = _columns(birth, location, others)
    # One number per combination of the shared columns' codes: rows with the same number
    # share every quasi-identifier (the groups crmkit.analytics.k_anonymity measures).
    key = np.zeros(len(prepared), dtype="int64")
    for column in columns:
        codes = prepared[f"code_{column}"].to_numpy()
        key = key * (int(codes.max()) + 1) + codes
    _, group, counts = np.unique(key, return_inverse=True, return_counts=True)
    lows = np.array([low for low, _ in SIZE_CLASSES])
    rows = np.bincount(np.searchsorted(lows, counts, side="right") - 1, weights=counts, minlength=len(lows))
    labels = [f"{low}" if low == high else (f"{low}+" if high == np.inf else f"{low}-{high}")
              for low, high in SIZE_CLASSES]
    table = pd.DataFrame({"group_size": labels, "rows": rows.astype("int64"), "low": lows})
    small = counts[group] < target
    offending = (prepared.loc[small, list(columns)].assign(rows=counts[group][small])
                 .drop_duplicates(list(columns)).sort_values("rows", kind="stable", ignore_index=True))
    return AnonymityView(columns, int(target), int(counts.min()), len(prepared), len(counts), int(small.sum()),
                         table, offending)


def purchase_inference(world, category: str, persona: str, min_share: float = 0.0) -> pd.Series:
    """How well buying from ``category`` picks out customers of a hidden ``persona`` (from the truth).

    A customer counts as a buyer of the category when its share of their spend (order
    lines at list price) is above ``min_share`` (0: any purchase from it).

    Returns a Series: buyers, persona_customers, precision (share of the buyers who are of
    the persona), recall (share of the persona's customers among the buyers) and base_rate
    (the persona's share of all customers).
    """
    truth = world.truth.customers[["customer_id", "persona"]]
    if persona not in set(truth["persona"]):
        raise ConfigError(f"persona = {persona!r}: {describe_allowed(sorted(set(truth['persona'])))}")
    categories = world.products.set_index("product_id")["category"].astype(str)
    if category not in set(categories):
        raise ConfigError(f"category = {category!r}: {describe_allowed(sorted(set(categories)))}")
    if not 0 <= min_share < 1:
        raise ConfigError(f"min_share = {min_share!r}: must be from 0 to below 1")
    lines = world.order_items[["order_id", "product_id", "line_amount"]].merge(
        world.orders[["order_id", "customer_id"]], on="order_id")
    in_category = lines["product_id"].map(categories).eq(category)
    spend = lines.groupby("customer_id")["line_amount"].sum()
    share = lines[in_category].groupby("customer_id")["line_amount"].sum().reindex(spend.index, fill_value=0.0) / spend
    buyers = set(share.index[share > min_share])
    of_persona = set(truth.loc[truth["persona"] == persona, "customer_id"])
    hits = len(buyers & of_persona)
    return pd.Series({"buyers": float(len(buyers)), "persona_customers": float(len(of_persona)),
                      "precision": hits / max(len(buyers), 1), "recall": hits / max(len(of_persona), 1),
                      "base_rate": len(of_persona) / max(len(truth), 1)},
                     name=f"{category} -> {persona}" + (f" (over {min_share:.0%} of spend)" if min_share else ""))
