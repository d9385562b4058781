"""A self-assessment against a CRM model: a score per building block and the weakest blocks.

Gartner's eight building blocks of CRM are a checklist of what a CRM initiative needs
(Nelson, 2003). A company scores itself on each block, from 1 (missing) to 5 (strong);
the weakest blocks are where to act first. The same functions work for any model of
:mod:`crmkit.frameworks` whose stages can be scored (Buttle's value chain, Payne's
processes...). The chart is :func:`crmkit.plots.plot_assessment`.

>>> from crmkit.frameworks.assessment import assess, weakest_blocks
>>> scores = {"vision": 4, "strategy": 3, "valued_customer_experience": 3, "organisational_collaboration": 2,
...           "processes": 3, "information": 2, "technology": 4, "metrics": 3}
>>> weakest_blocks(assess(scores))
['Organisational collaboration', 'CRM information']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, describe_allowed

__all__ = ["SCALE", "assess", "weakest_blocks"]

#: The score range: 1 = the block is missing, 5 = it is strong.
SCALE = (1, 5)
DEFAULT_FRAMEWORK = "gartner_building_blocks"


def _stages(framework: str, conditions: bool = False):
    from crmkit import frameworks  # the models load from YAML on first use

    model = frameworks.load(framework)
    if conditions and not model.conditions:
        raise ConfigError(f"conditions=True: the model {framework!r} has no supporting conditions to score")
    return model.stages + (model.conditions if conditions else ())


def _checked_scores(scores, keys: list[str], scale: tuple[float, float]) -> dict[str, float]:
    if isinstance(scores, pd.Series):
        scores = scores.to_dict()
    if not isinstance(scores, Mapping):
        raise ConfigError(f"scores: expected a dict or Series of block key -> score, got {type(scores).__name__}")
    unknown = [key for key in scores if key not in keys]
    if unknown:
        raise ConfigError(f"scores: unknown block {unknown[0]!r}: {describe_allowed(keys)}")
    missing = [key for key in keys if key not in scores]
    if missing:
        raise ConfigError(f"scores: no score for {missing[0]!r}; every block needs one ({', '.join(keys)})")
    low, high = scale
    checked = {}
    for key in keys:
        value = scores[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not low <= value <= high:
            raise ConfigError(f"scores[{key!r}] = {value!r}: must be a number from {low} to {high}")
        checked[key] = float(value)
    return checked


def assess(scores, framework: str = DEFAULT_FRAMEWORK, weakest: int = 2, scale: tuple[float, float] = SCALE,
           conditions: bool = False) -> pd.DataFrame:
    """A self-assessment as a table: one row per block, in the model's order.

    Parameters
    ----------
    scores : dict or Series
        Block key -> score, one for every stage of ``framework`` (see
        ``crmkit.frameworks.load(framework).stage_keys``).
    framework : str, default "gartner_building_blocks"
        The model whose stages are scored.
    weakest : int, default 2
        How many blocks to flag as the weakest. Blocks tied with the last of them are
        flagged too: a tie is not broken at random.
    scale : tuple of float, default (1, 5)
        The lowest and highest score allowed.
    conditions : bool, default False
        Score the model's supporting conditions too, after its stages (Buttle's value chain:
        leadership and culture, data and IT, people, processes). A strong chain on weak
        conditions is still a weak CRM, so the weakest block may be a condition.

    Returns
    -------
    DataFrame
        ``key``, ``block`` (the stage's name), ``score``, ``gap`` (to the top of the
        scale), ``rank`` (1 = the lowest score; tied blocks share the rank) and ``weakest``
        (bool).

    Examples
    --------
    >>> table = assess({"customer_portfolio_analysis": 2, "customer_intimacy": 4, "network_development": 2,
    ...                 "value_proposition_development": 5, "manage_customer_lifecycle": 3},
    ...                framework="buttle_value_chain", weakest=1)
    >>> table[["key", "score", "rank", "weakest"]]
                                 key  score  rank  weakest
    0    customer_portfolio_analysis    2.0     1     True
    1              customer_intimacy    4.0     4    False
    2            network_development    2.0     1     True
    3  value_proposition_development    5.0     5    False
    4      manage_customer_lifecycle    3.0     3    False

    With the value chain's four supporting conditions folded in:

    >>> chain = {"customer_portfolio_analysis": 4, "customer_intimacy": 4, "network_development": 3,
    ...          "value_proposition_development": 4, "manage_customer_lifecycle": 3}
    >>> weakest_blocks(assess({**chain, "leadership_and_culture": 2, "data_and_it": 3, "people": 4, "processes": 3},
    ...                       framework="buttle_value_chain", weakest=1, conditions=True))
    ['Leadership and culture']
    """
    stages = _stages(framework, conditions)
    keys = [stage.key for stage in stages]
    if isinstance(weakest, bool) or not isinstance(weakest, (int, np.integer)) or not 1 <= weakest <= len(keys):
        raise ConfigError(f"weakest = {weakest!r}: must be a whole number from 1 to {len(keys)}")
    checked = _checked_scores(scores, keys, scale)
    table = pd.DataFrame({"key": keys, "block": [stage.name for stage in stages], "score": [checked[k] for k in keys]})
    table["gap"] = scale[1] - table["score"]
    table["rank"] = table["score"].rank(method="min").astype("int64")
    cut = table["score"].nsmallest(weakest).max()  # the score of the last weakest block: ties with it count too
    table["weakest"] = table["score"] <= cut
    return table


def weakest_blocks(assessment: pd.DataFrame) -> list[str]:
    """Names of the blocks flagged ``weakest`` by :func:`assess`, lowest score first
    (the model's order among equal scores).

    >>> weakest_blocks(pd.DataFrame({"block": ["A", "B", "C"], "score": [3.0, 1.0, 3.0],
    ...                              "weakest": [True, True, True]}))
    ['B', 'A', 'C']
    """
    missing = [c for c in ("block", "score", "weakest") if c not in assessment.columns]
    if missing:
        raise ConfigError(f"assessment: column {missing[0]!r} is missing; pass the table made by assess()")
    flagged = assessment[assessment["weakest"].astype(bool)]
    return flagged.sort_values("score", kind="stable")["block"].tolist()
