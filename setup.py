"""Only the package list lives here; everything else is in pyproject.toml.

The case configurations and the shipped datasets sit at the top of the repository, where
people look for them, and are installed inside the package as ``crmkit._case_studies`` and
``crmkit._datasets``. Every folder of data is declared as a package of its own (found here,
so a new case or dataset needs no edit), which is how setuptools wants data folders.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

DATA_ROOTS = {"crmkit._case_studies": "case_studies", "crmkit._datasets": "datasets"}


def data_packages(name: str, folder: str) -> list[str]:
    root = Path(folder)
    return [name] + [f"{name}.{'.'.join(p.relative_to(root).parts)}" for p in sorted(root.rglob("*"))
                     if p.is_dir() and "__pycache__" not in p.parts]


packages = find_namespace_packages(include=["crmkit", "crmkit.*"], exclude=["*__pycache__*"])
package_data = {
    "crmkit.world.data": ["*.yaml"],
    "crmkit.frameworks.data": ["*.yaml"],
    "crmkit.analytics.sql": ["*.sql"],  # the warehouse's views and KPIs
    "crmkit.teach.data.assignments": ["*.ipynb", "*/assignment.yaml"],  # rfm-basics, and one folder per declared assignment
    "crmkit.teach.data": ["solutions.json"],  # the lessons' worked solutions, for checks.solution(name)
    "crmkit.vendor.reveal": ["*.js", "*.css", "*.md", "LICENSE"],  # inlined by `crmkit present --to html`
}
for name, folder in DATA_ROOTS.items():
    found = data_packages(name, folder)
    packages += found
    package_data |= {package: ["*.yaml", "*.md", "*.csv", "*.json"] for package in found}

setup(packages=packages, package_dir=DATA_ROOTS, package_data=package_data)
