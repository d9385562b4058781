"""The service desk, complaints and feedback on a world, with two explorers.

:func:`service_data` prepares, once, every case and every order of a world so that
:func:`service_view` can answer at once, for any service-level target (hours), case origin
and range of months: the share of cases closed within the target, first-contact resolution,
escalations, satisfaction, complaints per 1,000 orders by recorded reason, and the retention
after orders by service experience. The figures are those of
:func:`crmkit.analytics.service_levels`, :func:`~crmkit.analytics.complaint_rates` and
:func:`~crmkit.analytics.service_and_retention` at the same settings. :func:`comment_data` and
:func:`comment_view` do the same for what customers write (topic and tone of each comment).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.analytics.feedback import comment_sentiment, comment_topics, feedback_accuracy
from crmkit.analytics.service import EXPERIENCES, retention_after_orders
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer
from crmkit.explore.campaigns import _bars, _panels

__all__ = ["TARGET_HOURS", "data_end", "retention_by_experience", "ServiceData", "ServiceView", "service_data",
           "service_view", "draw_service",
           "service_explorer", "CommentData", "CommentView", "comment_data", "comment_view", "draw_comments",
           "comment_explorer"]

#: The service-level targets (hours to close a case) the explorer offers.
TARGET_HOURS = (1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168)
SENTIMENT_COLOURS = {"negative": "#c0392b", "neutral": "#bdc3c7", "positive": "#27ae60"}


def data_end(world) -> pd.Timestamp:
    """The end of a world's data: midnight after its last observed day (``observed_until``).

    >>> import types
    >>> data_end(types.SimpleNamespace(observed_until=pd.Timestamp("2025-12-31")))
    Timestamp('2026-01-01 00:00:00')
    """
    return pd.Timestamp(world.observed_until).normalize() + pd.Timedelta(days=1)


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier).dt.total_seconds() / 86400).to_numpy(dtype=float)


def retention_by_experience(experience, retained) -> pd.DataFrame:
    """Retention per service experience and its difference from orders without a complaint.

    Parameters
    ----------
    experience : array of int
        Per order: 0 complaint resolved badly, 1 resolved well, 2 no complaint.
    retained : array of bool
        Per order: the customer bought again.

    Returns
    -------
    DataFrame
        The columns of :func:`crmkit.analytics.service_and_retention`: ``experience``,
        ``orders``, ``retained``, ``retention_rate``, ``difference`` (vs no_complaint) and
        its 95% normal-approximation interval ``ci_low``-``ci_high``.

    Examples
    --------
    >>> retention_by_experience([2, 2, 2, 2, 0, 0], [True, True, True, False, True, False])[
    ...     ["experience", "orders", "retention_rate", "difference"]]
           experience  orders  retention_rate  difference
    0    no_complaint       4            0.75        0.00
    1   resolved_well       0             NaN         NaN
    2  resolved_badly       2            0.50       -0.25
    """
    codes = np.asarray(experience, dtype=int)
    back = np.asarray(retained, dtype=bool)
    orders = np.bincount(codes, minlength=3)[[2, 1, 0]]  # in the order of EXPERIENCES
    kept = np.bincount(codes[back], minlength=3)[[2, 1, 0]]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(orders > 0, kept / np.maximum(orders, 1), np.nan)
        difference = rate - rate[0]
        p0 = rate[0]
        se = np.sqrt(rate * (1 - rate) / np.where(orders > 0, orders, np.nan) + p0 * (1 - p0) / max(orders[0], 1))
    low, high = difference - 1.96 * se, difference + 1.96 * se
    low[0] = high[0] = 0.0
    return pd.DataFrame({"experience": list(EXPERIENCES), "orders": orders, "retained": kept, "retention_rate": rate,
                         "difference": difference, "ci_low": low, "ci_high": high})


@dataclass(frozen=True, eq=False)
class ServiceData:
    """Cases, order counts and orders' complaints of one world as arrays (from :func:`service_data`)."""

    months: pd.PeriodIndex
    cases: dict  # arrays, one entry per case: month, origin, reason_code, days_to_close, days_open_at_end, ...
    orders_per_month: np.ndarray
    kept_orders: dict  # arrays, one entry per order with a whole retention window: month, retained
    complaints: dict  # arrays, one entry per complaint on a kept order: position, origin, decided, days_to_close
    origins: tuple = field(default=())
    reasons: tuple = field(default=())
    month_starts: pd.DatetimeIndex = field(default=None)


