"""The one pattern every explorer follows: a pure function that computes and draws, and a
few controls around it (``ipywidgets.interactive``), exposing the current result.

An explorer is built by :func:`explorer`; lesson code and tests read ``widget.result``
(the value the function returned for the current control values) and set controls by
name through ``widget.control(name)``.

The picture goes into the widget's output area as state (``out.outputs``), never through
``display()`` captured by that area: a captured display makes a batch front end (nbclient,
so nbval, papermill, nbconvert) send the captured output back to the kernel on the shell
channel while it waits there for the cell's reply, and that reply can then arrive only at
the cell timeout (jupyter/nbclient#312). Set as state, the picture travels kernel to front
end only.
"""

from __future__ import annotations

import functools
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

    def show(**values):
        figure, ax = plt.subplots(figsize=figsize, layout="constrained")
        try:
            return draw(ax=ax, **values), _picture(figure)
        finally:
            plt.close(figure)

    widget = _explorer_class(widgets.interactive)(show, **controls)
    names = list(controls)
    widget.control = lambda name: widget.children[names.index(name)]
    return widget


def _picture(figure) -> tuple[dict, ...]:
    """The figure as one output of an output area: its PNG, as ``display(figure)`` would
    show it in a kernel; nothing outside one (tests read only the result)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return ()
    data, metadata = shell.display_formatter.format(figure)
    return ({"output_type": "display_data", "data": data, "metadata": metadata},)


def _error(exc: BaseException) -> tuple[dict, ...]:
    """An exception raised while drawing, as one error output of an output area."""
    import traceback

    lines = traceback.format_exception(exc)
    return ({"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
             "traceback": [line.rstrip("\n") for line in lines]},)


@functools.cache
def _explorer_class(interactive: type) -> type:
    """``ipywidgets.interactive`` whose update sets the output area's content as state."""
    from IPython import get_ipython

    class Explorer(interactive):
        def update(self, *args):
            """Call the drawing function with the control values; show its picture."""
            self.kwargs = {w._kwarg: w.get_interact_value() for w in self.kwargs_widgets}
            try:
                self.result, outputs = self.f(**self.kwargs)
            except Exception as exc:  # shown where the picture would be, as interact does
                if get_ipython() is None:
                    self.log.warning("Exception in explorer callback: %s", exc, exc_info=True)
                outputs = _error(exc)
            self.out.outputs = outputs

    return Explorer
