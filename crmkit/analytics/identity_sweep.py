"""Identity resolution as the source systems get messier: the defect sweep.

The same world is simulated again with every source system's defect rates scaled up or
down, resolved, and graded against the true links, so a lesson can show how quickly a
careful fuzzy match and a plain email match fall apart as data quality drops.
"""

from __future__ import annotations

__all__ = ["scaled_systems", "defect_sweep"]

import pandas as pd

from crmkit.analytics.identity import exact_email_links, resolve_identities
from crmkit.analytics.identity_quality import match_quality, true_entities
from crmkit.errors import DataError
from crmkit.world.cases import DEFAULT_CASE
from crmkit.world.ops.sources_defects import EXCLUSIVE


def scaled_systems(config, scale: float) -> dict:
    """Every source system's settings with its defect rates times ``scale`` (capped at 1,
    and shrunk together where defects of one field would add up to more than 1).
    Duplicates and non-customer records are kept as they are: they are who is in the
    data, not how badly it was typed."""
    systems = {}
    for name, system in config.sources.systems.items():
        rates = {d: (r if d == "duplicate" else min(r * scale, 1.0)) for d, r in system.defects.items()}
        for group in EXCLUSIVE.values():
            total = sum(rates.get(d, 0.0) for d in group)
            if total > 1:
                rates.update({d: rates[d] / total for d in group if d in rates})
        systems[name] = {"non_customer_rate": system.non_customer_rate, "defects": rates}
    return systems


def defect_sweep(case=DEFAULT_CASE, customers: int = 2000, seed: int = 1, rates=(0.5, 1.0, 2.0, 3.0),
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
                            sources__systems=scaled_systems(config, scale))
        records, truth = world.tables["source_records"], true_entities(world.truth["source_links"])
        for method, links in (("fuzzy", resolve_identities(records, threshold)),
                              ("exact_email", exact_email_links(records))):
            quality = match_quality(links, truth)
            rows.append({"defect_scale": float(scale), "method": method, "records": len(records),
                         **quality[["precision", "recall", "f1"]].to_dict()})
    return pd.DataFrame(rows)
