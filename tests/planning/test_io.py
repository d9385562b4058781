"""Loading plans by case name or folder."""

from __future__ import annotations

import shutil

import pytest

from crmkit.errors import ConfigError
from crmkit.planning import load_plan
from crmkit.planning.io import plan_folder


def test_the_pschse_plan_resolves_by_name_and_by_folder(tmp_path):
    shutil.copytree(plan_folder("pschse"), tmp_path / "plan")
    by_name, by_folder = load_plan("pschse"), load_plan(tmp_path / "plan")
    assert by_name == by_folder
    assert by_name.launch_milestone == "9.2.2" and by_name.task("9.2.2").milestone


def test_the_pschse_plan_has_the_ten_phases_and_a_holiday_calendar():
    plan = load_plan("pschse")
    assert [t.code for t in plan.tasks if t.level == 1] == [str(i) for i in range(1, 11)]
    assert len(plan.calendar.holidays) == 11
    assert all(t.remark for t in plan.leaves), "every number carries a remark"


def test_an_unknown_plan_is_refused_with_the_allowed_names():
    with pytest.raises(ConfigError, match=r"plan 'acme' not found; allowed: pschse or a folder"):
        load_plan("acme")


def test_a_bad_launch_milestone_is_refused(tmp_path):
    folder = shutil.copytree(plan_folder("pschse"), tmp_path / "plan")
    text = (folder / "plan.yaml").read_text().replace('launch_milestone: "9.2.2"', 'launch_milestone: "99"')
    (folder / "plan.yaml").write_text(text)
    with pytest.raises(ConfigError, match="launch_milestone is '99'"):
        load_plan(folder)


def test_the_people_carry_rates_and_availability():
    plan = load_plan("pschse")
    assert plan.person("Integrator").rate > plan.person("Trainer").rate > 0
    assert plan.person("Marketing lead").max_units == 0.5 and plan.person("Nobody").rate == 0
    assert set(plan.resources) >= {p.name for p in plan.people}


@pytest.mark.parametrize(("person", "words"), [
    ("{name: Ben, rate: -5}", "rate of Ben is -5"),
    ("{name: Ben, rate: cheap}", "rate of Ben is 'cheap'"),
    ("{name: Ben, max_units: 0}", "max_units of Ben is 0"),
    ("{name: Ben, max_units: 50}", "max_units of Ben is 50"),
])
def test_a_bad_rate_or_availability_is_one_clear_line(tmp_path, person, words):
    folder = shutil.copytree(plan_folder("pschse"), tmp_path / "plan")
    text = (folder / "plan.yaml").read_text()
    start = text.index("    - {name: Ben,")
    end = text.index("\n", start)
    (folder / "plan.yaml").write_text(text[:start] + f"    - {person}" + text[end:])
    with pytest.raises(ConfigError, match=words) as error:
        load_plan(folder)
    assert "\n" not in str(error.value) and "allowed" in str(error.value)


def test_a_bad_contingency_share_is_one_clear_line(tmp_path):
    folder = shutil.copytree(plan_folder("pschse"), tmp_path / "plan")
    text = (folder / "plan.yaml").read_text().replace("share_of_effort: 0.15", "share_of_effort: 15")
    (folder / "plan.yaml").write_text(text)
    with pytest.raises(ConfigError, match=r"contingency_reserve.share_of_effort is 15; allowed: a share .* from 0 to 1"):
        load_plan(folder)
