"""Each customer's lasting product taste, and the product choice it drives.

A customer's chance of picking product j on a line is proportional to

    popularity(j) x persona affinity(category of j) x C(category) x B(brand) x I(j)

where C, B and I are the customer's own gamma multipliers of mean 1, drawn once from the
block's ``taste`` generator (see :mod:`crmkit.world.products`). Products not yet launched
get no chance. The same tastes give each customer's expected price per line (for the
true order value) and the truth tables of tastes and designed affinities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from crmkit.world.arrays import TRUTH_DECIMALS, take_text
from crmkit.world.baskets import affinity_truth
from crmkit.world.people import PersonaTable


@dataclass(frozen=True)
class ProductTree:
    """The catalogue as aligned arrays: category and brand of each product, prices, launch days."""

    categories: tuple[str, ...]
    brands: tuple[str, ...]
    category: np.ndarray  # product -> index into categories
    brand: np.ndarray  # product -> index into brands
    prices: np.ndarray
    epochs: np.ndarray  # days at which the set of products on sale changes
    on_sale: np.ndarray  # epoch x product: 1 if on sale

    @classmethod
    def of(cls, config, timeline) -> ProductTree:
        catalogue = config.products
        items = catalogue.items
        categories = tuple(dict.fromkeys(p.category for p in items))
        brands = tuple(dict.fromkeys(catalogue.brand_of(p) for p in items))
        launch = np.array([timeline.days_of(p.launched_on) if p.launched_on else -np.inf for p in items])
        epochs = np.unique(np.r_[-np.inf, launch[np.isfinite(launch)]])
        return cls(categories, brands,
                   np.array([categories.index(p.category) for p in items]),
                   np.array([brands.index(catalogue.brand_of(p)) for p in items]),
                   np.array([p.list_price for p in items], dtype=float), epochs,
                   (launch[None, :] <= epochs[:, None]).astype(float))


def persona_weights(config) -> np.ndarray:
    """Persona x product: base popularity times the persona's liking for the category."""
    items = config.products.items
    base = np.array([p.weight for p in items], dtype=float)
    return np.array([[base[j] * config.personas[name].category_affinity.get(p.category, 1.0)
                      for j, p in enumerate(items)] for name in PersonaTable.of(config).names])


def _multipliers(rng, shape: float | None, size: tuple[int, int]) -> np.ndarray:
    """Gamma draws of mean 1 (all ones when the case declares no taste)."""
    return np.ones(size) if shape is None else rng.gamma(shape, 1 / shape, size)


@dataclass(frozen=True)
class Tastes:
    """The product-choice weights of every customer of a block."""

    tree: ProductTree
    weights: np.ndarray  # customer x product, full range on sale (unnormalised)
    category_taste: np.ndarray  # customer x category multipliers
    brand_taste: np.ndarray  # customer x brand multipliers

    @classmethod
    def draw(cls, block, persona: np.ndarray) -> Tastes:
        config = block.config
        tree = ProductTree.of(config, block.timeline)
        taste, n = config.products.taste, len(persona)
        rng = block.rng("taste")
        shape = (lambda name: getattr(taste, name)) if taste else (lambda name: None)
        category = _multipliers(rng, shape("category_shape"), (n, len(tree.categories)))
        brand = _multipliers(rng, shape("brand_shape"), (n, len(tree.brands)))
        item = _multipliers(rng, shape("item_shape"), (n, len(tree.prices)))
        weights = persona_weights(config)[persona] * category[:, tree.category] * brand[:, tree.brand] * item
        return cls(tree, weights, category, brand)

    def choice(self, customers: np.ndarray | None = None, epoch: int = -1, among=None) -> np.ndarray:
        """Normalised chances of each product per customer (rows), at an epoch, within ``among``."""
        w = self.weights if customers is None else self.weights[customers]
        w = w * self.tree.on_sale[epoch]
        if among is not None:
            w = w[:, among]
        total = w.sum(axis=1, keepdims=True)
        return np.divide(w, total, out=np.zeros_like(w), where=total > 0)

    def draw_products(self, rng, customer: np.ndarray, times: np.ndarray) -> np.ndarray:
        """One product per line, by its customer's taste among the products on sale then."""
        epoch = np.searchsorted(self.tree.epochs, times, side="right") - 1
        return self.draw_among(rng, customer, epoch, np.arange(len(self.tree.prices)))

    def draw_among(self, rng, customer: np.ndarray, epoch: np.ndarray, among: np.ndarray) -> np.ndarray:
        """One product of ``among`` per line, by taste; lines are grouped by (customer, epoch)."""
        out = np.empty(len(customer), dtype=np.int64)
        u = rng.random(len(customer))
        for e in np.unique(epoch):
            rows = np.flatnonzero(epoch == e)
            who, local = np.unique(customer[rows], return_inverse=True)
            cdf = np.cumsum(self.choice(who, e, among), axis=1)
            # One search over all the customers' CDFs laid end to end (row r spans [r, r + 1]).
            flat = (cdf + np.arange(len(who))[:, None]).ravel()
            pick = np.searchsorted(flat, local + u[rows], side="right") - local * len(among)
            out[rows] = among[pick.clip(0, len(among) - 1)]
        return out

    def mean_price(self) -> np.ndarray:
        """Each customer's expected list price of a line (full range on sale)."""
        return self.choice() @ self.tree.prices

    def shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Customer x category and customer x brand: the true share of lines in each."""
        p = self.choice()
        by = lambda index, k: np.stack([p[:, index == i].sum(axis=1) for i in range(k)], axis=1)  # noqa: E731
        return by(self.tree.category, len(self.tree.categories)), by(self.tree.brand, len(self.tree.brands))

    def truth(self) -> pd.DataFrame:
        """The ``truth.customer_taste`` rows: every customer's share of lines per brand and category."""
        category, brand = self.shares()
        n, names = len(category), self.tree.brands + self.tree.categories
        k, unique = len(names), list(dict.fromkeys(names))  # a brand may share a category's name
        codes = np.array([unique.index(name) for name in names])
        # Built in row order (customer, then brands, then categories): no sort needed.
        return pd.DataFrame({
            "taste_id": np.arange(n * k, dtype=np.int64), "customer_id": np.repeat(np.arange(n), k),
            # Text taken in Arrow: the dictionary types these columns as text, not categories.
            "level": take_text(pa.array(["brand", "category"]),
                               np.tile(np.repeat([0, 1], [len(self.tree.brands), len(self.tree.categories)]), n)),
            "name": take_text(pa.array(unique), np.tile(codes, n)),
            "share": np.round(np.concatenate([brand, category], axis=1).ravel(), TRUTH_DECIMALS),
            "_customer": np.repeat(np.arange(n), k)})


def taste_frames(block, tastes: Tastes) -> dict[str, pd.DataFrame]:
    """The block's taste truth; the designed affinities ride on block 0 only (they are the
    same for every block, and every world has a block 0)."""
    affinities = affinity_truth(block.config)
    affinities = affinities.iloc[: len(affinities) if block.index == 0 else 0]
    # Every world keeps at least customer 0 of block 0, so the rows survive the last-block cut.
    return {"truth.customer_taste": tastes.truth(), "truth.product_affinities": affinities.assign(_customer=0)}
