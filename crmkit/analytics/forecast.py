"""Sales forecasting: monthly demand per product and a simple, transparent seasonal model.

The model has three parts, each easy to show in a lesson:

* a **seasonal index** per calendar month, shared by all products: how much busier the
  month is than the trend around it (the ratio to a centred 12-month moving average of
  all products' units, averaged per calendar month, scaled to average 1);
* each product's **level**: its recent deseasonalised units per month;
* a **trend**: the recent monthly growth of all products' deseasonalised units, as a
  share of their level (a straight line, so growth is not compounded).

forecast = level x (1 + growth x months ahead) x seasonal index of the month.

A product launched during the history (PSCHSE launches a new line) gets a level from the
months it has been on sale; it has no "same month last year", so the naive baselines use
its last month instead.

The world's truth holds no product-level orders for the hold-out period, so the model is
judged by holding out the **last months of the observation window**: fitted on the months
before, scored on those months (:func:`holdout_forecast`).
"""

from __future__ import annotations

__all__ = [
    "monthly_demand", "seasonal_index", "fit_seasonal_forecast", "holdout_forecast", "forecast_accuracy",
]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def _month_start(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def monthly_demand(orders: pd.DataFrame, order_items: pd.DataFrame,
                   products: pd.DataFrame | None = None, include_deals: bool = True) -> pd.DataFrame:
    """Units and revenue sold per product per calendar month.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``order_id``, ``ordered_at``).
    order_items : DataFrame
        The ``order_items`` table (``order_id``, ``product_id``, ``quantity``, ``line_amount``).
    products : DataFrame, optional
        The ``products`` table (``product_id``, ``launched_on``). With it every product gets
        a row (0 units) for each month from its launch; without it, from its first sale.
    include_deals : bool, default True
        With False, the orders that won deals booked (those with an ``opportunity_id``) are
        left out: what remains is the run-rate demand a seasonal model can forecast, while
        the deals' demand is forecast from the sales pipeline.

    Returns
    -------
    DataFrame
        ``product_id``, ``month`` (first day) and ``units``, ``revenue`` (at list price,
        before order discounts), sorted by product and month, up to the last month sold.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2], "ordered_at": pd.to_datetime(["2024-01-05", "2024-03-01"])})
    >>> items = pd.DataFrame({"order_id": [1, 2], "product_id": [7, 7], "quantity": [2, 1],
    ...     "line_amount": [20.0, 10.0]})
    >>> monthly_demand(orders, items).units.tolist()
    [2, 0, 1]
    """
    require_columns(orders, ["order_id", "ordered_at"], "orders")
    require_columns(order_items, ["order_id", "product_id", "quantity", "line_amount"], "order_items")
    if not include_deals and "opportunity_id" in orders:
        orders = orders[orders["opportunity_id"].isna()]
    lines = order_items.merge(orders[["order_id", "ordered_at"]], on="order_id", how="inner")
    lines = lines.assign(month=_month_start(lines.ordered_at).to_numpy())
    sold = lines.groupby(["product_id", "month"]).agg(units=("quantity", "sum"), revenue=("line_amount", "sum"))
    first = sold.reset_index().groupby("product_id").month.min()
    if products is not None:
        require_columns(products, ["product_id", "launched_on"], "products")
        first = pd.Series(_month_start(products.launched_on).to_numpy(), index=products.product_id)
    last_month = lines.month.max()
    grid = [(pid, m) for pid, start in first.items() for m in pd.date_range(start, last_month, freq="MS")]
    index = pd.MultiIndex.from_tuples(grid, names=["product_id", "month"])
    table = sold.reindex(index, fill_value=0).reset_index()
    table["units"] = table.units.astype(int)
    return table.sort_values(["product_id", "month"], ignore_index=True)


def seasonal_index(demand: pd.DataFrame) -> pd.DataFrame:
    """Each calendar month's seasonal index: units of all products over their 12-month trend.

    Reads ``month`` and ``units`` of :func:`monthly_demand`; returns ``month_of_year`` (1 to
    12) and ``index`` (1 is an average month). A calendar month never covered by the moving
    average (less than two years of data) gets 1.

    >>> months = pd.date_range("2022-01-01", periods=36, freq="MS")
    >>> demand = pd.DataFrame({"month": months, "units": [20 if m.month == 12 else 10 for m in months]})
    >>> seasonal_index(demand).set_index("month_of_year")["index"].round(2)[[11, 12]].tolist()
    [0.92, 1.85]
    """
    require_columns(demand, ["month", "units"], "demand")
    total = demand.groupby("month").units.sum().sort_index()
    # A 2x12 centred moving average: every calendar month weighs the same.
    trend = total.rolling(12, center=True).mean().rolling(2).mean().shift(-1)
    ratio = (total / trend).dropna()
    by_month = ratio.groupby(ratio.index.month).mean().reindex(range(1, 13))
    by_month = (by_month / by_month.mean()).fillna(1.0)
    return pd.DataFrame({"month_of_year": range(1, 13), "index": by_month.to_numpy()})


def _growth(deseasonalised: pd.Series, months: int) -> float:
    # Slope of a straight line through the last months, as a share of its end value.
    recent = deseasonalised.iloc[-months:]
    if len(recent) < 3:
        return 0.0
    slope, intercept = np.polyfit(np.arange(len(recent)), recent.to_numpy(dtype=float), 1)
    end = intercept + slope * (len(recent) - 1)
    return float(slope / end) if end > 0 else 0.0


def fit_seasonal_forecast(demand: pd.DataFrame, horizon: int = 6, level_months: int = 6,
                          trend_months: int = 12) -> pd.DataFrame:
    """Forecast each product's units for the ``horizon`` months after the last month of ``demand``.

    Parameters
    ----------
    demand : DataFrame
        :func:`monthly_demand` (``product_id``, ``month``, ``units``).
    horizon : int
        Months to forecast.
    level_months : int
        Recent months whose deseasonalised mean is a product's level.
    trend_months : int
        Recent months of all products' deseasonalised units that set the growth.

    Returns
    -------
    DataFrame
        ``product_id``, ``month``, ``forecast`` (units), ``level``, ``growth`` (per month)
        and ``seasonal_index``.

    Examples
    --------
    >>> months = pd.date_range("2022-01-01", periods=36, freq="MS")
    >>> demand = pd.DataFrame({"product_id": 1, "month": months, "units": 10})
    >>> fit_seasonal_forecast(demand, horizon=2).forecast.round(1).tolist()
    [10.0, 10.0]
    """
    require_columns(demand, ["product_id", "month", "units"], "demand")
    if horizon < 1 or level_months < 1:
        raise DataError(f"horizon = {horizon!r}, level_months = {level_months!r}: both must be 1 or more")
    season = seasonal_index(demand).set_index("month_of_year")["index"]
    table = demand.assign(deseasonalised=demand.units / demand.month.dt.month.map(season).to_numpy())
    # Growth from the products on sale through the whole trend window: a launch inside it
    # would otherwise look like growth of the whole range.
    window_start = np.sort(table.month.unique())[-trend_months:][0]
    first_month = table.groupby("product_id").month.transform("min")
    established = table[first_month <= window_start] if (first_month <= window_start).any() else table
    growth = _growth(established.groupby("month").deseasonalised.sum().sort_index(), trend_months)
    recent = table.sort_values("month").groupby("product_id").tail(level_months)
    level = recent.groupby("product_id").agg(level=("deseasonalised", "mean"), months=("month", "size"))
    last = demand.month.max()
    future = pd.date_range(last + pd.DateOffset(months=1), periods=horizon, freq="MS")
    grid = pd.MultiIndex.from_product([level.index, future], names=["product_id", "month"]).to_frame(index=False)
    grid = grid.merge(level.reset_index(), on="product_id")
    # The level stands for the middle of its window, so the trend counts from there.
    ahead = ((grid.month.dt.year - last.year) * 12 + grid.month.dt.month - last.month) + (grid.months - 1) / 2
    grid["growth"] = growth
    grid["seasonal_index"] = grid.month.dt.month.map(season).to_numpy()
    grid["forecast"] = (grid.level * (1 + growth * ahead)).clip(lower=0) * grid.seasonal_index
    return grid[["product_id", "month", "forecast", "level", "growth", "seasonal_index"]]


def holdout_forecast(demand: pd.DataFrame, holdout_months: int = 6, **model_options) -> pd.DataFrame:
    """Fit on all but the last ``holdout_months`` months of ``demand`` and forecast those months.

    Because the world's truth has no product-level orders after the observation window,
    the hold-out is the final months of the observed data. Two naive baselines sit beside
    the model: ``last_year`` (units of the same month a year before, or the last training
    month when the product was not sold then) and ``last_value`` (the last training month).

    Returns
    -------
    DataFrame
        ``product_id``, ``month``, ``actual``, ``forecast``, ``last_year`` and ``last_value``
        for every product on sale in the training months. Products launched during the
        hold-out are left out: no method could forecast them from their own sales.

    Examples
    --------
    >>> months = pd.date_range("2022-01-01", periods=36, freq="MS")
    >>> demand = pd.DataFrame({"product_id": 1, "month": months, "units": range(36)})
    >>> holdout_forecast(demand, holdout_months=3)[["actual", "last_year", "last_value"]].values.tolist()[0]
    [33.0, 21.0, 32.0]
    """
    require_columns(demand, ["product_id", "month", "units"], "demand")
    months = np.sort(demand.month.unique())
    if holdout_months < 1 or len(months) < holdout_months + 12:
        raise DataError(f"holdout_months = {holdout_months!r}: need 1 or more and at least 12 training months "
                        f"(the demand covers {len(months)} months)")
    start = pd.Timestamp(months[-holdout_months])
    train, test = demand[demand.month < start], demand[demand.month >= start]
    model = fit_seasonal_forecast(train, horizon=holdout_months, **model_options)
    table = test[["product_id", "month", "units"]].rename(columns={"units": "actual"})
    table = table.merge(model[["product_id", "month", "forecast"]], on=["product_id", "month"], how="inner")
    history = train.set_index(["product_id", "month"]).units
    last_value = train.sort_values("month").groupby("product_id").units.last()
    year_before = pd.MultiIndex.from_arrays([table.product_id, table.month - pd.DateOffset(years=1)])
    table["last_value"] = table.product_id.map(last_value).to_numpy()
    same_month_last_year = history.reindex(year_before).to_numpy(dtype=float)
    table["last_year"] = np.where(np.isnan(same_month_last_year), table.last_value, same_month_last_year)
    return table.sort_values(["product_id", "month"], ignore_index=True)


def forecast_accuracy(holdout: pd.DataFrame, methods=("forecast", "last_year", "last_value")) -> pd.DataFrame:
    """Error of each forecast column of :func:`holdout_forecast` against ``actual``.

    Returns one row per method: ``method``, ``mae`` (mean absolute error in units),
    ``wape`` (total absolute error over total actual units) and ``bias`` (total forecast
    over total actual, minus 1); lowest wape first.

    >>> holdout = pd.DataFrame({"actual": [10, 20], "forecast": [11, 19], "last_year": [5, 10],
    ...     "last_value": [10, 10]})
    >>> forecast_accuracy(holdout).method.tolist()
    ['forecast', 'last_value', 'last_year']
    """
    require_columns(holdout, ["actual", *methods], "holdout")
    actual = holdout.actual.astype(float)
    rows = [{"method": m, "mae": (holdout[m] - actual).abs().mean(),
             "wape": (holdout[m] - actual).abs().sum() / actual.sum(),
             "bias": holdout[m].sum() / actual.sum() - 1} for m in methods]
    return pd.DataFrame(rows).sort_values("wape", ignore_index=True)
