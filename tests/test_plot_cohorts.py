"""The cohort heatmap of lesson 07 reads on its own: numbers in every cell, a colour bar for
months 1 onwards (month 0 is 100 % by definition), no grid lines over the cells."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import seaborn as sns

from crmkit.plots import plot_cohort_retention


@pytest.fixture
def cohorts():
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    rows = [(c, m, 1.0 if m == 0 else 0.3 / m + 0.01 * i) for i, c in enumerate(months) for m in range(3 - i)]
    return pd.DataFrame(rows, columns=["cohort", "months_since", "retention"])


@pytest.mark.parametrize("style", ["darkgrid", "whitegrid", "white"])
def test_the_heatmap_has_numbers_a_colour_bar_and_no_grid(cohorts, style):
    with sns.axes_style(style):
        ax = plot_cohort_retention(cohorts)
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(f"{v:.0%}" for v in cohorts["retention"])  # every cell, month 0 too
    mesh = ax.collections[0]
    assert mesh.colorbar is not None and "months 1+" in mesh.colorbar.ax.get_ylabel()
    assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())
    later = cohorts.loc[cohorts["months_since"] > 0, "retention"]
    assert mesh.norm.vmax == pytest.approx(later.max())  # month 0's 100 % does not set the scale
    coloured = np.ma.getmaskarray(mesh.get_array()).reshape(3, 3)
    assert coloured[:, 0].all()  # month 0 cells left uncoloured


def test_a_world_with_only_month_zero_still_draws(cohorts):
    ax = plot_cohort_retention(cohorts[cohorts["months_since"] == 0])
    assert sorted(t.get_text() for t in ax.texts) == ["100%"] * 3