def _month_index(times: pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    ordinal = times.dt.to_period("M").astype("period[M]").array.asi8 if len(times) else np.zeros(0, dtype=np.int64)
    return (ordinal - months[0].ordinal).astype(np.int64)


def _decided_outcome(cases: pd.DataFrame) -> np.ndarray:
    """Each complaint's outcome when the record decides it whatever the target (the rules of
    :func:`crmkit.analytics.complaint_outcomes` before time to close): 1.0 well, 0.0 badly,
    NaN when only the time to close can tell."""
    csat = cases.csat.astype("Float64").astype(float).to_numpy()
    rules = [(~np.isnan(csat), (csat >= 4).astype(float)), (cases.first_contact_resolution.to_numpy(bool), 1.0),
             (cases.escalated.to_numpy(bool), 0.0), (cases.closed_at.isna().to_numpy(), 0.0)]
    return np.select([r[0] for r in rules], [r[1] for r in rules], np.nan)


def service_data(world, from_days: float = 180, to_days: float = 365) -> ServiceData:
    """Prepare a world's cases and orders for :func:`service_view` (the slow part, done once).

    Retention after an order is as in :func:`crmkit.analytics.retention_after_orders`: the
    customer ordered again ``from_days`` to ``to_days`` after it; only orders with that whole
    window before :func:`data_end` count.
    """
    start = pd.Timestamp(world.config.calendar.start_date)
    end = data_end(world)
    months = pd.period_range(start, world.observed_until, freq="M")
    c = world.cases
    reason_code, reasons = pd.factorize(c.reason.astype(str), sort=True)
    cases = {
        "month": _month_index(c.opened_at, months), "origin": c.origin.astype(str).to_numpy(),
        "reason_code": reason_code, "is_complaint": c.is_complaint.to_numpy(bool),
        "days_to_close": _days(c.closed_at, c.opened_at),
        "days_open_at_end": _days(pd.Series(end, index=c.index), c.opened_at),
        "fcr": c.first_contact_resolution.to_numpy(float), "escalated": c.escalated.to_numpy(float),
        "csat": c.csat.astype("Float64").astype(float).to_numpy()}
    orders = world.orders
    per_month = np.bincount(_month_index(orders.ordered_at, months), minlength=len(months))[:len(months)]
    kept = retention_after_orders(orders, c.iloc[:0], from_days, to_days, as_of=end)  # no cases: only who came back
    complained = c[c.is_complaint.astype(bool) & c.order_id.isin(kept.order_id)]
    position = pd.Series(np.arange(len(kept)), index=kept.order_id)
    kept = {"month": _month_index(kept.ordered_at, months), "retained": kept.retained.to_numpy(bool)}
    complaints = {"position": position.loc[complained.order_id.astype("int64")].to_numpy(),
                  "origin": complained.origin.astype(str).to_numpy(), "decided": _decided_outcome(complained),
                  "days_to_close": _days(complained.closed_at, complained.opened_at)}
    origins = (tuple(str(o) for o in c.origin.cat.categories) if hasattr(c.origin, "cat")
               else tuple(sorted(set(cases["origin"]))))
    return ServiceData(months, cases, per_month, kept, complaints, origins, tuple(str(r) for r in reasons),
                       months.to_timestamp())


@dataclass(frozen=True, eq=False)
class ServiceView:
    """The service desk at one setting: ``levels`` (cases, due, within_target,
    first_contact_resolution, escalation_rate, mean_csat), ``monthly`` (within target per
    month opened), ``complaints`` (per recorded reason) and ``retention`` (per experience)."""

    target_hours: float
    origin: str
    first_month: pd.Period
    last_month: pd.Period
    levels: pd.Series
    monthly: pd.DataFrame
    complaints: pd.DataFrame
    retention: pd.DataFrame

    def __str__(self) -> str:
        lv = self.levels
        return (f"{self.origin} cases {self.first_month}..{self.last_month}: {lv.within_target:.1%} of "
                f"{lv.due:.0f} due cases "
                f"closed within {self.target_hours:g} h; first-contact resolution {lv.first_contact_resolution:.1%}; "
                f"escalated {lv.escalation_rate:.1%}; mean CSAT {lv.mean_csat:.2f}")

    def _repr_html_(self) -> str:
        return (f"<p>{self}</p>" + self.complaints.to_html(index=False, float_format="{:.3f}".format)
                + self.retention.to_html(index=False, float_format="{:.3f}".format))


def _check(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} = {value!r}: {describe_allowed(allowed)}")


def _month_range(data: ServiceData, first_month, last_month) -> tuple[int, int]:
    labels = [str(m) for m in data.months]
    first = labels[0] if first_month is None else str(first_month)
    last = labels[-1] if last_month is None else str(last_month)
    _check("first_month", first, labels)
    _check("last_month", last, labels)
    low, high = sorted((labels.index(first), labels.index(last)))  # a reversed range is read the right way round
    return low, high


def _levels(cases: dict, chosen: np.ndarray, due: np.ndarray, in_time: np.ndarray) -> pd.Series:
    """The service levels of the ``chosen`` cases, as :func:`crmkit.analytics.service_levels` gives them."""
    csat = cases["csat"][chosen]
    answered = ~np.isnan(csat)
    return pd.Series({"cases": float(chosen.sum()), "due": float(due[chosen].sum()),
                      "within_target": in_time[chosen].sum() / due[chosen].sum() if due[chosen].any() else np.nan,
                      "first_contact_resolution": cases["fcr"][chosen].mean() if chosen.any() else np.nan,
                      "escalation_rate": cases["escalated"][chosen].mean() if chosen.any() else np.nan,
                      "mean_csat": csat[answered].mean() if answered.any() else np.nan})


def _complaints(data: ServiceData, chosen: np.ndarray, low: int, high: int) -> pd.DataFrame:
    """Complaints per recorded reason (as :func:`crmkit.analytics.complaint_rates`), most first."""
    codes = data.cases["reason_code"][chosen & data.cases["is_complaint"]]
    counts = np.bincount(codes, minlength=len(data.reasons))
    order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], data.reasons[i]))
    complaints = counts[order]
    orders = data.orders_per_month[low:high + 1].sum()
    return pd.DataFrame({"reason": pd.Series([data.reasons[i] for i in order], dtype="str"), "complaints": complaints,
                         "share_of_complaints": complaints / max(complaints.sum(), 1),
                         "per_1000_orders": 1000 * complaints / max(orders, 1)})


