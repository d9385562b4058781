"""Identity resolution: which source records are the same person, and a customer master.

Every source system (web shop, tills, call centre, product registration, event sheets)
keeps its own record of a person, with typos, nicknames, old emails and missing fields.
Resolving identities takes four steps, each a small function here:

1. **normalise** the fields (case, accents, spaces, phone punctuation);
2. **block**: only compare records that share a cheap key (same email, same phone, same
   name, or same name start in the same city), instead of every pair;
3. **score** each candidate pair with string similarity (rapidfuzz) and keep the pairs
   whose score reaches a threshold;
4. **cluster** the matched pairs into entities (connected components: if A matches B and
   B matches C, all three are one person).

``match_quality`` scores the result against the true links, pair by pair.
"""

from __future__ import annotations

__all__ = ["FIELD_WEIGHTS", "normalise_records", "candidate_pairs", "score_pairs", "resolve_identities",
           "exact_email_links", "customer_master", "true_entities", "match_quality", "defect_sweep"]

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "city", "birth_year")
# How much each field's agreement counts in a pair's score. Names and email carry most of
# the evidence; a phone can be a household's, a city is shared by many people.
FIELD_WEIGHTS = {"name": 0.4, "email": 0.3, "phone": 0.15, "city": 0.1, "birth_year": 0.05}
_MAX_BLOCK = 200  # a block larger than this is too vague a key to be worth its pairs


