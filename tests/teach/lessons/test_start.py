"""The start-here exercises: right answers pass, each typical mistake gets its own message."""

import pytest

import crmkit as ck
from crmkit.teach.lessons import checks


@pytest.fixture(scope="module", params=[3, 8])
def lesson(request):
    return ck.simulate("pschse", customers=1500, seed=request.param, progress=False)


def _last_year(w):
    return w.orders[w.orders["ordered_at"].dt.year == w.observed_until.year]


def test_signups(lesson):
    s = checks("start", lesson)
    signup_year = lesson.customers["signup_date"].dt.year
    assert s.check("signups_last_year", int((signup_year == lesson.observed_until.year).sum())).correct
    wrong = {
        "all_customers": len(lesson.customers),
        "buyers": _last_year(lesson)["customer_id"].nunique(),
        "first_year": int((signup_year == signup_year.min()).sum()),
    }
    messages = {name: s.check("signups_last_year", answer) for name, answer in wrong.items()}
    assert {name: r.mistake for name, r in messages.items()} == {name: name for name in wrong}
    assert len({r.message for r in messages.values()}) == len(wrong)


def test_average_order(lesson):
    s = checks("start", lesson)
    orders = _last_year(lesson)
    assert s.check("average_order_last_year", orders["net_amount"].sum() / len(orders)).correct
    wrong = {
        "sum": orders["net_amount"].sum(),
        "gross": orders["gross_amount"].mean(),
        "every_year": lesson.orders["net_amount"].mean(),
    }
    results = {name: s.check("average_order_last_year", answer) for name, answer in wrong.items()}
    assert {name: r.mistake for name, r in results.items()} == {name: name for name in wrong}
    assert not s.check("average_order_last_year", orders["net_amount"].median()).correct
