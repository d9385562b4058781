"""The CRM crosswalk: the kit's lead statuses and deal stages in Salesforce, HubSpot and SuiteCRM.

A stage's probability is a convention of each system, not a fact about deals: the same deal
weighs 60 % in the kit, 75 % in Salesforce and 65 % in SuiteCRM. The data sit in
``crmkit/world/data/crm_crosswalk.yaml`` with the source of each system's defaults.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from crmkit import _yaml
from crmkit.world.vocabulary import terms


@cache
def _raw() -> dict:
    return _yaml.safe_load(files("crmkit.world.data").joinpath("crm_crosswalk.yaml").read_text(encoding="utf-8"))


def crosswalk() -> pd.DataFrame:
    """The crosswalk as one long table.

    Returns
    -------
    DataFrame
        Columns ``object`` (lead_status or opportunity_stage), ``system``, ``label`` (the
        system's default label), ``probability_pct`` (stages only, empty for statuses),
        ``crmkit`` (the canonical term it corresponds to), ``note``, ``source_url`` and
        ``confirmed`` (how the system's defaults were checked).

    Examples
    --------
    >>> cw = crosswalk()
    >>> cw[(cw.system == "hubspot") & (cw.crmkit == "negotiation")].label.tolist()
    ['Contract sent']
    """
    raw = _raw()
    rows = [{"object": obj, "note": "", **row} for obj in ("opportunity_stage", "lead_status") for row in raw[obj]]
    df = pd.DataFrame(rows)
    systems = raw["systems"]
    df["source_url"] = df.system.map(lambda s: systems[s]["source_url"])
    df["confirmed"] = df.system.map(lambda s: " ".join(systems[s]["confirmed"].split()))
    df["probability_pct"] = df["probability_pct"].astype("Int64")
    return df[["object", "system", "label", "probability_pct", "crmkit", "note", "source_url", "confirmed"]]


@cache
def stage_probabilities() -> np.ndarray:
    """The kit's canonical probability (0 to 1) of each opportunity stage, in vocabulary order.

    >>> stage_probabilities().tolist()
    [0.1, 0.25, 0.4, 0.6, 0.8, 1.0, 0.0]
    """
    kit = {r["label"]: r["probability_pct"] / 100 for r in _raw()["opportunity_stage"] if r["system"] == "crmkit"}
    return np.array([kit[stage] for stage in terms("opportunity_stage")])


def crosswalk_markdown() -> str:
    """The crosswalk as a Markdown section (for the data dictionary page)."""
    cw = crosswalk()
    lines = ["## CRM crosswalk", "",
             "The kit's canonical lead statuses and deal stages, with the default labels and stage",
             "probabilities (percent) of Salesforce, HubSpot and SuiteCRM. Probabilities are conventions.", ""]
    for system, group in cw.groupby("system", sort=False):
        lines.append(f"- **{system}**: {group.confirmed.iloc[0]} Source: {group.source_url.iloc[0] or 'this kit'}")
    lines += ["", "| object | system | label | probability % | crmkit term | note |", "|---|---|---|---|---|---|"]
    for r in cw.itertuples():
        pct = "" if pd.isna(r.probability_pct) else str(r.probability_pct)
        lines.append(f"| {r.object} | {r.system} | {r.label} | {pct} | `{r.crmkit}` | {r.note} |")
    return "\n".join(lines) + "\n"
