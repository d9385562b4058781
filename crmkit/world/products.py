"""What a case's ``products`` section may say: the catalogue, tastes, missions and affinities.

A catalogue is a tree (category, subcategory, product) with a brand on every product. Three
optional parts make product choice behave like real buying:

* ``taste``: each customer's lasting liking for categories, brands and single products,
  drawn once (gamma multipliers of mean 1, so the normalised tastes are Dirichlet, the
  brand-choice model of Goodhardt, Ehrenberg and Chatfield 1984). The lower a shape, the
  more a customer sticks to a few favourites: repeat buying of the same items follows.
* ``missions``: why a trip was made (a top-up, a big shop, a weekend away...), which scales
  how many lines its basket has.
* ``affinities``: designed complements (buying from one group adds a line from another)
  and substitutes (one group in a basket pushes the other out), declared
  as ``source``/``target`` pairs. A group is every product whose sku, subcategory or
  category bears the name.

Absent parts leave choice as before: every customer of a persona picks alike.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from crmkit.world.sections import Date, NonNegative, Positive, Probability, Remark, Section

# Gamma shapes of taste: 0.05 makes nearly every customer a one-product buyer; 1000 is
# no taste at all (every customer alike). Published Dirichlet fits of brand choice in
# grocery categories give an S (sum of the alphas) of about 0.5-3 (Ehrenberg 1988).
TasteShape = Annotated[Positive, Field(ge=0.05, le=1000)]


class Product(Section):
    sku: str
    name: str
    category: str
    subcategory: str | None = Field(None, description="The product's group within its category (default: the category).")
    brand: str | None = Field(None, description="The product's brand (default: the catalogue's house brand).")
    # Money in the case's currency: ten million buys a fleet, not a basket.
    list_price: NonNegative = Field(le=10_000_000)
    unit_cost: NonNegative = Field(le=10_000_000)
    weight: Positive = Field(le=1_000_000)  # relative popularity within its category
    launched_on: Date | None = None


class Taste(Section):
    remark: Remark
    category_shape: TasteShape = Field(description="Gamma shape of each customer's liking for each category.")
    brand_shape: TasteShape = Field(description="Gamma shape of each customer's liking for each brand.")
    item_shape: TasteShape = Field(description="Gamma shape of each customer's liking for each product.")


class Mission(Section):
    share: Probability = Field(description="Share of orders made on this mission.")
    # A big weekly shop has about ten times the lines of a top-up trip; 20 is past any mission.
    lines_multiplier: Positive = Field(le=20, description="Lines of such a basket over the customer's usual (rescaled to mean 1).")


class Missions(Section):
    remark: Remark
    kinds: dict[str, Mission] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _shares(self):
        if sum(m.share for m in self.kinds.values()) <= 0:
            raise ValueError("missions.kinds: the shares must not all be zero")
        return self


class Affinity(Section):
    source: str = Field(description="A sku, subcategory or category: the group bought first.")
    target: str = Field(description="The group it brings into the basket or pushes out.")
    kind: Literal["complement", "substitute"]
    chance: Probability = Field(description="Complement: chance per line of `source` of adding a line of `target`; "
                                            "substitute: chance that `target`'s lines leave a basket holding `source`.")


class Affinities(Section):
    remark: Remark
    pairs: list[Affinity] = Field(max_length=500)  # a designed list, read by people: hundreds at most


class Catalogue(Section):
    remark: Remark
    house_brand: str = Field("own", min_length=1, description="Brand of the products that name none.")
    items: list[Product] = Field(min_length=1, max_length=10_000)  # the cases: 20-260 products
    taste: Taste | None = None
    missions: Missions | None = None
    affinities: Affinities | None = None

    @model_validator(mode="after")
    def _groups(self):
        skus = [p.sku for p in self.items]
        if len(set(skus)) != len(skus):
            raise ValueError("products.items: every sku must be unique")
        names = set(skus) | {p.category for p in self.items} | {p.subcategory for p in self.items if p.subcategory}
        for i, pair in enumerate(self.affinities.pairs if self.affinities else []):
            for field, name in (("source", pair.source), ("target", pair.target)):
                if name not in names:
                    raise ValueError(f"products.affinities.pairs.{i}.{field} = {name!r}: not a sku, subcategory or "
                                     "category of the products")
        return self

    def brand_of(self, product: Product) -> str:
        return product.brand or self.house_brand

    def group(self, name: str) -> list[int]:
        """Indexes of the products whose sku, subcategory or category is ``name``."""
        return [i for i, p in enumerate(self.items) if name in (p.sku, p.category, p.subcategory)]
