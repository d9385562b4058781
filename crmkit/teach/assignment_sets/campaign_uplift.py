"""Checks of ``campaign-uplift``: uplift against the control group, return on investment, attribution.

The questions are the campaign lesson's (:mod:`crmkit.teach.lessons.campaigns`), references
computed with :func:`crmkit.analytics.campaign_uplift`, :func:`~crmkit.analytics.campaign_results`
and :func:`~crmkit.analytics.attribution` on the student's own world.
"""

from __future__ import annotations

from crmkit.teach.lessons.campaigns import ATTRIBUTION, ROI, UPLIFT

__all__ = ["EXERCISES"]

EXERCISES = (UPLIFT, ROI, ATTRIBUTION)