def _retention(data: ServiceData, target_days: float, origin: str, low: int, high: int) -> pd.DataFrame:
    """Retention after the kept orders of months ``low..high`` by service experience; with one
    origin, orders whose complaints all came in another way are left out."""
    kept, c = data.kept_orders, data.complaints
    mine = np.ones(len(c["origin"]), bool) if origin == "all" else (c["origin"] == origin)
    well = np.where(np.isnan(c["decided"]), c["days_to_close"] <= target_days, c["decided"] == 1.0)
    worst = np.full(len(kept["month"]), 2)  # 2 = no complaint; the worst complaint of an order counts
    np.minimum.at(worst, c["position"][mine], well[mine].astype(int))
    elsewhere = np.zeros(len(worst), bool)
    elsewhere[c["position"][~mine]] = True
    keep = (kept["month"] >= low) & (kept["month"] <= high) & ~(elsewhere & (worst == 2))
    return retention_by_experience(worst[keep], kept["retained"][keep])


def service_view(data: ServiceData, target_hours: float = 48, origin: str = "all", first_month=None,
                 last_month=None) -> ServiceView:
    """The service desk for one target, origin (``"all"`` or one of the world's) and month range.

    Cases count by the month they were opened, orders by the month they were placed; the
    range includes both ends (``"2024-01"`` style labels; None = the first or last month).
    """
    if not isinstance(target_hours, (int, float)) or target_hours <= 0:
        raise ConfigError(f"target_hours = {target_hours!r}: give a positive number of hours")
    _check("origin", origin, ("all", *data.origins))
    low, high = _month_range(data, first_month, last_month)
    cases, target_days = data.cases, target_hours / 24
    days = cases["days_to_close"]
    due = ~np.isnan(days) | (cases["days_open_at_end"] > target_days)  # an open case past its target has missed it
    in_time = due & (np.nan_to_num(days, nan=np.inf) <= target_days)
    by_origin = np.ones(len(days), bool) if origin == "all" else cases["origin"] == origin
    chosen = by_origin & (cases["month"] >= low) & (cases["month"] <= high)
    months = cases["month"]
    per_month = np.bincount(months[by_origin & due], minlength=len(data.months))
    monthly = pd.DataFrame({"month": data.month_starts, "due": per_month,
                            "within_target": np.bincount(months[by_origin & in_time], minlength=len(data.months)) /
                            np.where(per_month > 0, per_month, np.nan)})
    return ServiceView(float(target_hours), origin, data.months[low], data.months[high],
                       _levels(cases, chosen, due, in_time), monthly, _complaints(data, chosen, low, high),
                       _retention(data, target_days, origin, low, high))


