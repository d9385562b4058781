"""Privacy by design: consent-aware selection, keyed pseudonyms, and k-anonymity of an extract.

* **Consent**: the ``customers`` table records a marketing consent per channel
  (``email_opt_in``, ``sms_opt_in``, ``mail_opt_in``). ``consented`` keeps only the
  customers who gave the consent a use needs; nothing here assumes a consent the table
  does not record (it has no separate consent to profiling: a lesson that profiles
  customers must say which recorded consent it takes as permission).
* **Pseudonyms**: ``pseudonymise`` replaces identifiers with an HMAC-SHA256 of the value
  under a secret key: the same value always gets the same pseudonym (so tables still
  join), but without the key nobody can recompute it from a guessed email.
* **k-anonymity**: in a shared extract, every combination of quasi-identifiers (birth
  year, city, ...) should be shared by at least k people, or someone who knows those
  facts about a person can find their row. ``k_anonymity`` measures it, ``generalise``
  coarsens values (bands, prefixes) and ``suppress_small_groups`` drops the rest.
"""

from __future__ import annotations

__all__ = ["consent_columns", "consented", "pseudonymise", "KAnonymity", "k_anonymity", "generalise",
           "suppress_small_groups"]

import hashlib
import hmac
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.errors import DataError

CONSENT_SUFFIX = "_opt_in"


def consent_columns(customers: pd.DataFrame) -> dict[str, str]:
    """The consents a customers table records: channel name -> column.

    Raises a DataError when there is none, rather than guessing.

    Examples
    --------
    >>> consent_columns(pd.DataFrame({"customer_id": [1], "email_opt_in": [True], "sms_opt_in": [False]}))
    {'email': 'email_opt_in', 'sms': 'sms_opt_in'}
    """
    found = {c.removesuffix(CONSENT_SUFFIX): c for c in customers.columns if str(c).endswith(CONSENT_SUFFIX)}
    if not found:
        raise DataError(f"customers: no consent column (a name ending in {CONSENT_SUFFIX!r}); without a "
                        "recorded consent nobody may be selected, so record consent first")
    return found


def consented(customers: pd.DataFrame, channels=("email",), how: str = "all") -> pd.DataFrame:
    """Only the customers who gave the consent a use needs.

    Parameters
    ----------
    customers : DataFrame
        ``customers`` with its consent columns (``<channel>_opt_in``, true or false).
    channels : str or sequence of str, default ("email",)
        Channels whose consent is needed, e.g. ``"email"`` or ``["email", "sms"]``.
    how : {"all", "any"}, default "all"
        Whether every listed consent is needed or one of them is enough.

    Returns
    -------
    DataFrame
        The rows of ``customers`` with the consent (same columns, original index). An
        empty consent value counts as no consent.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "email_opt_in": [True, False, True],
    ...                           "sms_opt_in": [False, True, True]})
    >>> consented(customers, "email")["customer_id"].tolist()
    [1, 3]
    >>> consented(customers, ["email", "sms"], how="any")["customer_id"].tolist()
    [1, 2, 3]
    """
    available = consent_columns(customers)
    channels = [channels] if isinstance(channels, str) else list(channels)
    unknown = [c for c in channels if c not in available]
    if unknown or not channels:
        raise DataError(f"channels = {channels!r}: the customers table records consent for "
                        f"{', '.join(repr(c) for c in available)} only")
    if how not in ("all", "any"):
        raise DataError(f"how = {how!r}: allowed are 'all', 'any'")
    given = customers[[available[c] for c in channels]].fillna(False).astype(bool)
    keep = given.all(axis=1) if how == "all" else given.any(axis=1)
    return customers[keep]


def _key(secret) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < 16:
        raise DataError(f"secret: {len(key)} bytes is too short to keep pseudonyms safe; use at least 16 "
                        "(e.g. secrets.token_hex(16)) and keep it out of the shared data")
    return key


def pseudonymise(df: pd.DataFrame, columns, secret, length: int = 16) -> pd.DataFrame:
    """Replace identifying columns by keyed pseudonyms (HMAC-SHA256 under ``secret``).

    The same value and key always give the same pseudonym, so pseudonymised tables still
    join on it; a different key gives different pseudonyms; and without the key a
    pseudonym cannot be recomputed from a guessed value (a plain hash could: anyone can
    hash every email address they know). Normalise values first (e.g. lower-case emails)
    if spellings of one value should share a pseudonym. Empty values stay empty.

    Parameters
    ----------
    df : DataFrame
        Any table.
    columns : str or sequence of str
        Columns to replace.
    secret : str or bytes
        The key (at least 16 bytes); whoever holds it can link pseudonyms to people again.
    length : int, default 16
        Hex characters kept of the 64 of the digest (16 = 64 bits: collisions are
        negligible for millions of values).

    Returns
    -------
    DataFrame
        A copy of ``df`` with those columns as pseudonym strings.

    Examples
    --------
    >>> df = pd.DataFrame({"email": ["ann@example.com", "ann@example.com", None], "spend": [1, 2, 3]})
    >>> out = pseudonymise(df, "email", secret="course-secret-key-2025", length=8)
    >>> out["email"].tolist()
    ['c1b72fbe', 'c1b72fbe', nan]
    """
    key = _key(secret)
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"columns: {missing[0]!r} is not a column of the table")
    if not isinstance(length, (int, np.integer)) or not 8 <= length <= 64:
        raise DataError(f"length = {length!r}: must be a whole number from 8 to 64")
    out = df.copy()
    for column in columns:
        values = out[column]
        # One HMAC per distinct value (hashlib has no vectorised form), mapped back to the rows.
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        digests = np.array([hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
                            for v in uniques] + [np.nan], dtype=object)
        out[column] = pd.Series(digests[codes], index=out.index, dtype="str")
    return out


