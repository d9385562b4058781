"""What goes into a basket beyond single picks: missions, complements and substitutes.

Missions scale how many lines an order has (rescaled so that their mean is 1: they reshape
baskets without changing the average). Complements and substitutes are the case's designed
affinities (:mod:`crmkit.world.products`); :func:`affinity_truth` lists them product by
product, so market-basket analysis can be scored against them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def mission_multipliers(rng, config, orders: int) -> np.ndarray:
    """Each order's lines multiplier from its mission (all ones without missions)."""
    missions = config.products.missions
    if missions is None:
        return np.ones(orders)
    kinds = list(missions.kinds.values())
    share = np.array([m.share for m in kinds])
    share = share / share.sum()
    lines = np.array([m.lines_multiplier for m in kinds])
    lines = lines / (share @ lines)
    return lines[np.searchsorted(np.cumsum(share), rng.random(orders), side="right").clip(0, len(kinds) - 1)]


def _pairs(config, kind: str):
    catalogue = config.products
    for pair in catalogue.affinities.pairs if catalogue.affinities else []:
        if pair.kind == kind:
            yield np.array(catalogue.group(pair.source)), np.array(catalogue.group(pair.target)), pair.chance


def add_complements(rng, config, tastes, order_row, product, customer, epoch):
    """Lines added by complements: each line of a ``source`` group brings, with the pair's
    chance, a line of the ``target`` group picked by the same customer's taste.

    ``customer`` and ``epoch`` are per order. Only the drawn lines trigger (an added line
    brings nothing more). Returns the new ``order_row`` and ``product`` arrays.
    """
    rows, picks = [order_row], [product]
    for source, target, chance in _pairs(config, "complement"):
        hit = order_row[np.isin(product, source) & (rng.random(len(product)) < chance)]
        available = tastes.tree.on_sale[epoch[hit]][:, target].sum(axis=1) > 0
        hit = hit[available]
        rows.append(hit)
        picks.append(tastes.draw_among(rng, customer[hit], epoch[hit], target))
    order_row, product = np.concatenate(rows), np.concatenate(picks)
    sort = np.argsort(order_row, kind="stable")
    return order_row[sort], product[sort]


def drop_substitutes(rng, config, order_row, product, orders: int):
    """Lines removed by substitutes: with the pair's chance (one draw per basket), a basket
    holding a ``source`` product loses its ``target`` lines. Returns the kept lines."""
    keep = np.ones(len(product), dtype=bool)
    for source, target, chance in _pairs(config, "substitute"):
        has_source = np.bincount(order_row[keep & np.isin(product, source)], minlength=orders) > 0
        leaves = has_source & (rng.random(orders) < chance)
        keep &= ~(np.isin(product, target) & ~np.isin(product, source) & leaves[order_row])
    return order_row[keep], product[keep]


def complement_value(config, tastes) -> np.ndarray:
    """Per customer: the list value that complements add to one ordinary drawn line."""
    extra = np.zeros(len(tastes.weights))
    choice = tastes.choice()
    for source, target, chance in _pairs(config, "complement"):
        extra += chance * choice[:, source].sum(axis=1) * (tastes.choice(among=target) @ tastes.tree.prices[target])
    return extra


def affinity_truth(config) -> pd.DataFrame:
    """The ``truth.product_affinities`` rows: every designed pair, product by product."""
    catalogue, parts = config.products, []
    for pair in catalogue.affinities.pairs if catalogue.affinities else []:
        source, target = catalogue.group(pair.source), catalogue.group(pair.target)
        grid = np.array([(s, t) for s in source for t in target if s != t], dtype=np.int64).reshape(-1, 2)
        parts.append(pd.DataFrame({"product_id": grid[:, 0], "other_product_id": grid[:, 1],
                                   "kind": pair.kind, "chance": pair.chance}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"product_id": np.array([], dtype=np.int64), "other_product_id": np.array([], dtype=np.int64),
         "kind": np.array([], dtype=object), "chance": np.array([], dtype=float)})
    table.insert(0, "affinity_id", np.arange(len(table), dtype=np.int64))
    return table