def _draw_monthly(view: ServiceView, ax) -> None:
    m = view.monthly
    x = np.arange(len(m))  # month numbers, labelled by year below: quicker than a date axis
    inside = (m.month >= view.first_month.to_timestamp()) & (m.month <= view.last_month.to_timestamp())
    ax.plot(x, m.within_target, color="#bdbdbd", linewidth=1)
    ax.plot(np.where(inside, x, np.nan), m.within_target, color="#2c7fb8", marker="o", markersize=3)
    january = np.flatnonzero(m.month.dt.month.to_numpy() == 1)
    ax.set_xticks(january, [str(m.month.iloc[i].year) for i in january])
    ax.set(ylim=(0, 1.02), xlabel="month opened", ylabel="share closed within target",
           title=f"Within {view.target_hours:g} h: {view.levels.within_target:.0%} ({view.origin} cases)")


def _draw_complaints(view: ServiceView, ax) -> None:
    table = view.complaints.iloc[::-1]
    positions = np.arange(len(table))
    _bars(ax, positions, table.per_1000_orders.to_numpy(), "#e67e22")
    ax.set_yticks(positions, [r.replace("_", " ") for r in table.reason])
    ax.set(xlabel="complaints per 1,000 orders", title="Complaints by recorded reason")


def _draw_retention(view: ServiceView, ax) -> None:
    r = view.retention
    rate = r.retention_rate.to_numpy(dtype=float)
    base = rate - r.difference.to_numpy(dtype=float)
    _bars(ax, np.arange(3), rate, ["#7f8c8d", "#27ae60", "#c0392b"], horizontal=False)
    low, high = base + r.ci_low.to_numpy(dtype=float), base + r.ci_high.to_numpy(dtype=float)
    for x in (1, 2):  # the 95% interval of each difference from orders without a complaint
        ax.plot([x, x], [low[x], high[x]], color="black", marker="_", markersize=10)
    ax.set_xticks(np.arange(3), [f"{e.replace('_', chr(10), 1)}\n({n:.0f} orders)" for e, n in zip(r.experience, r.orders)],
                  fontsize=8)
    ax.set(xlim=(-0.6, 2.6), ylim=(0, 1), ylabel="bought again 6-12 months later", title="Retention after the order")


def draw_service(data: ServiceData, target_hours: float = 48, origin: str = "all", first_month=None,
                 last_month=None, ax=None) -> ServiceView:
    """Draw the service desk at one setting in three panels and return its :class:`ServiceView`:
    the share within target by month (the chosen months in blue), complaints per 1,000 orders
    by recorded reason, and retention after orders by service experience."""
    import matplotlib.pyplot as plt

    view = service_view(data, target_hours, origin, first_month, last_month)
    if ax is None:
        axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained", width_ratios=[1.3, 1, 1])[1]
    else:
        left, right = _panels(ax, None, width_ratios=(1.3, 2.0))
        grid = right.get_subplotspec().subgridspec(1, 2)
        right.set_subplotspec(grid[0, 0])
        axes = [left, right, ax.figure.add_subplot(grid[0, 1])]
    _draw_monthly(view, axes[0])
    _draw_complaints(view, axes[1])
    _draw_retention(view, axes[2])
    lv = view.levels
    axes[0].figure.suptitle(f"{view.first_month}..{view.last_month}, {view.origin} cases: {lv.cases:.0f} cases, "
                            f"first-contact resolution {lv.first_contact_resolution:.0%}, escalated "
                            f"{lv.escalation_rate:.0%}, mean CSAT {lv.mean_csat:.2f} (synthetic data)", fontsize=10)
    return view


