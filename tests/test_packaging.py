"""Packaging: conda and pip agree, the two commands exist, and importing does nothing visible."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_names_the_same_packages_and_versions_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_normalise(r) for r in project["dependencies"]}
    for extra in ("lab", "lecture", "test"):
        pip_side |= {_normalise(r) for r in project["optional-dependencies"][extra]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda_side = set()
    for item in env:
        if isinstance(item, dict):
            conda_side |= {_normalise(r) for r in item["pip"] if not r.startswith("-")}
        elif not item.startswith(("python", "pip")):
            conda_side.add(_normalise(item))
    assert conda_side == pip_side, f"only in environment.yml: {conda_side - pip_side}; only in pyproject: {pip_side - conda_side}"
    assert any(str(i).startswith("python>=3.11") for i in env)


def test_faker_is_pinned_exactly_and_constraints_pin_everything():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(re.fullmatch(r"faker==[\d.]+", r.lower()) for r in project["dependencies"])
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all("==" in line for line in pins)


def test_import_has_no_side_effects():
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import crmkit, crmkit.world.engine\n"
        "heavy = [m for m in ('seaborn', 'matplotlib', 'ipywidgets', 'faker', 'tqdm') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "" and out.stderr == ""


def test_readme_gives_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _git_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [f for f in out.stdout.split("\0") if f and (ROOT / f).is_file()]


def test_the_package_builds_quietly_with_every_case_and_dataset(tmp_path):
    """A wheel built from the tracked files declares every data folder (setuptools says
    nothing about folders "absent from the packages configuration") and holds every case's
    config and every dataset's world, so an installed kit loads them without the repository."""
    import shutil
    import zipfile

    source = tmp_path / "source"
    for file in _git_files():
        (source / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / file, source / file)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-v",
                          "-w", str(tmp_path / "dist")], cwd=source, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    log = run.stdout + run.stderr
    noisy = [line.strip() for line in log.splitlines() if re.search(r"absent from the|SetuptoolsDeprecationWarning|"
                                                                    r"is deprecated|will be ignored", line)]
    assert noisy == [], f"packaging warnings: {noisy[:5]}"
    (wheel,) = (tmp_path / "dist").glob("crmkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    cases = [p.parent.name for p in (ROOT / "case_studies").glob("*/world.yaml")]
    datasets = [p.name for p in (ROOT / "datasets").iterdir() if (p / "manifest.json").is_file()]
    assert cases and datasets
    missing = [f"crmkit/_case_studies/{c}/world.yaml" for c in cases] + [
        f"crmkit/_datasets/{d}/{f}" for d in datasets for f in ("world.yaml", "manifest.json", "customers.csv",
                                                                "truth/customers.csv")]
    assert [m for m in missing if m not in names] == []
    assert "crmkit/teach/data/assignments/rfm-basics.ipynb" in names
    assert "crmkit/analytics/sql/kpi_nps.sql" in names and "crmkit/analytics/sql/star.sql" in names


def test_the_editable_install_make_runs_prints_no_warning(tmp_path):
    """`make install` and `make lab` install the kit editable; with the Makefile's filter of
    setuptools' generic notice, building the editable wheel prints no warning at all."""
    import shutil

    makefile = (ROOT / "Makefile").read_text()
    (filter_,) = re.findall(r"^QUIET_EDITABLE := (.+)$", makefile, flags=re.M)
    assert 'PYTHONWARNINGS="$(QUIET_EDITABLE)"' in makefile
    source = tmp_path / "source"
    for file in _git_files():
        (source / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / file, source / file)
    build = "from setuptools import build_meta as b; b.build_editable(%r)" % str(tmp_path / "dist")

    def build_output(warnings: str) -> str:
        env = {**os.environ, "PYTHONWARNINGS": warnings}
        run = subprocess.run([sys.executable, "-c", build], cwd=source, capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stderr

    assert "Editable installation" in build_output("default")  # the notice is there to filter
    assert "Warning" not in build_output(filter_)
