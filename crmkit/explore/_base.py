"""The one pattern every explorer follows: a pure function that computes and draws, and a
few controls around it (``ipywidgets.interactive``), exposing the current result.

An explorer is built by :func:`explorer`; lesson code and tests read ``widget.result``
(the value the function returned for the current control values) and set controls by
name through ``widget.control(name)``.
"""

from __future__ import annotations

from collections.abc import Callable


def explorer(draw: Callable, figsize: tuple[float, float] = (9, 4), **controls):
    """Wrap ``draw(ax=..., **values)`` in sliders and dropdowns.

    Parameters
    ----------
    draw : callable
        ``draw(ax=ax, **values)`` computes from the control values, draws on ``ax`` and
        returns its result (a number, a table, a small dataclass...). It must not need a
        kernel: the same function makes the static picture of a lesson read without one.
    figsize : tuple of float
        Size of the figure drawn on each update, in inches.
    **controls
        One ipywidgets control per keyword argument of ``draw`` (other than ``ax``).

    Returns
    -------
    ipywidgets.interactive
        Its ``result`` attribute is the current result; ``control(name)`` returns the
        control of that argument, so a test can set ``.value`` and read ``.result``.
    """
    import ipywidgets as widgets  # heavy, and only needed when a widget is shown
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.display import display

    def show(**values):
        figure, ax = plt.subplots(figsize=figsize, layout="constrained")
        result = draw(ax=ax, **values)
        if get_ipython() is not None:  # in a notebook: show the picture above the result
            display(figure)
        plt.close(figure)
        return result

    widget = widgets.interactive(show, **controls)
    names = list(controls)
    widget.control = lambda name: widget.children[names.index(name)]
    return widget
