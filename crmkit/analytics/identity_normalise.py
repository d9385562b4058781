"""Step 1 of identity resolution: comparable identity fields (case, accents, spaces, phone digits).

Used by :mod:`crmkit.analytics.identity` (importable from there too) and by the customer
master (:mod:`crmkit.analytics.identity_master`).
"""

from __future__ import annotations

__all__ = ["IDENTITY_FIELDS", "normalise_records"]

import pandas as pd

from crmkit.analytics._checks import require_columns

IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "city", "birth_year")


def _clean_text(values: pd.Series) -> pd.Series:
    """Lower case, accents and punctuation removed, single spaces; empty becomes missing."""
    # Names and cities repeat a lot: clean each distinct value once, then map back.
    codes, uniques = pd.factorize(values.astype("str"))
    text = pd.Series(uniques, dtype="string").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.astype("string").str.lower().str.replace(r"[^a-z0-9 ]+", " ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    return pd.Series(text.mask(text == "").astype("str").array.take(codes, allow_fill=True))


def _clean_email(values: pd.Series) -> pd.Series:
    """Lower case, no white space at all; empty becomes missing."""
    email = values.astype("str").str.lower().reset_index(drop=True)
    # Removing Python's \s (any Unicode space) runs in Python, value by value: only do it
    # where a value has a character outside printable ASCII, the only place a space can be.
    odd = email.str.contains(r"[^!-~]", regex=True).to_numpy(dtype=bool)
    if odd.any():
        email[odd] = email[odd].str.replace(r"\s+", "", regex=True)
    return email.mask(email == "")


def normalise_records(records: pd.DataFrame) -> pd.DataFrame:
    """Comparable identity fields: lower case, no accents or stray spaces, phone digits.

    Parameters
    ----------
    records : DataFrame
        ``source_records`` (columns source_record_id, first_name, last_name, email,
        phone, city, birth_year).

    Returns
    -------
    DataFrame
        One row per record, same order: source_record_id, first_name, last_name,
        full_name (first and last, sorted, so swapped names agree), email, phone (the last
        ten digits), city, birth_year (float, NaN when missing).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1], "first_name": [" JOSÉ "], "last_name": ["Smith"],
    ...                     "email": [" Jose.Smith@Example.com"], "phone": ["(201) 555-0123"],
    ...                     "city": ["Lake  Ann"], "birth_year": [None]})
    >>> normalise_records(raw).loc[0, ["full_name", "email", "phone", "city"]].tolist()
    ['jose smith', 'jose.smith@example.com', '2015550123', 'lake ann']
    """
    require_columns(records, ("source_record_id", *IDENTITY_FIELDS), "source_records")
    first, last = _clean_text(records["first_name"]), _clean_text(records["last_name"])
    first_or_blank, last_or_blank = first.fillna(""), last.fillna("")
    in_order = first_or_blank <= last_or_blank
    full_name = first_or_blank.where(in_order, last_or_blank) + " " + last_or_blank.where(in_order, first_or_blank)
    phone = records["phone"].astype("string").str.replace(r"\D", "", regex=True).str[-10:]
    return pd.DataFrame({
        "source_record_id": records["source_record_id"].to_numpy(),
        "first_name": first.array, "last_name": last.array, "full_name": full_name.str.strip().array,
        "email": _clean_email(records["email"]).array,
        "phone": phone.mask(phone.str.len() < 7).astype("str").to_numpy(),
        "city": _clean_text(records["city"]).array,
        "birth_year": pd.to_numeric(records["birth_year"], errors="coerce").astype(float).to_numpy(),
    })