def service_explorer(world, target_hours: float = 48, origin: str = "all"):
    """Choose a service-level target, a case origin and a range of months; see the service
    level, the complaints by recorded reason and the retention by service experience.

    ``widget.result`` is the current :class:`ServiceView`; the controls are
    ``target_hours``, ``origin``, ``first_month`` and ``last_month``. The world is prepared
    once (:func:`service_data`), so a change only counts and redraws.
    """
    import ipywidgets as widgets

    data = service_data(world)
    labels = [str(m) for m in data.months]

    def draw(ax, target_hours, origin, first_month, last_month):
        return draw_service(data, target_hours, origin, first_month, last_month, ax=ax)

    return explorer(draw, figsize=(14, 4),
                    target_hours=widgets.SelectionSlider(options=list(TARGET_HOURS), value=target_hours,
                                                         description="target (hours)"),
                    origin=widgets.Dropdown(options=["all", *data.origins], value=origin, description="origin"),
                    first_month=widgets.SelectionSlider(options=labels, value=labels[0], description="from month"),
                    last_month=widgets.SelectionSlider(options=labels, value=labels[-1], description="to month"))


# --- what customers write ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CommentData:
    """Every comment of a world with its kit-read topic and tone (from :func:`comment_data`):
    ``comments`` (survey_id, responded_at, kind, trigger, score, comment, tag, keyword_topic,
    sentiment), ``counts`` per reading and ``accuracy`` of each reading against the truth."""

    comments: pd.DataFrame
    counts: dict
    accuracy: dict


def comment_data(world) -> CommentData:
    """Read every comment's topic (by keywords, :func:`crmkit.analytics.comment_topics`) and
    tone (:func:`~crmkit.analytics.comment_sentiment`) once, beside the feedback team's tag."""
    surveys = world.surveys
    topics = comment_topics(surveys)[["survey_id", "topic"]].rename(columns={"topic": "keyword_topic"})
    tone = comment_sentiment(surveys)[["survey_id", "sentiment"]]
    columns = ["survey_id", "responded_at", "kind", "trigger", "score", "comment", "topic"]
    comments = (surveys.loc[surveys.comment.notna(), columns]
                .rename(columns={"topic": "tag"}).merge(topics, on="survey_id").merge(tone, on="survey_id"))
    for column in ("kind", "trigger", "tag", "keyword_topic"):
        comments[column] = comments[column].astype(object).where(comments[column].notna(), "none").astype(str)
    counts = {reading: pd.crosstab(comments[reading], comments.sentiment).reindex(columns=list(SENTIMENT_COLOURS),
                                                                                   fill_value=0)
              for reading in ("keyword_topic", "tag")}
    truth = getattr(world, "truth", None)
    accuracy = {}
    if truth is not None and "surveys" in truth:  # a hand-out world has no truth to score against
        for reading in ("keyword_topic", "tag"):
            accuracy[reading] = feedback_accuracy(comments.rename(columns={reading: "topic"}), truth["surveys"])["accuracy"]
    return CommentData(comments.sort_values("responded_at", ascending=False, ignore_index=True), counts, accuracy)


@dataclass(frozen=True, eq=False)
class CommentView:
    """The comments of one ``topic`` and ``sentiment`` as read one way (``reading``):
    ``comments`` (most recent first) and ``counts`` (comments per topic and tone)."""

    topic: str
    sentiment: str
    reading: str
    comments: pd.DataFrame
    counts: pd.DataFrame
    accuracy: float | None

    def __str__(self) -> str:
        return f"{len(self.comments)} {self.sentiment} comments on {self.topic} ({self.reading.replace('_', ' ')})"

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>" + self.comments.head(10).to_html(index=False)


