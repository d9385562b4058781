"""Pictures of sales: the lead funnel, the pipeline by stage, forecasts against what happened.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_funnel", "plot_pipeline_by_stage", "plot_forecast_vs_actual", "plot_pipeline_forecast_error"]

import pandas as pd

from crmkit.plots._base import new_axes


def plot_funnel(funnel: pd.DataFrame, ax=None):
    """Horizontal bars of leads per funnel step, labelled with the share of all leads.

    Parameters
    ----------
    funnel : DataFrame
        :func:`crmkit.analytics.conversion_funnel` (``step``, ``leads``, ``share_of_leads``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> funnel = pd.DataFrame({"step": ["new", "working", "converted"], "leads": [100, 80, 20],
    ...     "share_of_leads": [1.0, 0.8, 0.2]})
    >>> [t.get_text() for t in plot_funnel(funnel).get_yticklabels()]
    ['new', 'working', 'converted']
    """
    ax = new_axes(ax, (7, 3))
    steps = funnel
    widest = max(float(funnel.leads.max()), 1.0)
    # Centred bars draw the classic funnel shape.
    ax.barh(steps.step, steps.leads, left=(widest - steps.leads) / 2, color="tab:blue", alpha=0.8)
    for y, (leads, share) in enumerate(zip(steps.leads, steps.share_of_leads)):
        ax.text(widest / 2, y, f"{leads:,} ({share:.0%})", ha="center", va="center", color="white", fontsize="small")
    ax.set(xlabel="leads", title="Lead funnel (synthetic data)", xticks=[])
    ax.set_yticks(range(len(steps)), list(steps.step))
    ax.invert_yaxis()
    return ax


def plot_pipeline_by_stage(by_stage: pd.DataFrame, ax=None):
    """Open amount per stage, with the weighted amount beside it when present.

    Parameters
    ----------
    by_stage : DataFrame
        :func:`crmkit.analytics.pipeline_by_stage` (``stage``, ``amount`` and optionally
        ``weighted_amount``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"stage": ["proposal", "negotiation"], "amount": [300.0, 200.0],
    ...     "weighted_amount": [180.0, 160.0]})
    >>> plot_pipeline_by_stage(table).get_ylabel()
    'amount'
    """
    ax = new_axes(ax, (7, 3.2))
    columns = [c for c in ("amount", "weighted_amount") if c in by_stage]
    tidy = by_stage.melt(id_vars="stage", value_vars=columns, var_name="measure", value_name="value")
    positions = range(len(by_stage))
    width = 0.8 / len(columns)
    for i, (measure, part) in enumerate(tidy.groupby("measure", sort=False)):
        ax.bar([p + (i - (len(columns) - 1) / 2) * width for p in positions], part.value, width,
               label=measure.replace("_", " "))
    ax.set_xticks(list(positions), [str(s).replace("_", " ") for s in by_stage.stage])
    ax.set(ylabel="amount", title="Open pipeline by stage (synthetic data)")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_forecast_vs_actual(holdout: pd.DataFrame, demand: pd.DataFrame | None = None, product_id=None, ax=None):
    """Units per month: the actual history and hold-out, the forecast and the naive baselines.

    Parameters
    ----------
    holdout : DataFrame
        :func:`crmkit.analytics.holdout_forecast` (``product_id``, ``month``, ``actual``,
        ``forecast`` and baseline columns such as ``last_year``, ``last_value``).
    demand : DataFrame, optional
        :func:`crmkit.analytics.monthly_demand`, to draw the months before the hold-out.
    product_id : int, optional
        One product; all products added up when not given.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> holdout = pd.DataFrame({"product_id": 1, "month": pd.date_range("2024-01-01", periods=2, freq="MS"),
    ...     "actual": [5, 6], "forecast": [5.5, 6.5], "last_year": [4, 4], "last_value": [5, 5]})
    >>> [t.get_text() for t in plot_forecast_vs_actual(holdout).get_legend().get_texts()]
    ['actual', 'forecast', 'last year', 'last value']
    """
    ax = new_axes(ax, (9, 3.6))
    pick = (lambda df: df) if product_id is None else (lambda df: df[df.product_id == product_id])
    methods = [c for c in ("forecast", "last_year", "last_value") if c in holdout]
    months = pick(holdout).groupby("month")[["actual", *methods]].sum()
    if demand is not None:
        history = pick(demand).groupby("month").units.sum()
        ax.plot(history.index, history.to_numpy(), color="black", linewidth=1, label="_history")
    ax.plot(months.index, months.actual, color="black", marker="o", markersize=3, label="actual")
    styles = {"forecast": dict(color="tab:blue", linewidth=2), "last_year": dict(color="tab:orange", linestyle="--"),
              "last_value": dict(color="tab:gray", linestyle=":")}
    for method in methods:
        ax.plot(months.index, months[method], label=method.replace("_", " "), **styles[method])
    ax.axvline(months.index.min(), color="grey", linewidth=0.8)
    what = "all products" if product_id is None else f"product {product_id}"
    ax.set(xlabel="month", ylabel="units", title=f"Forecast against the hold-out months, {what} (synthetic data)")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_pipeline_forecast_error(errors: pd.DataFrame, ax=None):
    """Weighted forecasts and the naive baseline minus what the deals really won, per day.

    Reads ``as_of``, ``method`` and ``error`` of :func:`crmkit.analytics.forecast_error`.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> errors = pd.DataFrame({"as_of": pd.to_datetime(["2024-01-31", "2024-02-29"] * 2),
    ...     "method": ["crmkit", "crmkit", "hubspot", "hubspot"], "error": [1.0, -2.0, 5.0, 4.0]})
    >>> len(plot_pipeline_forecast_error(errors).get_lines())
    3
    """
    ax = new_axes(ax, (9, 3.6))
    for method, part in errors.groupby("method", sort=False):
        ax.plot(part.as_of, part.error, marker="o", markersize=3, label=method.replace("_", " "))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel="pipeline as of", ylabel="forecast minus actual",
           title="Pipeline forecast error by stage-probability map (synthetic data)")
    ax.legend(frameon=False, fontsize="small", ncols=2)
    return ax
