"""The self-assessment against a CRM model: scores checked, weakest blocks flagged (ties kept), charts drawn."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit import frameworks  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.frameworks.assessment import SCALE, assess, weakest_blocks  # noqa: E402
from crmkit.plots.assessment import plot_assessment  # noqa: E402

BLOCKS = frameworks.load("gartner_building_blocks").stage_keys
SCORES = dict(zip(BLOCKS, [4, 3, 3, 2, 3, 1, 5, 3]))


def test_one_row_per_block_in_gartners_order_with_scores_gaps_and_ranks():
    table = assess(SCORES)
    assert table["key"].tolist() == BLOCKS
    assert table["block"].tolist() == [stage.name for stage in frameworks.load("gartner_building_blocks").stages]
    assert table["score"].tolist() == [4, 3, 3, 2, 3, 1, 5, 3]
    assert (table["gap"] == SCALE[1] - table["score"]).all()
    assert table.set_index("key").loc[["information", "organisational_collaboration", "technology"], "rank"].tolist() == [1, 2, 8]


def test_the_two_lowest_blocks_are_the_weakest():
    table = assess(SCORES)
    assert table.loc[table["weakest"], "key"].tolist() == ["organisational_collaboration", "information"]
    assert weakest_blocks(table) == ["CRM information", "Organisational collaboration"]


def test_a_tie_with_the_last_weakest_block_is_not_broken_at_random():
    scores = {**SCORES, "organisational_collaboration": 3}  # now four blocks share the second-lowest score
    table = assess(scores)
    assert weakest_blocks(table) == ["CRM information", "CRM strategy", "Valued customer experience",
                                     "Organisational collaboration", "CRM processes", "CRM metrics"]
    assert assess(dict.fromkeys(BLOCKS, 3))["weakest"].all()
    assert assess(SCORES, weakest=1)["weakest"].sum() == 1


def test_scores_may_come_as_a_series_and_the_input_is_not_changed():
    series = pd.Series(SCORES)
    before = series.copy()
    assert assess(series)["score"].tolist() == assess(SCORES)["score"].tolist()
    pd.testing.assert_series_equal(series, before)


def test_any_model_can_be_scored():
    chain = frameworks.load("buttle_value_chain").stage_keys
    table = assess(dict(zip(chain, [2, 5, 4, 3, 5])), framework="buttle_value_chain", weakest=1)
    assert weakest_blocks(table) == ["Customer portfolio analysis"]


@pytest.mark.parametrize("scores, words", [
    ({**SCORES, "vision": 6}, ["vision", "6", "1 to 5"]),
    ({**SCORES, "vision": "high"}, ["vision", "high"]),
    ({**SCORES, "vision": True}, ["vision", "True"]),
    ({k: v for k, v in SCORES.items() if k != "metrics"}, ["metrics", "every block"]),
    ({**SCORES, "budget": 3}, ["budget", "vision"]),
    ([3] * 8, ["dict", "list"]),
])
def test_bad_scores_get_one_clear_message(scores, words):
    with pytest.raises(ConfigError) as error:
        assess(scores)
    assert all(word in str(error.value) for word in words)


def test_bad_weakest_count_and_chart_kind_are_refused():
    with pytest.raises(ConfigError, match="weakest = 0"):
        assess(SCORES, weakest=0)
    with pytest.raises(ConfigError, match="'pie'"):
        plot_assessment(assess(SCORES), kind="pie")
    with pytest.raises(ConfigError, match="'weakest' is missing"):
        weakest_blocks(assess(SCORES).drop(columns="weakest"))


def test_the_radar_chart_marks_the_weakest_blocks_in_red():
    figure, ax = plt.subplots()
    assert plot_assessment(assess(SCORES), kind="radar", ax=ax) is ax
    labels = {text.get_text(): text.get_color() for text in ax.texts}
    assert labels["CRM information"] == labels["Organisational collaboration"] != labels["CRM vision"]
    assert set(assess(SCORES)["block"]) <= set(labels)
    plt.close(figure)


def test_the_bar_chart_has_one_bar_per_block_with_its_score():
    figure, ax = plt.subplots()
    plot_assessment(assess(SCORES), kind="bar", ax=ax)
    widths = [patch.get_width() for patch in ax.patches]
    assert widths == [4, 3, 3, 2, 3, 1, 5, 3]
    colours = {patch.get_facecolor() for patch in ax.patches}
    assert len(colours) == 2  # weakest and the others
    plt.close(figure)


def test_the_value_chain_assessment_can_fold_in_the_four_supporting_conditions():
    chain = frameworks.load("buttle_value_chain")
    scores = {**dict.fromkeys(chain.stage_keys, 4), "leadership_and_culture": 3, "data_and_it": 2, "people": 4,
              "processes": 2}
    table = assess(scores, framework="buttle_value_chain", weakest=1, conditions=True)
    assert table["key"].tolist() == chain.stage_keys + ["leadership_and_culture", "data_and_it", "people", "processes"]
    assert weakest_blocks(table) == ["Data and IT", "Processes"]  # tied: both flagged, the model's order
    with pytest.raises(ConfigError, match="no score for 'leadership_and_culture'"):
        assess(dict.fromkeys(chain.stage_keys, 4), framework="buttle_value_chain", conditions=True)
    with pytest.raises(ConfigError, match="has no supporting conditions"):
        assess({}, framework="idic", conditions=True)
