"""Checks of ``retention-economics``: the world's retention, cohorts, and what five points are worth.

The questions are the Payne and life-cycle lessons' (:mod:`crmkit.teach.lessons.payne`,
:mod:`crmkit.teach.lessons.lifecycle`), references computed on the student's own world with
:func:`crmkit.analytics.cohort_retention`, :func:`~crmkit.analytics.simple_clv` and
:func:`~crmkit.analytics.retention_economics`.
"""

from __future__ import annotations

from crmkit.teach.lessons.lifecycle import CLV, COHORT, FIVE_POINTS
from crmkit.teach.lessons.payne import RETENTION

__all__ = ["EXERCISES"]

EXERCISES = (RETENTION, COHORT, CLV, FIVE_POINTS)
