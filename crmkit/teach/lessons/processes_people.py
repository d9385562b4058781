"""Exercise of lesson 03 on the people side of the CRM life cycle: first-contact resolution of
the service cases of CRM-trained and untrained agents (``staff_training`` joined to ``cases``).
Imported into :mod:`crmkit.teach.lessons.processes`."""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.staff_training import cases_by_training
from crmkit.teach import Exercise, Mistake

__all__ = ["TRAINING_FCR"]


def _cases(w) -> pd.DataFrame:
    return cases_by_training(w.cases, w.tables["staff_training"])


def _by_training(values: pd.Series, trained: pd.Series, how: str = "mean") -> pd.Series:
    result = values.groupby(trained.rename("trained_on_crm")).agg(how)
    return result.rename("first_contact_resolution").astype(float)


def fcr_by_training(w) -> pd.Series:
    cases = _cases(w)
    return _by_training(cases["first_contact_resolution"], cases["trained_on_crm"])


def _per_agent(w) -> pd.Series:
    """Each agent's share first, then the mean over agents: every agent weighs the same."""
    cases = _cases(w)
    agents = cases.groupby("owner_staff_id").agg(share=("first_contact_resolution", "mean"), trained=("trained_on_crm", "first"))
    return _by_training(agents["share"], agents["trained"])


def _every_case(w) -> pd.Series:
    """The share over all cases, the same for both groups (the training not joined at all)."""
    share = float(w.cases["first_contact_resolution"].mean())
    return pd.Series([share, share], index=pd.Index([False, True], name="trained_on_crm"))


TRAINING_FCR = Exercise(
    "first_contact_by_training",
    "People, not just IT: `staff_training` says which employees took the CRM training "
    "(`trained_on_crm`). Join it to the service `cases` their agents own (`owner_staff_id` is the "
    "`staff_id`) and give the **share of cases solved at the first contact** "
    "(`first_contact_resolution`) for trained and untrained agents: a Series indexed by "
    "`trained_on_crm` (False, True).",
    reference=fcr_by_training,
    rtol=1e-3, atol=1e-3,
    mistakes=[
        Mistake("case_count", "You counted the cases solved at the first contact; the question asks for the share of "
                "each group's cases: take the mean of first_contact_resolution, not its sum.",
                answer=lambda w: (lambda c: _by_training(c["first_contact_resolution"], c["trained_on_crm"], "sum"))(_cases(w))),
        Mistake("not_solved", "You gave the share of cases NOT solved at the first contact; the question asks for the "
                "share solved (first_contact_resolution True).", answer=lambda w: 1 - fcr_by_training(w)),
        Mistake("per_agent", "You averaged the agents' own shares, so an agent with few cases weighs as much as a busy "
                "one. The question asks for the share of the group's cases: pool the cases first.", answer=_per_agent),
        Mistake("no_join", "Both groups got the same share: the training was not joined to the cases. Merge "
                "staff_training on cases.owner_staff_id = staff_id, then group by trained_on_crm.", answer=_every_case),
    ],
    hint="cases.merge(staff_training, left_on='owner_staff_id', right_on='staff_id'), then a groupby.")
