"""Exercises of the lesson on privacy and ethics (notebooks/11_privacy_and_ethics.ipynb).

Consent (who may be contacted through two channels), k-anonymity (the rows of a shared
extract that could be singled out) and inference (what buying lunch boxes says about a
customer, checked against the hidden personas).
"""

from __future__ import annotations

import pandas as pd

from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES", "QUASI_IDENTIFIERS", "INFERENCE"]


# --- consent ----------------------------------------------------------------------------------------------


def _consent(w, column: str):
    return w.customers[column].fillna(False).astype(bool)


BOTH_CONSENTS = Exercise(
    "email_and_sms_reach",
    "Consent: a campaign sends a marketing email *and* a text message to each customer it selects. **How many "
    "customers may receive it**, by the consents the `customers` table records (`email_opt_in`, `sms_opt_in`)?",
    reference=lambda w: int((_consent(w, "email_opt_in") & _consent(w, "sms_opt_in")).sum()),
    mistakes=[
        Mistake("either", "You counted customers with either consent. Each one gets both messages, so both "
                "consents are needed (& not |).",
                answer=lambda w: int((_consent(w, "email_opt_in") | _consent(w, "sms_opt_in")).sum())),
        Mistake("email_only", "You counted the email consent only; the text message needs sms_opt_in as well.",
                answer=lambda w: int(_consent(w, "email_opt_in").sum())),
        Mistake("refused", "You counted the customers who gave neither consent: they are exactly the ones who "
                "must not be contacted.",
                answer=lambda w: int((~_consent(w, "email_opt_in") & ~_consent(w, "sms_opt_in")).sum())),
        Mistake("share", "You gave a share; the question asks how many customers.",
                answer=lambda w: float((_consent(w, "email_opt_in") & _consent(w, "sms_opt_in")).mean())),
    ])


# --- k-anonymity -------------------------------------------------------------------------------------------

#: The quasi-identifiers of the rows-at-risk exercise, and the k wanted.
QUASI_IDENTIFIERS = ["birth_year", "state"]
K = 5


def _group_sizes(w, dropna: bool = False) -> pd.Series:
    return w.customers.groupby(QUASI_IDENTIFIERS, dropna=dropna, observed=True).size()


def rows_at_risk(w, dropna: bool = False, at_most: bool = False) -> int:
    sizes = _group_sizes(w, dropna)
    small = sizes <= K if at_most else sizes < K
    return int(sizes[small].sum())


ROWS_AT_RISK = Exercise(
    "rows_at_risk",
    f"k-anonymity: an extract of the customers is to be shared with the exact **birth_year and state** of each. "
    f"**How many rows sit in a group of fewer than {K} rows** with the same birth year and state? A missing birth "
    "year is a value like any other (those customers form groups too).",
    reference=rows_at_risk,
    mistakes=[
        Mistake("missing_dropped", "pandas' groupby leaves out rows whose key is missing, so the customers without "
                "a birth year vanished from your count. Use groupby(..., dropna=False).",
                answer=lambda w: rows_at_risk(w, dropna=True)),
        Mistake("groups_not_rows", f"You counted the small groups; the question asks for the rows in them: sum the "
                f"sizes of the groups smaller than {K}.", answer=lambda w: int((_group_sizes(w) < K).sum())),
        Mistake("at_most_k", f"A group of exactly {K} rows already meets k = {K}: count the groups *smaller* than "
                f"{K} (<, not <=).", answer=lambda w: rows_at_risk(w, at_most=True)),
        Mistake("unique_only", "You counted only the rows that are unique (groups of 1). Rows in groups of 2 to "
                f"{K - 1} can be singled out too, with a little more knowledge.",
                answer=lambda w: int((_group_sizes(w) == 1).sum())),
    ])


# --- inference: what purchases reveal ----------------------------------------------------------------------

#: (product category, hidden persona) of the inference exercise.
INFERENCE = ("lunch_on_the_go", "busy_family")


def _lunch_lines(w) -> pd.DataFrame:
    category = w.products.set_index("product_id")["category"].astype(str)
    lines = w.order_items[w.order_items["product_id"].map(category) == INFERENCE[0]]
    return lines.merge(w.orders[["order_id", "customer_id"]], on="order_id")


def _is_family(w, ids) -> pd.Series:
    persona = w.truth.customers.set_index("customer_id")["persona"].astype(str)
    return persona.reindex(ids).eq(INFERENCE[1])


def inference_precision(w) -> float:
    buyers = _lunch_lines(w)["customer_id"].unique()
    return float(_is_family(w, buyers).mean())


def _inference_recall(w) -> float:
    persona = w.truth.customers.set_index("customer_id")["persona"].astype(str)
    families = persona.index[persona == INFERENCE[1]]
    return float(families.isin(_lunch_lines(w)["customer_id"]).mean())


INFERENCE_PRECISION = Exercise(
    "lunch_box_inference",
    f"What purchases reveal: a CRM could guess that whoever buys from the category **{INFERENCE[0]}** has "
    f"school-age children. Check the guess against the hidden truth: of the customers who bought at least one "
    f"{INFERENCE[0]} product, **what share are truly of the persona `{INFERENCE[1]}`** "
    "(`world.truth.customers.persona`)?",
    reference=inference_precision,
    uses_truth=True,
    mistakes=[
        Mistake("recall", f"You gave the share of {INFERENCE[1]} customers who bought lunch products. The question "
                f"starts from the buyers: of them, how many are {INFERENCE[1]}?", answer=_inference_recall),
        Mistake("base_rate", f"That is the share of {INFERENCE[1]} among all customers, whatever they bought: keep "
                f"the buyers of {INFERENCE[0]} first.",
                answer=lambda w: float(w.truth.customers["persona"].astype(str).eq(INFERENCE[1]).mean())),
        Mistake("order_lines", "You took the share of the order lines, so a customer who bought ten lunch boxes "
                "counts ten times. Count each buyer once (.unique()).",
                answer=lambda w: float(_is_family(w, _lunch_lines(w)["customer_id"]).mean())),
        Mistake("count", "You counted the buyers who are of that persona; the question asks for their share of "
                "the buyers.", answer=lambda w: float(_is_family(w, _lunch_lines(w)["customer_id"].unique()).sum())),
    ])


EXERCISES = [BOTH_CONSENTS, ROWS_AT_RISK, INFERENCE_PRECISION]