def _clean_text(values: pd.Series) -> pd.Series:
    """Lower case, accents and punctuation removed, single spaces; empty becomes missing."""
    # Names and cities repeat a lot: clean each distinct value once, then map back.
    codes, uniques = pd.factorize(values.astype("str"))
    text = pd.Series(uniques, dtype="string").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.astype("string").str.lower().str.replace(r"[^a-z0-9 ]+", " ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    cleaned = np.append(text.mask(text == "").astype("str").to_numpy(dtype=object), np.nan)
    return pd.Series(cleaned[codes], index=values.index, dtype="str")


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
    out = pd.DataFrame({"source_record_id": records["source_record_id"].to_numpy()})
    first, last = _clean_text(records["first_name"]), _clean_text(records["last_name"])
    out["first_name"], out["last_name"] = first.to_numpy(), last.to_numpy()
    low, high = np.minimum(first.fillna(""), last.fillna("")), np.maximum(first.fillna(""), last.fillna(""))
    out["full_name"] = (low + " " + high).str.strip().to_numpy()
    email = records["email"].astype("string").str.lower().str.replace(r"\s+", "", regex=True)
    out["email"] = email.mask(email == "").astype("str").to_numpy()
    phone = records["phone"].astype("string").str.replace(r"\D", "", regex=True).str[-10:]
    out["phone"] = phone.mask(phone.str.len() < 7).astype("str").to_numpy()
    out["city"] = _clean_text(records["city"]).to_numpy()
    out["birth_year"] = pd.to_numeric(records["birth_year"], errors="coerce").astype(float).to_numpy()
    return out


def _blocking_keys(norm: pd.DataFrame) -> pd.DataFrame:
    """(row, key) pairs: each record's cheap keys, several per record."""
    row = pd.Series(np.arange(len(norm)))
    city = norm["city"].fillna("?")
    keys = [
        "e:" + norm["email"],                                   # same address
        "p:" + norm["phone"],                                   # same phone
        "n:" + norm["full_name"],                               # same name, any order
        "c:" + norm["first_name"].str[:4] + "|" + city,         # name start in the same city:
        "c:" + norm["last_name"].str[:4] + "|" + city,          # catches typos and swaps
    ]
    frames = [pd.DataFrame({"row": row, "key": k}) for k in keys]
    table = pd.concat(frames, ignore_index=True).dropna()
    return table.drop_duplicates()


def candidate_pairs(norm: pd.DataFrame) -> pd.DataFrame:
    """Pairs of records worth comparing: those that share at least one blocking key.

    Parameters
    ----------
    norm : DataFrame
        The output of :func:`normalise_records`.

    Returns
    -------
    DataFrame
        Columns ``left`` and ``right``: row positions in ``norm`` (left < right), each
        pair once. Keys shared by more than 200 records are skipped as too vague.

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2, 3], "first_name": ["Ann", "ANN", "Bob"],
    ...                     "last_name": ["Lee", "lee", "Ray"], "email": [None, None, None],
    ...                     "phone": [None, None, None], "city": ["Oslo", None, "Rome"], "birth_year": [None] * 3})
    >>> candidate_pairs(normalise_records(raw)).values.tolist()
    [[0, 1]]
    """
    keys = _blocking_keys(norm)
    size = keys.groupby("key")["row"].transform("size")
    keys = keys[(size > 1) & (size <= _MAX_BLOCK)]
    pairs = keys.merge(keys, on="key", suffixes=("_l", "_r"))
    pairs = pairs.loc[pairs["row_l"] < pairs["row_r"], ["row_l", "row_r"]].drop_duplicates()
    pairs.columns = ["left", "right"]
    return pairs.sort_values(["left", "right"], ignore_index=True)


def _similarity(a: pd.Series, b: pd.Series, scorer) -> np.ndarray:
    """Pairwise similarity 0..1 of two aligned columns; NaN where either side is missing."""
    both = (a.notna() & b.notna()).to_numpy()
    out = np.full(len(a), np.nan)
    if both.any():
        left, right = a[both].tolist(), b[both].tolist()
        out[both] = process.cpdist(left, right, scorer=scorer, workers=1) / 100
    return out


def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """1 where two aligned columns agree, 0 where they differ, NaN where either is missing."""
    missing = (a.isna() | b.isna()).to_numpy()
    same = (a == b).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return np.where(missing, np.nan, same.astype(float))


def score_pairs(norm: pd.DataFrame, pairs: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Similarity of each candidate pair, field by field, and a weighted score (0 to 100).

    Names are compared with rapidfuzz's ``token_sort_ratio`` (word order does not matter,
    a typo costs a little), emails with ``ratio``; phone, city and birth year must be equal.
    A field missing on either side does not count: the score is the weighted mean of the
    fields both records have, so a sparse record is judged on what it shows.

    Parameters
    ----------
    norm : DataFrame
        The output of :func:`normalise_records`.
    pairs : DataFrame
        Columns ``left`` and ``right`` (row positions in ``norm``), e.g. from
        :func:`candidate_pairs`.
    weights : dict, optional
        Weight of each field (keys of ``FIELD_WEIGHTS``); default ``FIELD_WEIGHTS``.

    Returns
    -------
    DataFrame
        ``pairs`` with the source_record_id of each side (``record_left``,
        ``record_right``), one similarity column per field (0..1, NaN when missing) and
        ``score`` (0..100).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2], "first_name": ["Ann", "Lee"],
    ...                     "last_name": ["Lee", "Anne"], "email": ["ann@x.org", "ann@x.org"],
    ...                     "phone": [None, "555 0101"], "city": ["Oslo", "Oslo"], "birth_year": [None, 1980]})
    >>> norm = normalise_records(raw)
    >>> round(float(score_pairs(norm, candidate_pairs(norm))["score"].iloc[0]), 1)
    96.7
    """
    weights = dict(FIELD_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(FIELD_WEIGHTS))
    if unknown:
        raise DataError(f"weights: unknown field {unknown[0]!r}; allowed: {', '.join(FIELD_WEIGHTS)}")
    left = norm.iloc[pairs["left"].to_numpy()].reset_index(drop=True)
    right = norm.iloc[pairs["right"].to_numpy()].reset_index(drop=True)
    out = pairs.reset_index(drop=True).assign(record_left=left["source_record_id"],
                                              record_right=right["source_record_id"])
    sims = {"name": _similarity(left["full_name"], right["full_name"], fuzz.token_sort_ratio),
            "email": _similarity(left["email"], right["email"], fuzz.ratio),
            **{field: _equal(left[field], right[field]) for field in ("phone", "city", "birth_year")}}
    total, weight = np.zeros(len(out)), np.zeros(len(out))
    for field, sim in sims.items():
        out[field] = sim
        w = weights.get(field, 0.0) * ~np.isnan(sim)
        total += w * np.nan_to_num(sim)
        weight += w
    out["score"] = 100 * np.divide(total, weight, out=np.zeros(len(out)), where=weight > 0)
    return out


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Entity number (0..) of each of ``n`` items joined by the edges left-right."""
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def resolve_identities(source_records: pd.DataFrame, threshold: float = 85.0,
                       weights: dict | None = None) -> pd.DataFrame:
    """Group source records into entities (people), by blocking, scoring and clustering.

    Parameters
    ----------
    source_records : DataFrame
        The ``source_records`` table (columns source_record_id, first_name, last_name,
        email, phone, city, birth_year).
    threshold : float, default 85
        Pairs scoring at least this much (0 to 100, see :func:`score_pairs`) are the
        same person. Higher: fewer false merges, more missed links.
    weights : dict, optional
        Field weights of the score (default ``FIELD_WEIGHTS``).

    Returns
    -------
    DataFrame
        Columns ``source_record_id`` and ``entity_id`` (0, 1, ... numbered by each
        entity's first record), one row per record, in the input's order.

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [10, 11, 12], "first_name": ["Ann", "ANN", "Bob"],
    ...                     "last_name": ["Lee", "Lee ", "Ray"], "email": ["ann@x.org", None, "bob@y.org"],
    ...                     "phone": ["555-0101", "5550101", None], "city": ["Oslo"] * 3, "birth_year": [None] * 3})
    >>> resolve_identities(raw)["entity_id"].tolist()
    [0, 0, 1]
    """
    if not 0 <= threshold <= 100:
        raise DataError(f"threshold = {threshold!r}: must be between 0 and 100")
    norm = normalise_records(source_records)
    scored = score_pairs(norm, candidate_pairs(norm), weights)
    match = scored[scored["score"] >= threshold]
    labels = _components(len(norm), match["left"].to_numpy(), match["right"].to_numpy())
    # Numbered by first appearance, so entity ids read in record order.
    return pd.DataFrame({"source_record_id": norm["source_record_id"], "entity_id": pd.factorize(labels)[0]})


