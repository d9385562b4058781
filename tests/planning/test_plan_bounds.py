"""Plans and simulations that would exhaust the machine are refused with one line."""

from __future__ import annotations

import shutil

import pytest

from crmkit.errors import ConfigError
from crmkit.planning import Estimate, load_plan, risk, simulate
from crmkit.planning.io import plan_folder
from crmkit.planning.launch import launch_risk
from crmkit.planning.model import Link
from tests.planning.planning_helpers import run


@pytest.mark.parametrize(("make", "words"), [
    (lambda: simulate(load_plan("pschse"), runs=100_000_000), ["runs is 100000000", "1 to 1,000,000"]),
    (lambda: simulate(load_plan("pschse"), runs=True), ["runs is True"]),
    (lambda: simulate(load_plan("pschse"), runs=1.5), ["runs is 1.5"]),
    (lambda: simulate(load_plan("pschse"), uncertainty=1e11), ["uncertainty is 1", "0 to 10"]),
    (lambda: simulate(load_plan("pschse"), uncertainty="wide"), ["uncertainty is 'wide'"]),
    (lambda: simulate(load_plan("pschse"), runs=10, seed=-1), ["seed = -1", "2**63-1"]),
    (lambda: Estimate(1, 2, 1e11), ["estimate", "1e+11", "0 to 2,500"]),
    (lambda: Estimate(1, 2, float("nan")), ["estimate", "nan"]),
    (lambda: Link("1", "2", "FS", 10**11), ["lag of 1 before 2", "100,000,000,000", "2,500"]),
    (lambda: launch_risk("pschse", buffer_days=10**11, runs=100), ["buffer_days is 100000000000", "2,500"]),
])
def test_hostile_plan_settings_get_one_line(make, words):
    with pytest.raises(ConfigError) as info:
        make()
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_runs_are_bounded_by_memory_for_a_large_plan(monkeypatch):
    tasks = len(load_plan("pschse").leaves)
    monkeypatch.setattr(risk, "MAX_CELLS", tasks * 1_000)  # as if the plan had 1,000 times more tasks
    with pytest.raises(ConfigError, match=rf"runs is 2,000; allowed for this plan of {tasks} scheduled tasks: at most 1,000"):
        simulate(load_plan("pschse"), runs=2_000)
    assert len(simulate(load_plan("pschse"), runs=1_000).offsets) == 1_000


def test_the_largest_allowed_run_count_is_accepted_without_drawing():
    # A million runs of the PSCHSE plan fit the memory bound (49 tasks x 1M < 50M cells).
    assert risk.MAX_RUNS * 49 <= risk.MAX_CELLS




def test_summary_with_too_many_runs_exits_2_with_one_line(parser, capsys):
    assert run(parser, "summary", "pschse", "--runs", "100000000") == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.strip().count("\n") == 0 and "runs is 100000000" in out.err


def test_a_plan_with_a_duration_of_1e11_days_is_refused(parser, tmp_path, capsys):
    folder = tmp_path / "plan"
    shutil.copytree(plan_folder("pschse"), folder)
    wbs = folder / "wbs.csv"
    wbs.write_text(wbs.read_text().replace("Project charter signed,work_package,4,5,8,",
                                           "Project charter signed,work_package,4,5,1e11,"))
    assert run(parser, "summary", str(folder)) == 2
    out = capsys.readouterr().err
    assert "row 1.1.1" in out and "1e+11" in out and "2,500" in out
