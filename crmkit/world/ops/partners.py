"""Partners: the firms in the company's supply chain and channels (collaborative CRM in its
second sense: separate firms aligned around the customer), with the data they share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from crmkit.world.sections import Remark, Section
from crmkit.world.vocabulary import terms
from crmkit.world.words import words_of


class Partner(Section):
    name: str
    kind: str
    region: str | None = None
    since: dt.date
    data_shared: list[str] = Field(description="What flows between the firms (vocabulary shared_data).")
    joint_campaign: str | None = Field(None, description="Name of a campaign in the plan run together, if any.")

    @model_validator(mode="after")
    def _vocab(self):
        if self.kind not in terms("partner_kind"):
            raise ValueError(f"kind {self.kind!r} is not allowed; allowed: {', '.join(terms('partner_kind'))}")
        unknown = set(self.data_shared) - set(terms("shared_data"))
        if unknown:
            raise ValueError(f"data_shared has {sorted(unknown)[0]!r}; allowed: {', '.join(terms('shared_data'))}")
        return self


class PartnersConfig(Section):
    remark: Remark
    items: list[Partner]

    def check_against(self, config) -> None:
        """Each partner's region is one of the world's (its ``words.geography.regions``)."""
        regions = words_of(config).geography.regions
        for partner in self.items:
            if partner.region is not None and partner.region not in regions:
                raise ValueError(f"partners: region {partner.region!r} is not one of the world's regions "
                                 f"(words.geography.regions): {', '.join(regions)}")


def tables(config) -> dict[str, pd.DataFrame]:
    """The ``partners`` table, straight from the config (ids from 1)."""
    if config.partners is None:
        return {}
    campaign_ids = {c.name: i + 1 for i, c in enumerate(config.campaigns.plan)}
    items = config.partners.items  # joint campaigns were checked against the plan with the config
    return {"partners": pd.DataFrame({
        "partner_id": np.arange(1, len(items) + 1),
        "name": [p.name for p in items],
        "kind": [p.kind for p in items],
        "region": [p.region for p in items],
        "since": [pd.Timestamp(p.since) for p in items],
        "data_shared": [", ".join(p.data_shared) for p in items],
        "joint_campaign_id": pd.array([campaign_ids.get(p.joint_campaign) for p in items], dtype="Int64"),
    })}
