"""Choosing a class of CRM product from a world's size and complexity, and rolling it out in stages.

The course says there are many CRM products and the choice depends on the company's complexity
and resources, and that CRM is brought in neither as one system at once nor off the shelf.
:func:`world_profile` counts what a product would have to carry (customers, users, channels,
source systems, front-office records a day); :func:`choose_product_class` reads the kit's rule
table (``crmkit/frameworks/data/crm_product_classes.yaml``, a teaching simplification, not a
market survey) and says which limits each smaller class breaks; :func:`rollout_order` orders
the source systems into roll-out stages.
"""

from __future__ import annotations

__all__ = ["product_classes", "world_profile", "choose_product_class", "rollout_order"]

from functools import cache
from importlib.resources import files

import pandas as pd
import yaml

from crmkit.analytics.crm_scope import office_tables
from crmkit.errors import DataError

_FILE = "crm_product_classes.yaml"
_WHERE = f"crmkit/frameworks/data/{_FILE}"


@cache
def _raw() -> dict:
    raw = yaml.safe_load(files("crmkit.frameworks.data").joinpath(_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("dimensions"), dict) or not isinstance(raw.get("classes"), list):
        raise DataError(f"{_WHERE}: expected a mapping with 'dimensions' and a list 'classes'")
    for entry in raw["classes"]:
        unknown = sorted(set(entry.get("limits") or {}) - set(raw["dimensions"]))
        if unknown:
            raise DataError(f"{_WHERE}: class {entry.get('key')!r} limits {unknown[0]!r}, which is not a dimension; "
                            f"dimensions: {', '.join(raw['dimensions'])}")
    return raw


def product_classes() -> pd.DataFrame:
    """The rule table: one row per class of product, smallest first, one column per dimension
    (its upper limit; empty: no limit).

    >>> product_classes().index.tolist()
    ['spreadsheet_and_email', 'small_business_saas', 'enterprise_suite']
    """
    raw = _raw()
    rows = {entry["key"]: {"name": entry["name"], **{d: (entry.get("limits") or {}).get(d) for d in raw["dimensions"]}}
            for entry in raw["classes"]}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("product_class")
    return table.astype({d: "Float64" for d in raw["dimensions"]})


def world_profile(tables: dict, as_of) -> pd.Series:
    """What a CRM product would have to carry for this world.

    ``customers`` (rows of ``customers``), ``users`` (rows of ``staff``), ``channels``
    (interaction channels with at least one contact), ``source_systems`` (source systems that
    captured at least one record) and ``records_per_day`` (rows of the front-office tables,
    :func:`crmkit.analytics.crm_scope.office_tables`, per calendar day from the first sign-up
    to ``as_of``, both days counted).

    Examples
    --------
    >>> tables = {"customers": pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01"] * 2)}),
    ...           "staff": pd.DataFrame({"staff_id": [1]}),
    ...           "interactions": pd.DataFrame({"channel": pd.Categorical(["web", "web"], categories=["web", "mail"])}),
    ...           "source_records": pd.DataFrame({"source_system": ["web_shop"]})}
    >>> world_profile(tables, "2024-01-02").tolist()
    [2.0, 1.0, 1.0, 1.0, 1.5]
    """
    customers = tables["customers"]
    days = (pd.Timestamp(as_of).normalize() - customers["signup_date"].min().normalize()).days + 1
    front_rows = sum(len(tables[name]) for name in office_tables("front") if name in tables)
    return pd.Series({
        "customers": float(len(customers)),
        "users": float(len(tables["staff"])),
        "channels": float(tables["interactions"]["channel"].astype(str).nunique()),
        "source_systems": float(tables["source_records"]["source_system"].astype(str).nunique()),
        "records_per_day": front_rows / days,
    }, name="profile")


def choose_product_class(profile: pd.Series) -> pd.DataFrame:
    """Which class of product fits a profile, by the kit's rule table.

    A class fits when the profile stays within every one of its limits (a product must carry
    the whole company, not its easiest dimension); the choice is the first class that fits.

    Parameters
    ----------
    profile : Series
        One figure per dimension of the rule table, as :func:`world_profile` gives it.

    Returns
    -------
    DataFrame
        One row per class, smallest first: ``fits`` (bool), ``breaks`` (the dimensions over
        its limits, what would have to be built around it) and ``chosen`` (the first class
        that fits).

    Examples
    --------
    >>> profile = pd.Series({"customers": 3000, "users": 20, "channels": 8, "source_systems": 2, "records_per_day": 90})
    >>> choose_product_class(profile)[["fits", "breaks", "chosen"]].values.tolist()[1:]
    [[False, 'channels', False], [True, '', True]]
    """
    classes = product_classes()
    missing = sorted(set(classes.columns.drop("name")) - set(profile.index))
    if missing:
        raise DataError(f"profile has no figure for {missing[0]!r}; give one for each of: "
                        f"{', '.join(classes.columns.drop('name'))}")
    breaks = [[d for d in classes.columns.drop("name") if pd.notna(row[d]) and float(profile[d]) > float(row[d])]
              for _, row in classes.iterrows()]
    result = pd.DataFrame({"name": classes["name"], "fits": [not b for b in breaks],
                           "breaks": [", ".join(b) for b in breaks]}, index=classes.index)
    result["chosen"] = result.index == result.index[result["fits"].to_numpy().argmax()]
    return result


def rollout_order(source_records: pd.DataFrame) -> pd.DataFrame:
    """The source systems as roll-out stages, the one that captured most person records first.

    The kit's rule for a staged roll-out (the course: never one system at once): each stage
    brings the next-largest share of the company's person records into the one customer view,
    so the first stage pays off soonest. Systems that captured nothing are no stage. The share
    of records without an email is shown beside, for planning each stage's data cleaning.

    Returns
    -------
    DataFrame
        ``source_system``, ``records``, ``share``, ``missing_email`` and ``stage`` (1 = first).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_system": ["web_shop", "call_centre", "web_shop"], "email": ["a@x", None, "b@x"]})
    >>> rollout_order(raw)[["source_system", "stage"]].values.tolist()
    [['web_shop', 1], ['call_centre', 2]]
    """
    grouped = source_records.assign(system=source_records["source_system"].astype(str)).groupby("system")
    stages = grouped.agg(records=("email", "size"), missing_email=("email", lambda e: float(e.isna().mean())))
    stages = stages.sort_values("records", ascending=False, kind="stable").rename_axis("source_system").reset_index()
    stages.insert(2, "share", stages["records"] / stages["records"].sum())
    stages["stage"] = range(1, len(stages) + 1)
    return stages