def exact_email_links(source_records: pd.DataFrame) -> pd.DataFrame:
    """The naive baseline: records are the same person only when their normalised emails are equal.

    Returns the same columns as :func:`resolve_identities`; a record without an email is
    a person of its own.

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2, 3], "first_name": ["A"] * 3, "last_name": ["B"] * 3,
    ...                     "email": ["a@x.org", "A@x.org ", None], "phone": [None] * 3,
    ...                     "city": [None] * 3, "birth_year": [None] * 3})
    >>> exact_email_links(raw)["entity_id"].tolist()
    [0, 0, 1]
    """
    norm = normalise_records(source_records)
    key = norm["email"].fillna("#" + norm["source_record_id"].astype(str))
    return pd.DataFrame({"source_record_id": norm["source_record_id"],
                         "entity_id": pd.factorize(key)[0].astype(np.int64)})


def _joined_systems(norm: pd.DataFrame) -> pd.Series:
    """The systems holding each entity's records, sorted and comma-separated."""
    systems = np.array(sorted(norm["source_system"].unique()))
    flag = 2 ** np.searchsorted(systems, norm["source_system"].to_numpy())
    pairs = pd.DataFrame({"entity_id": norm["entity_id"], "flag": flag}).drop_duplicates()
    held = pairs.groupby("entity_id")["flag"].sum()  # distinct powers of two: the sum is the set
    # At most 2**systems different masks: name each once.
    names = {mask: ", ".join(systems[[bool(mask >> i & 1) for i in range(len(systems))]]) for mask in held.unique()}
    return held.map(names)


def _best_value(norm: pd.DataFrame, field: str) -> pd.Series:
    """Each entity's most frequent value of ``field`` (ties: the latest captured)."""
    groups = norm.dropna(subset=[field]).groupby(["entity_id", field])
    votes = pd.DataFrame({"n": groups.size(), "latest": groups["captured_at"].max()}).reset_index()
    votes = votes.sort_values(["entity_id", "n", "latest"], ascending=[True, False, False])
    return votes.drop_duplicates("entity_id").set_index("entity_id")[field]


