"""Lead management: the lead funnel, conversion by source, and each lead's status on a date.

:func:`conversion_funnel` counts how far leads got, :func:`conversion_by_source` which
sources bring leads that convert, and :func:`lead_status_as_of` what the CRM knew about each
lead on a day (the cut-off of the lead score in :mod:`crmkit.analytics.lead_scoring`).
"""

from __future__ import annotations

__all__ = ["conversion_funnel", "conversion_by_source", "lead_status_as_of"]

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError, describe_allowed
from crmkit.world.vocabulary import terms

FUNNEL_STEPS = ("new", "working", "qualified", "converted")


def conversion_funnel(leads: pd.DataFrame, lead_history: pd.DataFrame, steps=FUNNEL_STEPS) -> pd.DataFrame:
    """How many leads ever reached each step of the lead process.

    Reads ``leads`` (``lead_id``) and ``lead_history`` (``lead_id``, ``to_status``); ``steps``
    are the statuses of the funnel in order (default new, working, qualified, converted).

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``leads`` (leads that ever reached it), ``share_of_leads``
        and ``share_of_previous`` (of the leads at the step before).

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3, 4]})
    >>> history = pd.DataFrame({"lead_id": [1, 1, 1, 2, 2, 3, 4],
    ...     "to_status": ["new", "working", "converted", "new", "working", "new", "new"]})
    >>> conversion_funnel(leads, history, steps=["new", "working", "converted"])["leads"].tolist()
    [4, 2, 1]
    """
    require_columns(leads, ["lead_id"], "leads")
    require_columns(lead_history, ["lead_id", "to_status"], "lead_history")
    unknown = sorted(set(steps) - set(terms("lead_status")))
    if unknown:
        raise DataError(f"steps: {unknown[0]!r} is not a lead status; {describe_allowed(terms('lead_status'))}")
    known = lead_history[lead_history.lead_id.isin(leads.lead_id)]
    reached = known.groupby(known.to_status.astype(str)).lead_id.nunique()
    funnel = pd.DataFrame({"step": list(steps)})
    funnel["leads"] = funnel.step.map(reached).fillna(0).astype(int)
    funnel["share_of_leads"] = funnel.leads / max(len(leads), 1)
    funnel["share_of_previous"] = funnel.leads / funnel.leads.shift(1)
    return funnel


def conversion_by_source(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads, conversions, conversion rate and days to convert for each lead source.

    Parameters
    ----------
    leads : DataFrame
        The ``leads`` table (columns ``lead_source``, ``status``, ``created_at``,
        ``converted_at``).

    Returns
    -------
    DataFrame
        One row per source with leads: ``lead_source``, ``leads``, ``converted``,
        ``conversion_rate``, ``median_days_to_convert``; best converting first.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_source": ["web_form", "web_form", "referral"],
    ...     "status": ["converted", "unqualified", "converted"],
    ...     "created_at": pd.to_datetime(["2024-01-01"] * 3),
    ...     "converted_at": pd.to_datetime(["2024-01-11", None, "2024-01-03"])})
    >>> conversion_by_source(leads)[["lead_source", "conversion_rate"]].values.tolist()
    [['referral', 1.0], ['web_form', 0.5]]
    """
    require_columns(leads, ["lead_source", "status", "created_at", "converted_at"], "leads")
    table = leads.assign(converted=leads.status.astype(str).eq("converted"),
                         days=(leads.converted_at - leads.created_at).dt.total_seconds() / 86_400)
    out = table.groupby(table.lead_source.astype(str)).agg(
        leads=("converted", "size"), converted=("converted", "sum"), median_days_to_convert=("days", "median"))
    out["conversion_rate"] = out.converted / out.leads
    out = out.reset_index()[["lead_source", "leads", "converted", "conversion_rate", "median_days_to_convert"]]
    return out.sort_values("conversion_rate", ascending=False, ignore_index=True)


def lead_status_as_of(lead_history: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each lead's status just before the moment ``as_of`` (leads created later are left out).

    Returns ``lead_id`` and ``status``; reads ``lead_id``, ``to_status``, ``changed_at``.

    >>> history = pd.DataFrame({"lead_id": [1, 1], "to_status": ["new", "converted"],
    ...     "changed_at": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    >>> lead_status_as_of(history, "2024-01-15").status.tolist()
    ['new']
    """
    require_columns(lead_history, ["lead_id", "to_status", "changed_at"], "lead_history")
    before = lead_history[lead_history.changed_at < pd.Timestamp(as_of)]
    last = before.sort_values("changed_at", kind="stable").groupby("lead_id").tail(1)
    return last[["lead_id"]].assign(status=last.to_status.astype(str).values).reset_index(drop=True)


