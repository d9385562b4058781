"""Checks of ``service-nps``: service levels, complaints, NPS and what a bad complaint costs.

The questions are the service lesson's (:mod:`crmkit.teach.lessons.service`) and the
Net Promoter Score of the processes lesson (:mod:`crmkit.teach.lessons.processes`), references
computed on the student's own world (:func:`crmkit.analytics.retention_after_orders` for the gap).
"""

from __future__ import annotations

from crmkit.teach.lessons.processes import NPS
from crmkit.teach.lessons.service import COMPLAINT_RATE, RETENTION_GAP, WITHIN_TARGET

__all__ = ["EXERCISES"]

EXERCISES = (WITHIN_TARGET, COMPLAINT_RATE, NPS, RETENTION_GAP)