def customer_master(source_records: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One clean row per entity: the best value of each field and the records behind it.

    The best value is the one most of the entity's records agree on (after
    normalisation); a tie goes to the most recently captured. Names are shown in title case.

    Parameters
    ----------
    source_records : DataFrame
        ``source_records`` (source_record_id, source_system, captured_at and the identity fields).
    links : DataFrame
        Columns source_record_id and entity_id, e.g. from :func:`resolve_identities`.

    Returns
    -------
    DataFrame
        One row per entity_id: first_name, last_name, email, phone (digits), city,
        birth_year, records (how many), systems (comma-separated), first_captured_at and
        source_record_ids (a list).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2, 3], "source_system": ["web_shop", "call_centre", "web_shop"],
    ...                     "captured_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                     "first_name": ["ann", "Ann", "ANN"], "last_name": ["Lee", "Lee", "Lea"],
    ...                     "email": ["a@x.org", None, "a@x.org"], "phone": [None, "555-0101", None],
    ...                     "city": ["Oslo", "Oslo", None], "birth_year": [None, 1980, None]})
    >>> master = customer_master(raw, pd.DataFrame({"source_record_id": [1, 2, 3], "entity_id": [0, 0, 0]}))
    >>> master.loc[0, ["first_name", "last_name", "phone", "systems"]].tolist()
    ['Ann', 'Lee', '5550101', 'call_centre, web_shop']
    """
    require_columns(source_records, ("source_system", "captured_at"), "source_records")
    require_columns(links, ("source_record_id", "entity_id"), "links")
    norm = normalise_records(source_records)
    norm["captured_at"] = source_records["captured_at"].to_numpy()
    norm["source_system"] = source_records["source_system"].astype(str).to_numpy()
    norm = norm.merge(links[["source_record_id", "entity_id"]], on="source_record_id", how="inner")
    norm = norm.sort_values(["entity_id", "source_record_id"], ignore_index=True)
    groups = norm.groupby("entity_id")
    master = pd.DataFrame({"records": groups.size(), "first_captured_at": groups["captured_at"].min()})
    master["systems"] = _joined_systems(norm)
    # One split of the sorted ids instead of a Python call per entity.
    master["source_record_ids"] = [list(ids) for ids in np.split(norm["source_record_id"].to_numpy(),
                                                                 np.cumsum(master["records"].to_numpy())[:-1])]
    for field in IDENTITY_FIELDS:
        master[field] = _best_value(norm, field)
    for name in ("first_name", "last_name", "city"):
        master[name] = master[name].str.title()
    master["birth_year"] = master["birth_year"].astype("Int64")
    columns = ["first_name", "last_name", "email", "phone", "city", "birth_year", "records", "systems",
               "first_captured_at", "source_record_ids"]
    return master[columns].reset_index()


def true_entities(source_links: pd.DataFrame) -> pd.DataFrame:
    """The true entity of each source record, from ``truth.source_links``.

    A record of a customer belongs to that customer (entity_id = customer_id); a record of
    someone who never became a customer is a person of its own (entity_id = minus one
    minus its source_record_id, so it never collides with a customer id).

    Examples
    --------
    >>> links = pd.DataFrame({"source_record_id": [0, 1, 2], "customer_id": pd.array([7, None, 7], dtype="Int64")})
    >>> true_entities(links)["entity_id"].tolist()
    [7, -2, 7]
    """
    require_columns(source_links, ("source_record_id", "customer_id"), "truth.source_links")
    customer = source_links["customer_id"].astype("Int64")
    stranger = -1 - source_links["source_record_id"].astype("int64")
    return pd.DataFrame({"source_record_id": source_links["source_record_id"].to_numpy(),
                         "entity_id": customer.fillna(stranger).astype("int64").to_numpy()})


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def match_quality(links: pd.DataFrame, truth_links: pd.DataFrame) -> pd.Series:
    """Pairwise precision, recall and F1 of an identity resolution against the truth.

    Every pair of records put in the same entity is a *predicted* link; every pair that
    belongs to the same true person is a *true* link. Precision = share of predicted links
    that are true (how often a merge is right); recall = share of true links found (how
    many duplicates were caught); F1 = their harmonic mean.

    Parameters
    ----------
    links : DataFrame
        Columns source_record_id and entity_id (e.g. :func:`resolve_identities`).
    truth_links : DataFrame
        ``truth.source_links`` (source_record_id, customer_id) or :func:`true_entities`.

    Returns
    -------
    Series
        precision, recall, f1, predicted_pairs, true_pairs, correct_pairs.

    Examples
    --------
    >>> truth = pd.DataFrame({"source_record_id": [1, 2, 3, 4], "customer_id": [1, 1, 1, 2]})
    >>> found = pd.DataFrame({"source_record_id": [1, 2, 3, 4], "entity_id": [0, 0, 1, 1]})
    >>> match_quality(found, truth)[["precision", "recall"]].round(3).tolist()
    [0.5, 0.333]
    """
    require_columns(links, ("source_record_id", "entity_id"), "links")
    truth = truth_links if "entity_id" in truth_links else true_entities(truth_links)
    both = links[["source_record_id", "entity_id"]].merge(
        truth[["source_record_id", "entity_id"]], on="source_record_id", suffixes=("", "_true"))
    if len(both) != len(links):
        raise DataError(f"links: {len(links) - len(both)} source_record_id values have no truth row")
    predicted = _pairs(both.groupby("entity_id").size())
    true = _pairs(both.groupby("entity_id_true").size())
    correct = _pairs(both.groupby(["entity_id", "entity_id_true"]).size())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.Series({"precision": precision, "recall": recall, "f1": f1, "predicted_pairs": predicted,
                      "true_pairs": true, "correct_pairs": correct}, name="match_quality")


def _scaled_systems(config, scale: float) -> dict:
    """Every source system's settings with its defect rates times ``scale`` (capped at 1,
    and shrunk together where defects of one field would add up to more than 1).
    Duplicates and non-customer records are kept as they are: they are who is in the
    data, not how badly it was typed."""
    from crmkit.world.ops.sources import EXCLUSIVE

    systems = {}
    for name, system in config.sources.systems.items():
        rates = {d: (r if d == "duplicate" else min(r * scale, 1.0)) for d, r in system.defects.items()}
        for group in EXCLUSIVE.values():
            total = sum(rates.get(d, 0.0) for d in group)
            if total > 1:
                rates.update({d: rates[d] / total for d in group if d in rates})
        systems[name] = {"non_customer_rate": system.non_customer_rate, "defects": rates}
    return systems


def defect_sweep(case="pschse", customers: int = 2000, seed: int = 1, rates=(0.5, 1.0, 2.0, 3.0),
                 threshold: float = 85.0) -> pd.DataFrame:
    """Identity-resolution quality as the source systems get messier.

    Simulates one small world per defect scale (the case's defect rates times the
    scale: 0.5 halves every typo, missing field and old email; 2 doubles them), resolves
    its records with :func:`resolve_identities` and with the exact-email baseline, and
    scores both with :func:`match_quality`.

    Parameters
    ----------
    case : str or WorldConfig, default "pschse"
        A case with ``sources`` configured.
    customers, seed : int
        Size and seed of each world (the same for every scale).
    rates : sequence of float
        Defect scales to try (0 or more).
    threshold : float, default 85
        Match threshold of :func:`resolve_identities`.

    Returns
    -------
    DataFrame
        One row per scale and method (``"fuzzy"`` or ``"exact_email"``): defect_scale,
        method, records, precision, recall, f1.
    """
    import crmkit as ck

    config = ck.load_config(case)
    if config.sources is None:
        raise DataError(f"case {config.name!r} has no sources section: no source records to resolve")
    if any(r < 0 for r in rates):
        raise DataError(f"rates = {list(rates)!r}: defect scales must be 0 or more")
    rows = []
    for scale in rates:
        world = ck.simulate(config, customers=customers, seed=seed, progress=False,
                            sources__systems=_scaled_systems(config, scale))
        records, truth = world.tables["source_records"], true_entities(world.truth["source_links"])
        for method, links in (("fuzzy", resolve_identities(records, threshold)),
                              ("exact_email", exact_email_links(records))):
            quality = match_quality(links, truth)
            rows.append({"defect_scale": float(scale), "method": method, "records": len(records),
                         **quality[["precision", "recall", "f1"]].to_dict()})
    return pd.DataFrame(rows)
