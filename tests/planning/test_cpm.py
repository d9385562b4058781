"""The critical path method against hand-worked networks and against an independent oracle."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.errors import ConfigError
from crmkit.planning.cpm import cpm_table, leaf_durations, network
from crmkit.planning.model import Link

from tests.planning.planning_helpers import network_plan


def solve(plan):
    net = network(plan)
    return cpm_table(net, leaf_durations(plan, net))


def test_textbook_finish_to_start_network():
    # Worked by hand. 1 (3 days); 2 (4) and 3 (2) after 1; 4 (5) after 2 and 3; 5 (1) after 3.
    # Forward:  1: 0-3   2: 3-7   3: 3-5   4: max(7, 5) = 7-12   5: 5-6    finish = 12
    # Backward: 4: LF 12 LS 7   5: LF 12 LS 11   2: LF 7 LS 3   3: LF min(7, 11) = 7 LS 5
    #           1: LF min(3, 5) = 3 LS 0
    # Total float = LS - ES: 1:0 2:0 3:2 4:0 5:6.  Free float: 3 -> min(7-5, 5-5) = 0, 5 -> 12-6 = 6.
    plan = network_plan(("1", 3, ""), ("2", 4, "1"), ("3", 2, "1"), ("4", 5, "2, 3"), ("5", 1, "3"))
    table = solve(plan)
    assert table["es"].to_dict() == {"1": 0, "2": 3, "3": 3, "4": 7, "5": 5}
    assert table["lf"].to_dict() == {"1": 3, "2": 7, "3": 7, "4": 12, "5": 12}
    assert table["total_float"].to_dict() == {"1": 0, "2": 0, "3": 2, "4": 0, "5": 6}
    assert table["free_float"].to_dict() == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 6}
    assert list(table.index[table["critical"]]) == ["1", "2", "4"]


def test_textbook_network_with_all_four_link_types_and_lags():
    # Worked by hand. 1 (4 days); 2 (3): 1SS+2; 3 (5): 1FF+1; 4 (2): 2FS+1 and 3SF+9; 5 (3): 4FS-1.
    # Forward:  1: 0-4.  2: ES >= ES1 + 2 = 2 -> 2-5.  3: EF >= EF1 + 1 = 5 -> 0-5.
    #           4: ES >= EF2 + 1 = 6 and EF >= ES3 + 9 = 9 (ES >= 7) -> 7-9.
    #           5: ES >= EF4 - 1 = 8 -> 8-11.  Finish = 11.
    # Backward: 5: LF 11 LS 8.  4: LF <= LS5 + 1 = 9 -> LS 7.  3: LS <= LF4 - 9 = 0 -> LF 5.
    #           2: LF <= LS4 - 1 = 6 -> LS 3.  1: LS <= LS2 - 2 = 1 (LF 5) and LF <= LF3 - 1 = 4 -> LF 4, LS 0.
    # Total float: 1:0 2:1 3:0 4:0 5:0, so the critical path is 1 -FF-> 3 -SF-> 4 -FS-> 5.
    # Free float of 2: ES4 - 1 - EF2 = 7 - 1 - 5 = 1; of 3: EF4 - 9 - ES3 = 0.
    plan = network_plan(("1", 4, ""), ("2", 3, "1SS+2"), ("3", 5, "1FF+1"), ("4", 2, "2FS+1, 3SF+9"), ("5", 3, "4FS-1"))
    table = solve(plan)
    assert table["es"].to_dict() == {"1": 0, "2": 2, "3": 0, "4": 7, "5": 8}
    assert table["ef"].to_dict() == {"1": 4, "2": 5, "3": 5, "4": 9, "5": 11}
    assert table["ls"].to_dict() == {"1": 0, "2": 3, "3": 0, "4": 7, "5": 8}
    assert table["total_float"].to_dict() == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert table["free_float"].to_dict() == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}


def test_a_cycle_is_refused_naming_it():
    plan = network_plan(("1", 2, ""), ("2", 2, "1"))
    looped = type(plan)(tasks=plan.tasks, links=(*plan.links, Link("2", "1")))
    with pytest.raises(ConfigError, match=r"dependency cycle (1 -> 2 -> 1|2 -> 1 -> 2)"):
        network(looped)


def test_a_link_to_an_unknown_task_is_refused():
    plan = network_plan(("1", 2, ""))
    with pytest.raises(ConfigError, match="not a leaf of the plan"):
        network(type(plan)(tasks=plan.tasks, links=(Link("9", "1"),)))


@st.composite
def random_networks(draw):
    size = draw(st.integers(2, 7))
    durations = draw(st.lists(st.integers(0, 6), min_size=size, max_size=size))
    rows = []
    for j in range(size):
        preds = []
        for i in range(j):
            if draw(st.booleans()):
                kind = draw(st.sampled_from(["FS", "SS", "FF", "SF"]))
                preds.append(f"{i + 1}{kind}{draw(st.integers(-2, 3)):+d}")
        rows.append((str(j + 1), durations[j], ", ".join(preds)))
    return network_plan(*rows)


def event_graph(plan, durations):
    """The oracle: every task's start and finish as nodes; longest paths give the CPM dates.

    Weights are negated, so Bellman-Ford's shortest paths are the longest ones. The edge
    finish -> start of weight -d lets FF and SF links push a start later; it closes a
    zero-weight loop, which Bellman-Ford allows.
    """
    graph = nx.DiGraph()
    for code, days in durations.items():
        graph.add_edge("source", ("S", code), weight=0)
        graph.add_edge(("F", code), "sink", weight=0)
        graph.add_edge(("S", code), ("F", code), weight=-days)
        graph.add_edge(("F", code), ("S", code), weight=days)
    for link in plan.links:
        edge = (("F" if link.from_finish else "S", link.predecessor), ("F" if link.to_finish else "S", link.successor))
        weight = min(-link.lag, graph.edges[edge]["weight"]) if graph.has_edge(*edge) else -link.lag
        graph.add_edge(*edge, weight=weight)
    return graph


@settings(max_examples=50, deadline=None)
@given(random_networks())
def test_cpm_invariants_on_random_networks(plan):
    table = solve(plan)
    es, ef = table["es"], table["ef"]
    # No activity starts before its predecessors allow.
    for link in plan.links:
        point = ef[link.predecessor] if link.from_finish else es[link.predecessor]
        assert (ef if link.to_finish else es)[link.successor] >= point + link.lag - 1e-9
    assert (es >= 0).all()
    graph = event_graph(plan, table["duration"].to_dict())
    from_source = nx.single_source_bellman_ford_path_length(graph, "source")
    to_sink = nx.single_source_bellman_ford_path_length(graph.reverse(), "sink")
    finish = -from_source["sink"]
    # The project finish equals the longest path, and early starts are longest paths too.
    assert ef.max() == finish
    assert es.to_dict() == {code: -from_source[("S", code)] for code in table.index}
    # Total float is zero exactly on the longest (critical) paths.
    on_longest = {code: -from_source[("S", code)] - to_sink[("S", code)] == finish for code in table.index}
    assert table["critical"].to_dict() == on_longest
    assert (table["total_float"] >= -1e-9).all()
    assert (table["free_float"] <= table["total_float"] + 1e-9).all()


def test_the_forward_pass_works_on_many_runs_at_once():
    plan = network_plan(("1", 3, ""), ("2", 4, "1"), ("3", 2, "1SS+1"))
    net = network(plan)
    runs = np.array([[3.0, 4.0, 2.0], [1.0, 1.0, 9.0]])
    from crmkit.planning.cpm import forward_pass

    _, ef = forward_pass(net, runs)
    assert ef.max(axis=1).tolist() == [7.0, 10.0]
