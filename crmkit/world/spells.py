"""When each customer's relationship was alive, and whether an event fell inside it.

Read by the world's consistency checks (:mod:`crmkit.world.validate`) and by each
component's own checks in :mod:`crmkit.world.ops`.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["active_spells", "within_spells"]


def active_spells(phases: pd.DataFrame) -> pd.DataFrame:
    """Intervals when each customer's relationship was alive: from sign-up or win-back
    (an exploration phase) to the next dissolution (or open-ended)."""
    ph = phases.sort_values(["customer_id", "started_at"], kind="stable")
    starts = ph[(ph.phase == "exploration")]
    ends = ph[ph.phase == "dissolution"][["customer_id", "started_at"]].rename(columns={"started_at": "until"})
    spells = pd.merge_asof(starts.sort_values("started_at")[["customer_id", "started_at"]],
                           ends.sort_values("until"), left_on="started_at", right_on="until",
                           by="customer_id", direction="forward", allow_exact_matches=True)
    return spells.rename(columns={"started_at": "since"}).fillna({"until": pd.Timestamp("2262-01-01").as_unit("s")})


def within_spells(events: pd.DataFrame, time_col: str, spells: pd.DataFrame) -> pd.Series:
    """True where the event falls inside one of its customer's active spells."""
    e = events[["customer_id", time_col]].reset_index().sort_values(time_col)
    e["customer_id"] = e["customer_id"].astype("int64")
    s = spells.sort_values("since")
    s = s.assign(customer_id=s["customer_id"].astype("int64"))
    joined = pd.merge_asof(e, s, left_on=time_col, right_on="since", by="customer_id", direction="backward")
    ok = joined["since"].notna() & (joined[time_col] <= joined["until"])
    return pd.Series(ok.to_numpy(), index=joined["index"]).sort_index()
