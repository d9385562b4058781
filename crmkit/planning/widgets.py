"""The launch-risk widget: a thin ipywidgets shell over :func:`launch_risk`."""

from __future__ import annotations

from crmkit.planning.io import load_plan
from crmkit.planning.launch import launch_risk
from crmkit.planning.model import Plan
from crmkit.planning.risk import METHODS


def launch_risk_explorer(plan: Plan | str = "pschse", runs: int = 10_000, seed=0):
    """Sliders for the buffer, the uncertainty and the correlation, and a dropdown for the draw method.

    Returns an ``ipywidgets.interactive`` whose ``result`` attribute is the current
    :class:`~crmkit.planning.launch.LaunchRisk`; its children are the buffer slider, the
    uncertainty slider, the method dropdown and the correlation slider, so a test can set a
    value and read it.

    In a notebook (tests/planning/test_widgets.py drives it the same way)::

        explorer = launch_risk_explorer(runs=500, seed=1)
        explorer.children[0].value = 25        # a 25-day buffer
        explorer.result.p_committed            # chance of meeting the committed date
    """
    import ipywidgets as widgets  # heavy, and only needed when a widget is shown
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.display import display

    plan = load_plan(plan) if isinstance(plan, str) else plan

    def show(buffer_days: int, uncertainty: float, method: str, correlation: float):
        figure, ax = plt.subplots(figsize=(9, 4), layout="constrained")
        risk = launch_risk(plan, buffer_days=buffer_days, uncertainty=uncertainty, runs=runs, seed=seed,
                           method=method, ax=ax, correlation=correlation)
        if get_ipython() is not None:  # in a notebook: show the picture above the summary
            display(figure)
        plt.close(figure)
        return risk

    style = {"description_width": "10em"}
    return widgets.interactive(
        show,
        buffer_days=widgets.IntSlider(10, min=0, max=40, description="buffer (working days)", style=style),
        uncertainty=widgets.FloatSlider(1.0, min=0.0, max=2.0, step=0.25, description="uncertainty (x range)", style=style),
        method=widgets.Dropdown(options=METHODS, value="pert", description="draws", style=style),
        correlation=widgets.FloatSlider(0.0, min=0.0, max=0.9, step=0.1, description="correlation", style=style),
    )
