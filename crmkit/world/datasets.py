"""Small ready-made worlds shipped with the kit, each with a data card.

>>> import crmkit as ck
>>> ck.dataset_names()
['harrahs', 'pschse', 'retailer', 'ritz_carlton', 'tesco']
>>> len(ck.load_dataset("pschse").customers)
3000
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import version
from importlib.resources import as_file, files
from pathlib import Path

from crmkit.errors import DataError, describe_allowed
from crmkit.world.cases import DEFAULT_CASE
from crmkit.world.dictionary import observed_tables



def _datasets() -> dict[str, dict]:
    from crmkit.world.cases import cases, load_config

    specs = {case: load_config(case).dataset for case in cases()}
    return {case: {"case": case, "customers": d.customers, "seed": d.seed} for case, d in specs.items() if d is not None}


# name -> how it is made (each case's ``dataset:`` section); the test suite rebuilds each one
# and compares the bytes.
DATASETS = _datasets()


def dataset_names() -> list[str]:
    """Names of the shipped datasets."""
    return sorted(DATASETS)


@cache
def _load(name: str):
    from crmkit.world.world import load_world

    with as_file(files("crmkit._datasets").joinpath(name)) as folder:
        return load_world(folder, format="csv")


def load_dataset(name: str = DEFAULT_CASE):
    """Load a shipped dataset (offline, from the installed package, from any folder).

    The world comes with its truth; the tables are copies, so changing them does not
    change the next load.
    """
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}: {describe_allowed(dataset_names())}")
    from crmkit.world.world import World

    world = _load(name)
    return World(world.config, {k: v.copy() for k, v in world.tables.items()},
                 {k: v.copy() for k, v in world.truth.items()})


def _geography(world):
    from crmkit.world.words import words_of

    return words_of(world.config).geography


def data_card(name: str, world) -> str:
    """The dataset's card: what it is, how it was made, and what is in it."""
    spec = DATASETS[name]
    rows = "\n".join(f"| `{t}` | {len(df):,} | {observed_tables()[t].description} |" for t, df in world.tables.items())
    truth = "\n".join(f"| `truth/{t}` | {len(df):,} |" for t, df in world.truth.items())
    return f"""# Dataset `{name}`: {world.config.title}

**Synthetic data.** Every person, company, number and event in these files was made up
by the crmkit simulator; none describes a real customer. {world.config.description}

## How it was made
- Case configuration: `case_studies/{spec['case']}/world.yaml` (copied here as `world.yaml`)
- Customers: {spec['customers']:,}; master seed: {spec['seed']}
- crmkit {version('crmkit')}, Faker {version('faker')} (pinned; names come from its word lists)
- Places and names: Faker locale {_geography(world).locale}; every amount in {_geography(world).currency}
- Observation window: {world.config.calendar.start_date} to {world.config.calendar.observed_until};
  hold-out period of {world.config.calendar.holdout_months} months (only in the truth)
- Rebuild: `crmkit datasets {name}` (a test checks that the rebuild is byte-identical)

## Observed tables
| table | rows | one row is |
|---|---|---|
{rows}

## Truth (what really happened; withhold it from students for graded work)
| table | rows |
|---|---|
{truth}

Columns, types and allowed values: `docs/data_dictionary.md`.
"""


def build_datasets(out: str | Path = "datasets", names: list[str] | None = None) -> list[Path]:
    """Simulate the shipped datasets into ``out`` (one folder each, CSV, with a data card)."""
    from crmkit.world.engine import simulate

    written = []
    for name in names or dataset_names():
        if name not in DATASETS:
            raise DataError(f"unknown dataset {name!r}: {describe_allowed(dataset_names())}")
        spec = DATASETS[name]
        world = simulate(spec["case"], customers=spec["customers"], seed=spec["seed"], progress=False)
        path = world.save(Path(out) / name, format="csv")
        (path / "README.md").write_text(data_card(name, world), encoding="utf-8")
        written.append(path)
    return written
