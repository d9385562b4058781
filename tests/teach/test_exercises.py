"""Exercises and checks on real worlds: right answers pass, each typical wrong answer gets its
own message naming the wrong step, and an unknown wrong answer is told what differs.

The three exercises below are written the way lesson writers will write theirs. The wrong
answers are written as a learner would write them (often differently from the mistake's
own code), so a match proves the check compares values, not code.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.teach import Exercise, ExerciseSet, Mistake, Result, TruthWithheld

SEEDS = (1, 2)


@lru_cache(maxsize=4)
def make_world(seed: int):
    return ck.simulate("pschse", customers=1500, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


# --- the exercises, as a lesson would declare them -------------------------------------------

def orders_of_last_year(w):
    return w.orders[w.orders.ordered_at.dt.year == w.observed_until.year]


def orders_by_month(w):
    return w.orders.groupby(w.orders.ordered_at.dt.to_period("M").rename("month"))


def spend(w):
    return w.orders.groupby("customer_id").net_amount.sum()


def same_values(answer, expected):
    return len(answer) == len(expected) and np.allclose(answer.to_numpy(dtype=float), expected.to_numpy(dtype=float))


AOV = Exercise(
    "aov_last_year", "Average net order value of the orders placed in the calendar year of `world.observed_until`.",
    reference=lambda w: orders_of_last_year(w).net_amount.mean(),
    mistakes=[
        Mistake("sum_instead_of_mean", "You summed the order values; the question asks for their average (.mean()).",
                answer=lambda w: orders_of_last_year(w).net_amount.sum()),
        Mistake("no_date_cutoff", "You averaged every order; cut at the date first: keep the orders of the year "
                "of world.observed_until.", answer=lambda w: w.orders.net_amount.mean()),
        Mistake("gross_amount", "You averaged gross_amount; what customers paid after discounts is net_amount.",
                answer=lambda w: orders_of_last_year(w).gross_amount.mean()),
    ])

ORDERS_PER_MONTH = Exercise(
    "orders_per_month", "Number of orders in each month, indexed by the month as a period.",
    reference=lambda w: orders_by_month(w).size(),
    mistakes=[
        Mistake("grouped_by_customer", "You grouped by customer instead of by month: group by ordered_at's month.",
                answer=lambda w: w.orders.groupby("customer_id").size()),
        Mistake("summed_amounts", "You summed net_amount; count the orders instead (.size()).",
                answer=lambda w: orders_by_month(w).net_amount.sum()),
        Mistake("counted_customers", "You counted distinct customers per month; count orders instead.",
                answer=lambda w: orders_by_month(w).customer_id.nunique()),
        Mistake("month_of_year", "You grouped by month of the year, which merges January 2024 with January 2025: "
                "group by the period (.dt.to_period('M')).", answer=lambda w: w.orders.groupby(w.orders.ordered_at.dt.month).size()),
    ])

TOP_SPENDERS = Exercise(
    "top10_spenders", "The ten customers who spent the most (net_amount), biggest first, with their spend.",
    reference=lambda w: spend(w).nlargest(10), ordered=True,
    mistakes=[
        # Ties (many customers share an order count, or a small spend) make the exact ten customers
        # arbitrary, so these two mistakes are recognised by their values, not their labels.
        Mistake("ranked_by_orders", "You ranked customers by number of orders; rank them by total spend (sum of net_amount).",
                matches=lambda answer, w: same_values(answer, w.orders.customer_id.value_counts().head(10))),
        Mistake("ranked_by_mean", "You ranked by average order value (mean); the question asks for total spend (sum).",
                answer=lambda w: w.orders.groupby("customer_id").net_amount.mean().nlargest(10)),
        Mistake("smallest_first", "You took the ten smallest spenders: sort descending (biggest first).",
                matches=lambda answer, w: same_values(answer, spend(w).nsmallest(10))),
    ])

EXERCISES = [AOV, ORDERS_PER_MONTH, TOP_SPENDERS]

# Correct answers, computed another way than the reference.
RIGHT = {
    "aov_last_year": lambda w: round(w.orders.loc[w.orders.ordered_at >= f"{w.observed_until.year}-01-01", "net_amount"].sum()
                                     / (w.orders.ordered_at >= f"{w.observed_until.year}-01-01").sum(), 2),
    "orders_per_month": lambda w: w.orders.ordered_at.dt.to_period("M").value_counts().sort_index(),
    "top10_spenders": lambda w: spend(w).sort_values(ascending=False).head(10),
}

# Typical wrong answers as learners write them, with the step each message must name.
WRONG = {
    "aov_last_year": [
        ("sum_instead_of_mean", "average", lambda w: orders_of_last_year(w)["net_amount"].sum()),
        ("no_date_cutoff", "observed_until", lambda w: w.orders["net_amount"].sum() / len(w.orders)),
        ("gross_amount", "net_amount", lambda w: orders_of_last_year(w)["gross_amount"].mean()),
    ],
    "orders_per_month": [
        ("grouped_by_customer", "grouped by customer", lambda w: w.orders.customer_id.value_counts()),
        ("summed_amounts", "count the orders", lambda w: w.orders.groupby(w.orders.ordered_at.dt.to_period("M")).net_amount.sum()),
        ("counted_customers", "distinct customers",
         lambda w: w.orders.assign(m=w.orders.ordered_at.dt.to_period("M")).groupby("m").customer_id.nunique()),
        ("month_of_year", "month of the year", lambda w: w.orders.ordered_at.dt.month.value_counts()),
    ],
    "top10_spenders": [
        ("ranked_by_orders", "number of orders", lambda w: w.orders.groupby("customer_id").size().sort_values(ascending=False).head(10)),
        ("ranked_by_mean", "average", lambda w: w.orders.groupby("customer_id")["net_amount"].mean().sort_values(ascending=False).head(10)),
        ("smallest_first", "descending", lambda w: spend(w).sort_values().head(10)),
    ],
}


def lesson_checks(world):
    return ExerciseSet(world, EXERCISES, source="truth")


@pytest.mark.parametrize("name", list(RIGHT))
def test_the_right_answer_is_accepted(world, name):
    result = lesson_checks(world).check(name, RIGHT[name](world))
    assert (result.correct, result.status, result.message) == (True, "correct", "Correct.")


@pytest.mark.parametrize("name", list(WRONG))
def test_each_typical_wrong_answer_gets_its_own_message_naming_the_step(world, name):
    checks = lesson_checks(world)
    messages = []
    for mistake, step, wrong in WRONG[name]:
        result = checks.check(name, wrong(world))
        assert (result.correct, result.status, result.mistake) == (False, "mistake", mistake), result.message
        assert step in result.message
        messages.append(result.message)
    assert len(set(messages)) == len(messages)


def test_every_mistake_is_distinguishable_on_both_worlds(world):
    table = lesson_checks(world).validate()
    assert len(table) == sum(m.answer is not None for e in EXERCISES for m in e.mistakes)
    assert table["distinguishable"].all()


def test_validate_names_a_mistake_that_could_never_be_shown(world):
    clash = Exercise("aov", "?", reference=AOV.reference,
                     mistakes=[Mistake("rounded", "You rounded.", answer=lambda w: round(AOV.reference(w), 6))])
    with pytest.raises(ConfigError, match="mistake 'rounded' gives the same answer as the reference"):
        ExerciseSet(world, [clash], source="truth").validate()


# --- unknown wrong answers: say what differs ---------------------------------------------------

def test_an_unknown_wrong_number_is_told_by_how_much_it_is_off(world):
    expected = AOV.reference(world)
    result = lesson_checks(world).check("aov_last_year", expected * 1.2)
    assert result.status == "wrong_value"
    assert "20.0% higher" in result.message
    assert result.detail["relative_difference"] == pytest.approx(0.2)
    assert "3.5 times" in lesson_checks(world).check("aov_last_year", expected * 3.5).message


def test_a_wrong_date_cutoff_not_in_the_catalogue_still_gets_a_figure(world):
    late_start = world.orders[world.orders.ordered_at >= f"{world.observed_until.year}-03-01"].net_amount.mean()
    result = lesson_checks(world).check("aov_last_year", late_start)
    gap = (late_start - AOV.reference(world)) / AOV.reference(world)
    # On seed 2 this answer lies within 0.03% of the gross_amount mistake: it must not be told it made that one.
    assert (result.status, result.mistake) == ("wrong_value", None)
    assert f"{abs(gap) * 100:.1f}% {'higher' if gap > 0 else 'lower'}" in result.message


def test_extra_and_missing_entries_are_counted(world):
    checks = lesson_checks(world)
    right = RIGHT["orders_per_month"](world)
    assert "misses 2 entries" in checks.check("orders_per_month", right.iloc[2:]).message
    eleven = spend(world).nlargest(11)
    result = checks.check("top10_spenders", eleven)
    assert result.status == "wrong_form" and "1 extra entry" in result.message
    assert result.detail["extra_labels"] == 1


def test_right_entries_in_the_wrong_order(world):
    result = lesson_checks(world).check("top10_spenders", RIGHT["top10_spenders"](world).sort_index())
    assert result.status == "wrong_form" and "wrong order" in result.message


def test_index_of_dates_instead_of_periods_gets_the_conversion_hint(world):
    monthly = world.orders.set_index("ordered_at").resample("MS").size()
    message = lesson_checks(world).check("orders_per_month", monthly).message
    assert "dates" in message and "periods" in message and ".dt.to_period('M')" in message


def test_every_value_scaled_by_one_factor_is_reported(world):
    doubled = RIGHT["orders_per_month"](world) * 2
    result = lesson_checks(world).check("orders_per_month", doubled)
    assert result.status == "wrong_value" and "2.00 times" in result.message
    assert result.detail["values_differing"] == len(doubled)


@pytest.mark.parametrize(("answer", "words"), [
    (None, "None"), ("about 100", "asks for a number"), (pd.Series([1.0]), ".item()"), ([1, 2, 3], "list"),
])
def test_wrong_types_get_their_own_messages(world, answer, words):
    result = lesson_checks(world).check("aov_last_year", answer)
    assert result.correct is False and result.status in ("no_answer", "wrong_form")
    assert words in result.message


def test_a_table_instead_of_a_series_is_told_how_to_fix_it(world):
    checks = lesson_checks(world)
    reset = RIGHT["top10_spenders"](world).reset_index()
    assert ".set_index('customer_id')" in checks.check("top10_spenders", reset).message
    framed = RIGHT["top10_spenders"](world).to_frame()
    assert "Select its one column" in checks.check("top10_spenders", framed).message


def test_tables_missing_columns_are_named(world):
    summary = Exercise("monthly_summary", "Orders and revenue per month.",
                       reference=lambda w: orders_by_month(w).agg(orders=("order_id", "size"), revenue=("net_amount", "sum")))
    checks = ExerciseSet(world, [summary], source="truth")
    right = checks.expected("monthly_summary")
    assert checks.check("monthly_summary", right[["revenue", "orders"]]).correct  # column order is free
    assert "misses the column 'revenue'" in checks.check("monthly_summary", right[["orders"]]).message
    assert "as the index" in checks.check("monthly_summary", right.reset_index()).message
    off = right.assign(revenue=right.revenue * 1.1)
    message = checks.check("monthly_summary", off).message
    assert message.startswith("In column 'revenue', ") and f"{len(right)} of {len(right)} values differ" in message
    assert "1.10 times" in message


def test_a_hint_is_added_only_when_no_known_mistake_matches(world):
    hinted = dataclasses.replace(AOV, hint="Filter on ordered_at, then take the mean of net_amount.")
    checks = ExerciseSet(world, [hinted], source="truth")
    assert checks.check("aov_last_year", 1.0).message.endswith("Hint: Filter on ordered_at, then take the mean of net_amount.")
    assert "Hint" not in checks.check("aov_last_year", orders_of_last_year(world).net_amount.sum()).message


# --- the source of truth: lesson or assignment --------------------------------------------------

CHURN_SHARE = Exercise("churn_share", "Share of customers who really churned.", uses_truth=True,
                       reference=lambda w: w.truth.customers.churned_at.notna().mean())


def test_truth_exercises_are_checked_in_lessons_and_recorded_in_assignments(world):
    share = world.truth.customers.churned_at.notna().mean()
    assert ExerciseSet(world, [CHURN_SHARE], source="truth").check("churn_share", share).correct is True
    assignment = ExerciseSet(world, [CHURN_SHARE, AOV], source="observed")
    recorded = assignment.check("churn_share", share + 0.5)
    assert (recorded.correct, recorded.status) == (None, "recorded")
    assert "answer key" in recorded.message
    assert list(assignment.answer_key()) == ["aov_last_year"]
    with pytest.raises(TruthWithheld):
        assignment.expected("churn_share")
    assert assignment.check("aov_last_year", RIGHT["aov_last_year"](world)).correct is True
    assert assignment.answer("churn_share") == pytest.approx(share + 0.5)


def test_an_exercise_reading_the_truth_undeclared_is_refused_in_assignments(world):
    sneaky = Exercise("sneaky", "?", reference=lambda w: w.truth.customers.holdout_value.sum())
    with pytest.raises(ConfigError, match="uses_truth=True"):
        ExerciseSet(world, [sneaky], source="observed").check("sneaky", 1.0)


def test_a_world_without_truth_cannot_serve_truth_checks(world):
    handed_out = ck.World(world.config, world.tables, None)
    with pytest.raises(ConfigError, match="holds no truth"):
        ExerciseSet(handed_out, [CHURN_SHARE], source="truth")
    assert ExerciseSet(handed_out, [AOV], source="truth").check("aov_last_year", RIGHT["aov_last_year"](world)).correct


# --- the record of results ----------------------------------------------------------------------

def test_results_keep_the_last_message_shown_and_count_attempts(world):
    checks = lesson_checks(world)
    first = checks.check("aov_last_year", 1.0)
    second = checks.check("orders_per_month", world.orders.customer_id.value_counts())
    table = checks.results()
    assert list(table.columns) == ["exercise", "status", "correct", "mistake", "message", "attempts"]
    assert table.set_index("exercise").loc["aov_last_year", "message"] == first.message
    assert table.set_index("exercise").loc["orders_per_month", "mistake"] == "grouped_by_customer"
    assert table.set_index("exercise").loc["top10_spenders", "status"] == "not_attempted"
    checks.check("aov_last_year", RIGHT["aov_last_year"](world))
    row = checks.results().set_index("exercise").loc["aov_last_year"]
    assert (row["status"], row["attempts"], bool(row["correct"])) == ("correct", 2, True)
    assert checks.last("orders_per_month") == second
    assert checks.summary() == "1 of 3 exercises correct"


def test_sets_are_independent_and_deterministic(world):
    a, b = lesson_checks(world), lesson_checks(world)
    a.check("aov_last_year", 3.0)
    assert b.last("aov_last_year") is None
    b.check("aov_last_year", 3.0)
    pd.testing.assert_frame_equal(a.results(), b.results())


def test_checks_change_neither_the_world_nor_the_answer(world):
    orders = world.orders.copy()
    answer = world.orders.customer_id.value_counts().sample(frac=1.0, random_state=0)
    kept = answer.copy()
    checks = lesson_checks(world)
    checks.check("orders_per_month", answer)
    checks.check("top10_spenders", answer.head(10))
    pd.testing.assert_frame_equal(world.orders, orders)
    pd.testing.assert_series_equal(answer, kept)
    answer.iloc[0] = -1  # the learner changes their variable later: the record keeps what was checked
    assert checks.answer("top10_spenders").equals(kept.head(10))


def test_results_are_frozen_and_render_green_or_amber(world):
    checks = lesson_checks(world)
    right = checks.check("aov_last_year", RIGHT["aov_last_year"](world))
    wrong = checks.check("aov_last_year", "<b>x</b>")
    with pytest.raises(dataclasses.FrozenInstanceError):
        right.correct = False
    with pytest.raises(TypeError):
        right.detail["x"] = 1
    assert "#2e7d32" in right._repr_html_() and "#f9a825" in wrong._repr_html_()
    assert "<b>x</b>" not in wrong._repr_html_() and "&lt;b&gt;" in wrong._repr_html_()
    assert wrong._repr_markdown_().startswith("**\u2716 Not yet**")
    assert str(right) == "\u2714 aov_last_year: Correct."


# --- misuse -------------------------------------------------------------------------------------

def test_misuse_gets_clear_errors(world):
    with pytest.raises(ConfigError, match="source = 'teacher'.*'truth', 'observed'"):
        ExerciseSet(world, EXERCISES, source="teacher")
    with pytest.raises(ConfigError, match="'aov_last_year' is used twice"):
        ExerciseSet(world, [AOV, AOV], source="truth")
    with pytest.raises(ConfigError, match="exercise 'aov' is not in this set: one of 'aov_last_year'"):
        lesson_checks(world).check("aov", 1.0)
    with pytest.raises(ConfigError, match="expected a crmkit World"):
        ExerciseSet(world.orders, EXERCISES, source="truth")
    with pytest.raises(ConfigError, match="exactly one function"):
        Mistake("m", "message", answer=len, matches=lambda a, w: True)
    with pytest.raises(ConfigError, match="share the message"):
        Exercise("e", "?", reference=len, mistakes=[Mistake("a", "same", answer=len), Mistake("b", "same", answer=len)])
    with pytest.raises(ConfigError, match="rtol = -1"):
        Exercise("e", "?", reference=len, rtol=-1)


def test_a_broken_reference_names_the_exercise(world):
    listy = Exercise("listy", "?", reference=lambda w: [1, 2])
    with pytest.raises(ConfigError, match="'listy': reference returned a list"):
        ExerciseSet(world, [listy], source="truth").check("listy", [1, 2])
    typo = Exercise("typo", "?", reference=lambda w: w.orderz.net_amount.mean())
    with pytest.raises(ConfigError, match="'typo': the reference failed on this world: AttributeError"):
        ExerciseSet(world, [typo], source="truth").check("typo", 1.0)


def test_a_matches_mistake_catches_a_family_of_wrong_answers(world):
    any_year = Mistake("other_year", "You averaged the orders of another year: use world.observed_until's year.",
                       matches=lambda answer, w: any(np.isclose(answer, w.orders[w.orders.ordered_at.dt.year == y].net_amount.mean())
                                                     for y in (2023, 2024)))
    exercise = dataclasses.replace(AOV, mistakes=(any_year,))
    checks = ExerciseSet(world, [exercise], source="truth")
    year_2023 = world.orders[world.orders.ordered_at.dt.year == 2023].net_amount.mean()
    assert checks.check("aov_last_year", year_2023).mistake == "other_year"
    assert checks.check("aov_last_year", "not a number").status == "wrong_form"  # the test's error counts as no match


def test_result_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="status 'maybe'"):
        Result("e", None, "maybe", "?")


# --- the comparison on hand-made values -----------------------------------------------------------

def test_compare_dates_text_and_repeated_labels():
    from crmkit.teach import compare

    assert compare(pd.Timestamp("2025-01-01"), "2025-01-05").message == "Your date 2025-01-05 is 4 days later than the expected one."
    assert compare("Gold", " gold ").ok and not compare("gold", "silver").ok
    labels = pd.Series([1, 2], index=pd.Index(["a", "b"], name="tier"))
    repeated = compare(labels, pd.Series([1, 1, 2], index=["a", "a", "b"]))
    assert repeated.status == "wrong_form" and "'a' more than once" in repeated.message
    table = pd.DataFrame({"x": [1, 2]})
    assert "'x' more than once" in compare(table, pd.DataFrame([[1, 1], [2, 2]], columns=["x", "x"])).message
    assert compare(pd.Series([1.0, np.nan]), pd.Series([1, None], dtype="Int64")).ok


def test_an_answer_too_odd_to_compare_gets_a_message_not_a_traceback(world):
    class Odd:
        def __eq__(self, other):
            raise RuntimeError("cannot compare me")

    labels = Exercise("labels", "?", reference=lambda w: pd.Series(["a", "b"]))
    result = ExerciseSet(world, [labels], source="truth").check("labels", pd.Series([Odd(), Odd()]))
    assert result.status == "wrong_form" and "could not be compared" in result.message