READINGS = {"keyword_topic": "topic from keywords", "tag": "feedback team's tag"}


def comment_view(data: CommentData, topic: str = "all", sentiment: str = "all",
                 reading: str = "keyword_topic") -> CommentView:
    """The comments of one topic (or ``"all"``) and tone (or ``"all"``), topics read by
    keywords (``"keyword_topic"``) or by the feedback team's tags (``"tag"``)."""
    _check("reading", reading, tuple(READINGS))
    counts = data.counts[reading]
    _check("topic", topic, ("all", *counts.index))
    _check("sentiment", sentiment, ("all", *SENTIMENT_COLOURS))
    c = data.comments
    keep = np.ones(len(c), bool)
    if topic != "all":
        keep &= c[reading].to_numpy() == topic
    if sentiment != "all":
        keep &= c.sentiment.to_numpy() == sentiment
    chosen = c.loc[keep, ["survey_id", "responded_at", "kind", "trigger", "score", reading, "sentiment", "comment"]]
    return CommentView(topic, sentiment, reading, chosen.rename(columns={reading: "topic"}).reset_index(drop=True),
                       counts, data.accuracy.get(reading))


def draw_comments(data: CommentData, topic: str = "all", sentiment: str = "all", reading: str = "keyword_topic",
                  shown: int = 8, ax=None) -> CommentView:
    """Draw comments per topic and tone (the chosen topic in bold) and the ``shown`` most
    recent chosen comments as text; return the :class:`CommentView`."""
    view = comment_view(data, topic, sentiment, reading)
    bars, text = _panels(ax, (14, 4), width_ratios=(1.0, 1.3))
    counts = view.counts.iloc[::-1]
    positions, left = np.arange(len(counts)), np.zeros(len(counts))
    for tone, colour in SENTIMENT_COLOURS.items():
        _bars(bars, positions, counts[tone].to_numpy(), colour, starts=left.copy())
        left += counts[tone].to_numpy()
    bars.set_xlim(0, max(left.max(initial=0), 1) * 1.05)
    bars.set_yticks(positions, ["no topic found" if t == "none" else t.replace("_", " ") for t in counts.index])
    for label, name in zip(bars.get_yticklabels(), counts.index):
        label.set_fontweight("bold" if name == topic else "normal")
    scored = "" if view.accuracy is None else f"; {view.accuracy:.1%} match the true topic (synthetic truth)"
    bars.set(xlabel="comments (red negative, grey neutral, green positive)",
             title=f"Comments per topic: {READINGS[reading]}{scored}")
    # a "$" in a comment would start matplotlib's maths mode: escape it
    lines = [f"[{row.kind} {row.score}] {row.comment}".replace("$", r"\$") for row in view.comments.head(shown).itertuples()]
    text.axis("off")
    text.text(0, 1, "\n".join(lines) if lines else "no comment of this topic and tone", va="top", fontsize=9)
    text.set_title(f"{len(view.comments)} comments: {topic.replace('_', ' ')}, {sentiment} (most recent first)")
    return view


def comment_explorer(world, topic: str = "all", sentiment: str = "negative", reading: str = "keyword_topic"):
    """Browse what customers write by topic and tone.

    ``widget.result`` is the current :class:`CommentView`; the controls are ``topic``,
    ``sentiment`` and ``reading`` (topics found by keywords, or the feedback team's tags).
    """
    import ipywidgets as widgets

    data = comment_data(world)
    topics = sorted((set(data.counts["keyword_topic"].index) | set(data.counts["tag"].index)) - {"none"})

    def draw(ax, topic, sentiment, reading):
        known = data.counts[reading].index  # a topic no comment has under this reading shows them all
        return draw_comments(data, topic if topic in known or topic == "all" else "all", sentiment, reading, ax=ax)

    return explorer(draw, figsize=(14, 4),
                    topic=widgets.Dropdown(options=["all", *topics], value=topic, description="topic"),
                    sentiment=widgets.ToggleButtons(options=["all", *SENTIMENT_COLOURS], value=sentiment,
                                                    description="tone"),
                    reading=widgets.ToggleButtons(options=[(v, k) for k, v in READINGS.items()], value=reading,
                                                  description="topic by"))