@dataclass(frozen=True)
class KAnonymity:
    """The result of :func:`k_anonymity`.

    Attributes
    ----------
    k : int
        Size of the smallest group of rows that share their quasi-identifiers: the
        extract is k-anonymous for this k (0 for an empty extract).
    target : int
        The k asked for.
    offending : DataFrame
        The groups smaller than ``target``: the quasi-identifiers and ``rows``.
    """

    k: int
    target: int
    offending: pd.DataFrame

    @property
    def is_anonymous(self) -> bool:
        """True when every group has at least ``target`` rows."""
        return self.offending.empty

    @property
    def rows_at_risk(self) -> int:
        """Rows in the offending groups."""
        return int(self.offending["rows"].sum())


def _group_sizes(extract: pd.DataFrame, quasi_identifiers) -> pd.DataFrame:
    missing = [c for c in quasi_identifiers if c not in extract.columns]
    if missing or not quasi_identifiers:
        raise DataError(f"quasi_identifiers = {list(quasi_identifiers)!r}: each must be a column of the extract")
    sizes = extract.groupby(list(quasi_identifiers), dropna=False, observed=True).size()
    return sizes.rename("rows").reset_index()


def k_anonymity(extract: pd.DataFrame, quasi_identifiers, target: int = 5) -> KAnonymity:
    """How anonymous an extract is: the smallest group sharing the same quasi-identifiers.

    Parameters
    ----------
    extract : DataFrame
        The table to be shared.
    quasi_identifiers : sequence of str
        Columns someone could know about a person from elsewhere (birth year, city,
        postcode, gender...). An empty value is a value like any other.
    target : int, default 5
        The k wanted: groups smaller than this are reported.

    Returns
    -------
    KAnonymity
        ``k`` (smallest group size), ``offending`` groups (quasi-identifiers and rows,
        smallest first), ``is_anonymous`` and ``rows_at_risk``.

    Examples
    --------
    >>> extract = pd.DataFrame({"birth_year": [1980, 1980, 1980, 1975], "city": ["Oslo", "Oslo", "Oslo", "Rome"]})
    >>> result = k_anonymity(extract, ["birth_year", "city"], target=2)
    >>> result.k, result.is_anonymous, result.offending.values.tolist()
    (1, False, [[1975, 'Rome', 1]])
    """
    quasi_identifiers = [quasi_identifiers] if isinstance(quasi_identifiers, str) else list(quasi_identifiers)
    if not isinstance(target, (int, np.integer)) or target < 1:
        raise DataError(f"target = {target!r}: must be a whole number of at least 1")
    sizes = _group_sizes(extract, quasi_identifiers)
    smallest = int(sizes["rows"].min()) if len(sizes) else 0
    offending = sizes[sizes["rows"] < target].sort_values("rows", kind="stable", ignore_index=True)
    return KAnonymity(smallest, int(target), offending)


def generalise(extract: pd.DataFrame, bands: dict | None = None, prefixes: dict | None = None) -> pd.DataFrame:
    """Coarsen quasi-identifiers so that more people share each value.

    Parameters
    ----------
    extract : DataFrame
        The table to be shared.
    bands : dict of column -> width, optional
        Numbers replaced by the band they fall in, e.g. ``{"birth_year": 10}`` turns 1983
        into ``"1980-1989"``.
    prefixes : dict of column -> characters, optional
        Text cut to its first characters, e.g. ``{"postcode": 3}`` turns ``"02139"`` into
        ``"021*"``.

    Returns
    -------
    DataFrame
        A copy with those columns as text (empty values stay empty).

    Examples
    --------
    >>> extract = pd.DataFrame({"birth_year": [1983, 1979, None], "city": ["Lake Ann", "Lakeview", "Oslo"]})
    >>> generalise(extract, bands={"birth_year": 10}, prefixes={"city": 4}).values.tolist()
    [['1980-1989', 'Lake*'], ['1970-1979', 'Lake*'], [nan, 'Oslo*']]
    """
    out = extract.copy()
    for column, width in (bands or {}).items():
        if column not in out.columns or not width or width <= 0:
            raise DataError(f"bands: {column!r} = {width!r}: needs a column of the extract and a positive width")
        values = pd.to_numeric(out[column], errors="coerce").astype(float)
        low = np.floor(values / width) * width
        labels = low.map(lambda v: f"{v:.0f}-{v + width - 1:.0f}", na_action="ignore")
        out[column] = labels.astype("str")
    for column, keep in (prefixes or {}).items():
        if column not in out.columns or not isinstance(keep, int) or keep < 1:
            raise DataError(f"prefixes: {column!r} = {keep!r}: needs a column of the extract "
                            "and a length of at least 1")
        text = out[column].astype("str")
        out[column] = text.str[:keep] + "*"
    return out


def suppress_small_groups(extract: pd.DataFrame, quasi_identifiers, k: int = 5) -> pd.DataFrame:
    """Drop the rows whose quasi-identifier combination fewer than ``k`` rows share.

    Examples
    --------
    >>> extract = pd.DataFrame({"band": ["1980-1989"] * 3 + ["1940-1949"], "spend": [1, 2, 3, 4]})
    >>> suppress_small_groups(extract, ["band"], k=2)["spend"].tolist()
    [1, 2, 3]
    """
    quasi_identifiers = [quasi_identifiers] if isinstance(quasi_identifiers, str) else list(quasi_identifiers)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise DataError(f"k = {k!r}: must be a whole number of at least 1")
    _group_sizes(extract, quasi_identifiers)  # checks the columns
    size = extract.groupby(quasi_identifiers, dropna=False, observed=True)[quasi_identifiers[0]].transform("size")
    return extract[size.to_numpy() >= k]
