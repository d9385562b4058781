"""Orders and their lines: channel, products, quantities, prices, discounts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.arrays import mean_one_lognormal
from crmkit.world.baskets import add_complements, complement_value, drop_substitutes, mission_multipliers
from crmkit.world.codes import codes_of
from crmkit.world.dictionary import round_money
from crmkit.world.people import PersonaTable
from crmkit.world.taste import persona_weights


def basket_means(config, persona: np.ndarray, spend_factor: np.ndarray, mission=1.0) -> tuple[np.ndarray, np.ndarray]:
    """Mean lines per order and units per line; bigger spenders buy more of both, and an
    order's mission (mean 1) scales its lines."""
    personas = PersonaTable.of(config)
    lines = 1 + (personas.param(config, "lines_per_order")[persona] - 1) * spend_factor * mission
    units = 1 + (personas.param(config, "units_per_line")[persona] - 1) * spend_factor
    return lines, units


def order_factors(rng, config, persona: np.ndarray) -> np.ndarray:
    """Each order's own size, relative to its customer's usual basket: log-normal, mean 1."""
    sigma = PersonaTable.of(config).param(config, "order_spread")[persona]
    return mean_one_lognormal(rng, sigma)


def expected_order_value(config, persona, spend_factor, tastes=None) -> np.ndarray:
    """The true mean value of an ordinary (undiscounted) order, per customer.

    Lines and units per line both grow with the order's own factor f (mean 1), so the
    mean of their product carries E[f^2] = exp(sigma^2) on the part where both grew. The
    mission (mean 1, independent of f) leaves the mean unchanged. With ``tastes``, a line
    is worth the customer's own mean price plus what its complements add (substitutes,
    which remove a few lines, are left out: the value is slightly high where a case
    declares them); without, the persona's mean price.
    """
    lines, units = basket_means(config, persona, spend_factor)
    sigma = PersonaTable.of(config).param(config, "order_spread")[persona]
    mean_size = lines * units + (lines - 1) * (units - 1) * (np.exp(sigma ** 2) - 1)
    if tastes is None:
        weights = persona_weights(config)
        prices = np.array([p.list_price for p in config.products.items], dtype=float)
        return mean_size * ((weights @ prices) / weights.sum(axis=1))[persona]
    return mean_size * (tastes.mean_price() + complement_value(config, tastes))


def build_orders(block, people: dict, life) -> dict[str, np.ndarray]:
    """All orders of the block (observed and hold-out), sorted by customer and time."""
    config = block.config
    log = life.orders.result()
    issue = np.concatenate(life.service_issue) if life.service_issue else np.array([], dtype=np.int8)
    recovered = np.concatenate(life.service_recovered) if life.service_recovered else np.array([], dtype=bool)
    order = np.lexsort((log["time"], log["customer"]))
    orders = {
        "customer": log["customer"][order].astype(np.int64),
        "time": log["time"][order],
        "campaign": log["campaign"][order].astype(np.int64),
        "issue": issue[order],
        "recovered": recovered[order],
    }
    orders["incremental"] = orders["campaign"] >= 0
    rng = block.rng("orders")
    orders["channel"] = _channels(rng, config, people["persona"][orders["customer"]], orders["campaign"])
    return orders


def _channels(rng, config, persona, campaign) -> np.ndarray:
    personas = PersonaTable.of(config)
    codes = codes_of(config)  # the world's own order channels
    channels = codes.order_channel
    mix = np.array([[config.personas[p].channel_mix.get(c, 0.0) for c in channels] for p in personas.names])
    cdf = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    drawn = (rng.random(len(persona))[:, None] > cdf[persona]).sum(axis=1).clip(0, len(channels) - 1)
    by_campaign = np.array([codes.code("order_channel", codes.order_channel_of_campaign[c.channel]) for c in config.campaigns.plan] + [0])
    return np.where(campaign >= 0, by_campaign[campaign], drawn)


def attribute_redemptions(orders: dict, members: dict, response: dict) -> None:
    """Credit each treated responder's first order in the window to the campaign."""
    treated = ~members["control"].astype(bool) & response["hit"]
    rows = response["response_order"][treated]
    free = orders["campaign"][rows] < 0
    orders["campaign"][rows[free]] = members["campaign"][treated][free].astype(np.int64)


def build_items(block, people: dict, orders: dict, tastes) -> tuple[dict, dict]:
    """Order lines, and the orders' amounts computed from them.

    Each line's product follows its customer's lasting taste (:mod:`crmkit.world.taste`);
    complements then add lines and substitutes remove some (:mod:`crmkit.world.baskets`).
    """
    config = block.config
    rng = block.rng("items")
    cust = orders["customer"]
    persona = people["persona"][cust]
    factor = order_factors(rng, config, persona)
    mission = mission_multipliers(rng, config, len(cust))
    lines_mean, units_mean = basket_means(config, persona, people["true_spend_factor"][cust] * factor, mission)
    n_lines = 1 + rng.poisson(lines_mean - 1)
    order_row = np.repeat(np.arange(len(cust)), n_lines)
    product = tastes.draw_products(rng, cust[order_row], orders["time"][order_row])
    epoch = np.searchsorted(tastes.tree.epochs, orders["time"], side="right") - 1
    order_row, product = add_complements(rng, config, tastes, order_row, product, cust, epoch)
    order_row, product = drop_substitutes(rng, config, order_row, product, len(cust))
    quantity = 1 + rng.poisson(units_mean[order_row] - 1)
    unit_price = tastes.tree.prices[product]
    line_amount = round_money(quantity * unit_price)
    gross = round_money(np.bincount(order_row, weights=line_amount, minlength=len(cust)))
    discount_pct = np.array([c.discount_pct for c in config.campaigns.plan] + [0.0])[orders["campaign"]]
    discount = round_money(gross * discount_pct)
    orders.update(gross=gross, discount=discount, net=round_money(gross - discount),
                  item_count=np.bincount(order_row, weights=quantity, minlength=len(cust)).astype(np.int64))
    items = {"order": order_row, "product": product, "quantity": quantity, "unit_price": unit_price, "line_amount": line_amount}
    return orders, items


def products_table(config) -> pd.DataFrame:
    """The ``products`` table (ids from 1, in config order)."""
    products = config.products.items
    launch = [pd.Timestamp(p.launched_on or config.calendar.start_date) for p in products]
    return pd.DataFrame({
        "product_id": np.arange(1, len(products) + 1),
        "sku": [p.sku for p in products],
        "name": [p.name for p in products],
        "category": [p.category for p in products],
        "subcategory": [p.subcategory or p.category for p in products],
        "brand": [config.products.brand_of(p) for p in products],
        "list_price": [p.list_price for p in products],
        "unit_cost": [p.unit_cost for p in products],
        "launched_on": launch,
    })
