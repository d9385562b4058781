"""The DuckDB warehouse: every KPI in SQL equals its pandas twin, the star schema and the
departments' views answer what pandas answers, and the flow model stores in DuckDB by default."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from crmkit.analytics.flow import run_flow, share, store_centrally
from crmkit.analytics.warehouse import (DEPARTMENT_VIEWS, KPIS, STAR_VIEWS, build_warehouse, connect_warehouse, kpi,
                                        kpi_sql)
from crmkit.analytics.warehouse_pandas import kpi_pandas
from crmkit.errors import DataError

from .conftest import SEEDS


@pytest.fixture(scope="module")
def warehouses(make_world, tmp_path_factory):
    """One warehouse per seed, beside its world."""
    out = {}
    for seed in SEEDS:
        world = make_world("pschse", 2000, seed)
        path = world.save(tmp_path_factory.mktemp(f"wh{seed}") / "w", format="duckdb", include_truth=False)
        out[seed] = (world, build_warehouse(path))
    return out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", KPIS)
def test_each_kpi_in_sql_equals_its_pandas_twin(warehouses, seed, name):
    world, path = warehouses[seed]
    in_sql, in_pandas = kpi(path, name), kpi_pandas(world.tables, name)
    assert len(in_sql) > 0
    pd.testing.assert_frame_equal(in_sql, in_pandas, check_dtype=False, rtol=1e-9)


def test_the_kpi_views_and_the_star_schema_answer_from_the_warehouse(warehouses):
    world, path = warehouses[SEEDS[0]]
    con = connect_warehouse(path)
    try:
        views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        nps_view = con.execute("SELECT * FROM kpi_nps").df()
        revenue = con.execute("SELECT sum(f.net_amount) FROM fact_orders f JOIN dim_customer d USING (customer_id)"
                              ).fetchone()[0]
        lines = con.execute("SELECT count(*), sum(quantity) FROM fact_order_lines").fetchone()
        days = con.execute("SELECT count(*), count(DISTINCT date) FROM dim_date").fetchone()
    finally:
        con.close()
    assert set(STAR_VIEWS) | set(DEPARTMENT_VIEWS.values()) | {f"kpi_{k}" for k in KPIS} <= views
    pd.testing.assert_frame_equal(nps_view, kpi(path, "nps"))
    assert revenue == pytest.approx(world.orders["net_amount"].sum())
    assert lines == (len(world.order_items), world.order_items["quantity"].sum())
    span = world.orders["ordered_at"].dt.normalize()
    assert days[0] == days[1] == (span.max() - span.min()).days + 1


def test_the_flow_stores_in_duckdb_by_default_with_the_same_views_as_sqlite(make_world, tmp_path):
    world = make_world("pschse", 2000, SEEDS[0])
    flow = run_flow(world, database=tmp_path / "central.duckdb")
    assert flow.database.suffix == ".duckdb" and flow.database.is_file()
    assert list(tmp_path.glob("*truth*")) == []
    relational, _ = store_centrally(world, tmp_path / "central.db")
    from_sqlite = share(relational)
    for name in DEPARTMENT_VIEWS:
        ours = flow.views[name]
        times = [c for c, t in ours.dtypes.items() if pd.api.types.is_datetime64_any_dtype(t)]
        theirs = from_sqlite[name].astype({c: ours[c].dtype for c in times})  # SQLite keeps times as text
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, obj=name)
    con = duckdb.connect(str(flow.database), read_only=True)
    ids = con.execute("SELECT source_record_ids FROM customer_master ORDER BY entity_id LIMIT 1").fetchone()[0]
    people = con.execute("SELECT count(*) FROM customer_master").fetchone()[0]
    con.close()
    assert people == len(flow.master) and isinstance(ids, list) and all(isinstance(i, int) for i in ids)


def test_a_flow_without_a_database_path_writes_a_temporary_warehouse(make_world):
    flow = run_flow(make_world("pschse", 2000, SEEDS[0]))
    assert flow.database.name == "central.duckdb"


HOSTILE = [  # what is asked, the error, words the message must hold
    (lambda w, p: kpi(p, "churn"), DataError, ["kpi = 'churn'", "repeat_rate"]),
    (lambda w, p: kpi_pandas(w.tables, "churn"), DataError, ["kpi = 'churn'", "nps"]),
    (lambda w, p: kpi_sql("../../etc/passwd"), DataError, ["kpi = '../../etc/passwd'"]),
    (lambda w, p: kpi(p.with_name("missing.duckdb"), "nps"), DataError, ["missing.duckdb", "no such file"]),
    (lambda w, p: connect_warehouse(w.config.name), DataError, ["no such file"]),
    (lambda w, p: run_flow(w, store="oracle"), DataError, ["store = 'oracle'", "'duckdb'", "'sqlite'"]),
]


@pytest.mark.parametrize("ask, error, words", HOSTILE)
def test_hostile_requests_are_refused_with_one_clear_line(warehouses, ask, error, words):
    world, path = warehouses[SEEDS[0]]
    with pytest.raises(error) as caught:
        ask(world, path)
    assert all(word in str(caught.value) for word in words) and "\n" not in str(caught.value)


def test_a_file_that_is_not_a_warehouse_is_refused(tmp_path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes")
    with pytest.raises(DataError, match="notes.duckdb.*not a DuckDB warehouse"):
        kpi(notes, "nps")
    assert notes.read_text() == "my notes"


def _department_views_in_pandas(world) -> dict[str, pd.DataFrame]:
    open_deals = world.opportunities[~world.opportunities["is_closed"]]
    open_cases = world.cases[world.cases["closed_at"].isna()]
    return {
        "marketing": world.customers[["customer_id", "region", "acquisition_source", "loyalty_tier", "email_opt_in",
                                      "sms_opt_in", "mail_opt_in"]],
        "sales": open_deals[["opportunity_id", "customer_id", "stage", "amount", "close_date", "owner_staff_id"]],
        "service": open_cases[["case_id", "customer_id", "reason", "priority", "opened_at", "is_complaint"]],
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_each_departments_view_equals_the_same_selection_in_pandas(warehouses, seed):
    world, path = warehouses[seed]
    con = connect_warehouse(path)
    try:
        in_sql = {name: con.execute(f"SELECT * FROM {view}").df() for name, view in DEPARTMENT_VIEWS.items()}
    finally:
        con.close()
    for name, expected in _department_views_in_pandas(world).items():
        expected = expected.reset_index(drop=True)
        labels = {c: object for c, t in expected.dtypes.items() if isinstance(t, pd.CategoricalDtype)}
        got = in_sql[name].astype({c: expected[c].dtype for c in expected.columns if c not in labels})
        pd.testing.assert_frame_equal(got, expected.astype(labels), check_dtype=False, obj=name)
