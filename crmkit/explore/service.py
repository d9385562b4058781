"""The service desk, complaints and feedback on a world, drawn, with two explorers.

The figures come from :class:`crmkit.analytics.service_desk.ServiceDesk` (the service level,
complaints per 1,000 orders by recorded reason and retention by service experience at one
target, origin and range of months) and :class:`crmkit.analytics.feedback_comments.CommentReadings`
(what customers write, by topic and tone); this module only draws them and wires the controls.
"""

from __future__ import annotations

import numpy as np

from crmkit.analytics.feedback_comments import READINGS, CommentReadings, CommentView
from crmkit.analytics.service_desk import TARGET_HOURS, ServiceDesk, ServiceView
from crmkit.explore._base import explorer
from crmkit.plots._base import bar_collection, two_panels

__all__ = ["service_data", "draw_service", "service_explorer", "comment_data", "draw_comments", "comment_explorer"]

SENTIMENT_COLOURS = {"negative": "#c0392b", "neutral": "#bdc3c7", "positive": "#27ae60"}


def service_data(world) -> ServiceDesk:
    """A world's service desk prepared once: :meth:`ServiceDesk.from_world`."""
    return ServiceDesk.from_world(world)


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
    bar_collection(ax, positions, table.per_1000_orders.to_numpy(), "#e67e22")
    ax.set_yticks(positions, [r.replace("_", " ") for r in table.reason])
    ax.set(xlabel="complaints per 1,000 orders", title="Complaints by recorded reason")


def _draw_retention(view: ServiceView, ax) -> None:
    r = view.retention
    rate = r.retention_rate.to_numpy(dtype=float)
    base = rate - r.difference.to_numpy(dtype=float)
    bar_collection(ax, np.arange(3), rate, ["#7f8c8d", "#27ae60", "#c0392b"], horizontal=False)
    low, high = base + r.ci_low.to_numpy(dtype=float), base + r.ci_high.to_numpy(dtype=float)
    for x in (1, 2):  # the 95% interval of each difference from orders without a complaint
        ax.plot([x, x], [low[x], high[x]], color="black", marker="_", markersize=10)
    ax.set_xticks(np.arange(3), [f"{e.replace('_', chr(10), 1)}\n({n:.0f} orders)" for e, n in zip(r.experience, r.orders)],
                  fontsize=8)
    ax.set(xlim=(-0.6, 2.6), ylim=(0, 1), ylabel="bought again 6-12 months later", title="Retention after the order")


def draw_service(data: ServiceDesk, target_hours: float = 48, origin: str = "all", first_month=None,
                 last_month=None, ax=None) -> ServiceView:
    """Draw the service desk at one setting in three panels and return its :class:`ServiceView`:
    the share within target by month (the chosen months in blue), complaints per 1,000 orders
    by recorded reason, and retention after orders by service experience."""
    import matplotlib.pyplot as plt

    view = data(target_hours, origin, first_month, last_month)
    if ax is None:
        axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained", width_ratios=[1.3, 1, 1])[1]
    else:
        left, right = two_panels(ax, None, width_ratios=(1.3, 2.0))
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
    once (:meth:`ServiceDesk.from_world`), so a change only counts and redraws.
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


def comment_data(world) -> CommentReadings:
    """A world's comments read once: :meth:`CommentReadings.from_world`."""
    return CommentReadings.from_world(world)


def draw_comments(data: CommentReadings, topic: str = "all", sentiment: str = "all", reading: str = "keyword_topic",
                  shown: int = 8, ax=None) -> CommentView:
    """Draw comments per topic and tone (the chosen topic in bold) and the ``shown`` most
    recent chosen comments as text; return the :class:`CommentView`."""
    view = data(topic, sentiment, reading)
    bars, text = two_panels(ax, (14, 4), width_ratios=(1.0, 1.3))
    counts = view.counts.iloc[::-1]
    positions, left = np.arange(len(counts)), np.zeros(len(counts))
    for tone, colour in SENTIMENT_COLOURS.items():
        bar_collection(bars, positions, counts[tone].to_numpy(), colour, starts=left.copy())
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
