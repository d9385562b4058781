"""Update time of every explorer in ``crmkit.explore`` at the default world size (prints figures).

Each explorer is built once on the lessons' default world; then each of its controls is
moved a few times and the time from setting the value to the new ``result`` is measured
(ipywidgets recomputes synchronously). Target: under 150 ms per update; a warning line
names any explorer that misses it.

    python benchmarks/bench_widgets.py [--customers 3000] [--seed 7] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import inspect
import statistics
import time

TARGET_MS = 150


def next_value(control):
    """A different valid value for a slider, dropdown, toggle or text control (None if none)."""
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        others = [v for v in values if v != control.value]
        return others[0] if others else None
    if isinstance(control.value, bool):
        return not control.value
    if isinstance(control.value, tuple):  # a range slider: narrow the range
        low, high = control.value
        return (low, low + (high - low) / 2 if isinstance(low, float) else low + (high - low) // 2)
    if hasattr(control, "max") and hasattr(control, "min"):
        low, high = control.min, control.max
        target = low + (high - low) * 0.7 if isinstance(control.value, float) else low + int((high - low) * 0.7)
        if target == control.value:
            target = low
        return target
    return None


def build(factory, world):
    """Build an explorer from what its first argument asks for (a world, the worlds of a
    case with a lever on and off, or the model companies' KPI table)."""
    from crmkit.explore.cases import case_worlds, compare_companies, model_company_worlds

    first = next(iter(inspect.signature(factory).parameters), None)
    if first == "world":
        return factory(world)
    if first == "worlds":
        return factory(case_worlds("tesco"))
    if first == "table":
        return factory(compare_companies(model_company_worlds()))
    return factory()


def time_updates(widget, repeats: int) -> list[float]:
    """Milliseconds per update, over every control and ``repeats`` rounds."""
    times = []
    for _ in range(repeats):
        for control in widget.children:
            if not hasattr(control, "value") or type(control).__name__ == "Output":
                continue
            value = next_value(control)
            if value is None:
                continue
            start = time.perf_counter()
            control.value = value
            times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=3000, help="customers in the default world")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="rounds over every control")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")  # no display: the figures are drawn and closed
    import crmkit as ck

    world = ck.simulate("pschse", customers=args.customers, seed=args.seed, progress=False)
    print(f"explorers at {args.customers:,} customers (pschse, seed {args.seed}); target < {TARGET_MS} ms per update")
    print(f"{'explorer':36} {'build ms':>9} {'median ms':>10} {'max ms':>8} {'updates':>8}")
    from crmkit.planning.widgets import launch_risk_explorer

    factories = {name: getattr(ck.explore, name) for name in ck.explore.__all__ if name.endswith("_explorer")}
    factories["launch_risk_explorer (planning)"] = lambda: launch_risk_explorer(runs=2000, seed=1)
    slow = []
    for name, factory in factories.items():
        with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, widgets print control codes
            start = time.perf_counter()
            widget = build(factory, world)
            built = (time.perf_counter() - start) * 1000
            times = time_updates(widget, args.repeats)
        if not times:
            print(f"{name:36} {built:9.0f} {'-':>10} {'-':>8} {0:8}")
            continue
        median = statistics.median(times)
        print(f"{name:36} {built:9.0f} {median:10.1f} {max(times):8.1f} {len(times):8}")
        if median >= TARGET_MS:
            slow.append((name, median))
    for name, median in slow:
        print(f"WARNING: {name} takes {median:.0f} ms per update (target < {TARGET_MS} ms)")
    if not slow:
        print(f"every explorer updates in under {TARGET_MS} ms (median)")


if __name__ == "__main__":
    main()
